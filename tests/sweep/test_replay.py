"""relulab.sweep.replay: a stored run trained again gives its stored numbers, or is refused."""

from __future__ import annotations

import dataclasses

import pytest

from relulab.config import RunConfig
from relulab.sweep.replay import replay
from relulab.sweep.store import SweepStore
from relulab.sweep.worker import run_chunk


@pytest.fixture(scope="module")
def stored():
    cfgs = [RunConfig(dataset="xor", n_points=60, epochs=8, lr=0.1, hidden=(4,), weight_seed=s) for s in (0, 1, 2)]
    with SweepStore() as store:
        store.add(run_chunk(cfgs))  # trained as one stack, as a sweep trains them
        return list(store.iter_records())


def test_each_run_trained_again_alone_gives_its_stored_metrics_and_history(stored):
    for r in stored:
        run = replay(r)
        assert run.config == r.run_config()
        assert run.metrics()["test_acc"] == pytest.approx(r.metrics["test_acc"], abs=1e-9)
        assert run.history.test_loss == pytest.approx(r.history["test_loss"], abs=1e-9)


def test_a_run_whose_numbers_differ_is_refused_naming_the_difference(stored):
    r = stored[0]
    wrong = dataclasses.replace(r, metrics={**r.metrics, "test_acc": r.metrics["test_acc"] - 0.25})
    with pytest.raises(ValueError, match=rf"^run {r.key}: training its config again gives test_acc = "
                                         rf"{r.metrics['test_acc']!r}, stored {wrong.metrics['test_acc']!r}; "
                                         "the weights would not be the stored run's"):
        replay(wrong)
    with pytest.raises(ValueError, match="gives status 'completed', stored 'diverged'"):
        replay(dataclasses.replace(r, status="diverged"))


def test_an_error_run_has_nothing_to_replay(stored):
    with pytest.raises(ValueError, match=f"^run {stored[0].key} is stored as an error \\(boom\\)"):
        replay(dataclasses.replace(stored[0], status="error", message="boom"))
