"""Live checks: parsed (never evaluated), compared as the page's learner would read them, and observed
from a frame the way the playground sends it."""

from __future__ import annotations

import pytest

from relulab.lessons.checks import METRICS, observe, parse_check


@pytest.mark.parametrize("text, seen, holds", [
    ("test_acc >= 0.9", {"test_acc": 0.9}, True),
    ("test_acc >= 0.9", {"test_acc": 0.899}, False),
    ("test_acc >= 0.9", {"test_acc": None}, False),  # not measured yet: not true
    ("test_loss < 0.1 and epoch >= 100", {"test_loss": 0.05, "epoch": 99}, False),
    ("test_loss < 0.1 and epoch >= 100", {"test_loss": 0.05, "epoch": 100}, True),
    ("linear == true", {"linear": True}, True),
    ("linear == true", {"linear": 1}, False),  # a boolean check wants a boolean
    ("activation == relu", {"activation": "relu"}, True),
    ("activation != relu", {"activation": "tanh"}, True),
    ("dead == 0", {"dead": False}, False),  # a number check never takes a boolean
    ("sides <= 8", {"sides": float("nan")}, False),
])
def test_checks_hold_exactly_when_the_run_shows_it(text, seen, holds):
    assert parse_check(text).holds(seen) is holds


@pytest.mark.parametrize("text, fragment", [
    ("", "a check is a text"),
    ("accuracy >= 1", "unknown metric 'accuracy'"),
    ("test_acc => 1", "is not 'metric op value'"),
    ("test_acc >= inf", "not a finite number"),
    ("activation > relu", "only == and != compare"),
    ("__import__('os') == 1", "is not 'metric op value'"),
    ("test_acc >= 0.9 or dead == 1", "is not 'metric op value'"),
])
def test_bad_checks_are_one_line_errors(text, fragment):
    with pytest.raises(ValueError, match=None) as e:
        parse_check(text)
    assert fragment in str(e.value) and "\n" not in str(e.value)


def test_observe_reads_every_metric_from_a_frame_and_state():
    frame = {"epoch": 7, "train_loss": 0.2, "test_loss": 0.3, "train_acc": 0.9, "test_acc": 0.8,
             "regions": {"count": 12, "sides": [{"sides": 9, "touches_window": True},
                                                {"sides": 6, "touches_window": False}]},
             "diagnostics": {"layers": [{"sparsity": 0.5, "grad_norm": 0.01}, {"sparsity": 0.3, "grad_norm": 0.1}],
                             "dead_total": 2},
             "collapse": {"refused": "not linear"}}
    state = {"network": {"hidden": [4, 4], "activations": ["relu", "relu"]}, "perceptron": False,
             "config": {"dataset": "circle"}}
    seen = observe(frame, state)
    assert set(seen) == set(METRICS)
    assert seen["sides"] == 6 and seen["regions"] == 12 and seen["dead"] == 2
    assert seen["sparsity"] == pytest.approx(0.4) and seen["grad_ratio"] == pytest.approx(0.1)
    assert seen["linear"] is False and seen["activation"] == "relu" and seen["layers"] == 2 and seen["units"] == 8
    linear = observe({"diagnostics": {"refused": "all linear"}, "collapse": {"weight": [[1]]}}, state)
    assert linear["linear"] is True and linear["dead"] == 0 and linear["sparsity"] == 0.0 and linear["sides"] is None
