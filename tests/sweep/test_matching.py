"""Runs matched into cells for a paired comparison, checked against the differences computed by hand."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from relulab.sweep.matching import compare_runs, matches
from relulab.sweep.paired import bootstrap_means, newcombe
from relulab.sweep.records import SweepRecord


def rec(act, seed, acc, *, hidden=(3,), lr=0.1, status="ok", loss=0.5):
    cfg = {"activation": act, "weight_seed": seed, "hidden": list(hidden), "lr": lr, "dataset": "xor"}
    return SweepRecord(key=f"{act}{seed}{hidden}{lr}", config=cfg, status=status, message="",
                       metrics={"test_acc": acc, "test_loss": loss})


ACC = {"relu": [0.9, 0.8, 1.0, 0.7, 0.95], "gelu": [0.85, 0.8, 0.9, 0.75, 0.6], "tanh": [0.5, 0.9, 0.6, 0.7, 0.4]}
RECORDS = [rec(a, s, v) for a, vals in ACC.items() for s, v in enumerate(vals)]


def test_the_difference_is_the_mean_of_the_matched_differences_and_its_interval_the_bootstrap():
    out = compare_runs(RECORDS, "activation", ["relu", "gelu", "tanh"], ["weight_seed"], seed=3)
    rng = np.random.default_rng(3)
    for m, v in zip(out, ["gelu", "tanh"], strict=True):
        diffs = [a - b for a, b in zip(ACC["relu"], ACC[v], strict=True)]
        assert m.result.variant == v and m.result.n == 5 and m.dropped == 0
        assert math.isclose(m.result.diff, statistics.fmean(diffs), abs_tol=1e-12)
    # Holm: the variant with the smaller p-value first at 1 - 0.05/2; bootstrap draws in the variants' order
    means = {v: bootstrap_means([a - b for a, b in zip(ACC["relu"], ACC[v], strict=True)], rng)
             for v in ("gelu", "tanh")}
    for m in out:
        lvl = m.result.level
        assert lvl in (0.975, 0.95)
        q = (1 - lvl) / 2
        assert math.isclose(m.result.low, float(np.quantile(means[m.result.variant], q)), abs_tol=1e-12)
        assert math.isclose(m.result.high, float(np.quantile(means[m.result.variant], 1 - q)), abs_tol=1e-12)
    assert out == compare_runs(RECORDS, "activation", ["relu", "gelu", "tanh"], ["weight_seed"], seed=3)


def test_success_uses_newcombe_on_the_table_of_pairs():
    out = compare_runs(RECORDS, "activation", ["relu", "tanh"], ["weight_seed"], success=0.8)[0]
    # relu >= 0.8: 1,1,1,0,1; tanh: 0,1,0,0,0 -> both 1, only relu 3, only tanh 0, neither 1
    assert out.result.method == "newcombe" and math.isclose(out.result.diff, 3 / 5)
    assert (out.result.low, out.result.high) == pytest.approx(newcombe(1, 3, 0, 1))


def test_unmatched_error_and_diverged_runs_are_left_out():
    recs = [*RECORDS, rec("relu", 7, 0.9), rec("gelu", 8, 0.9), rec("relu", 9, 0.9),
            rec("gelu", 9, 0.1, status="error"), rec("relu", 10, 0.9), rec("gelu", 10, None, status="diverged")]
    m = compare_runs(recs, "activation", ["relu", "gelu"], ["weight_seed"])[0]
    assert (m.result.n, m.dropped) == (5, 1)  # seeds 0-4; seed 10 dropped (no accuracy); 7, 8, 9 unmatched
    s = compare_runs(recs, "activation", ["relu", "gelu"], ["weight_seed"], success=0.8)[0]
    assert (s.result.n, s.dropped) == (6, 0)  # a diverged run is a failure
    assert math.isclose(s.result.diff, 2 / 6)  # relu succeeds and gelu fails at seeds 4 (0.95 v 0.6) and 10


def test_a_loss_is_negated_so_that_plus_means_the_reference_is_lower():
    recs = [rec("relu", s, 1.0, loss=0.1 * s) for s in range(4)] + [rec("gelu", s, 1.0, loss=0.3 * s) for s in range(4)]
    m = compare_runs(recs, "activation", ["relu", "gelu"], ["weight_seed"], metric="test_loss")[0]
    assert math.isclose(m.result.diff, statistics.fmean(0.2 * s for s in range(4)))


def test_matching_values_as_written_on_the_command_line():
    assert matches((4, 2), "4,2") and matches(1.0, "1") and matches(0.03, "0.03") and matches("relu", "relu")
    assert not matches((4, 2), "4") and not matches(0.1, "x") and not matches("relu", "gelu")
    recs = [rec("relu", 0, 0.9, hidden=h) for h in ((3,), (4, 2))] + [rec("relu", 0, 0.7, hidden=(4, 2), lr=1.0)]
    out = compare_runs(recs[:2], "hidden", ["4,2", "3"], ["weight_seed"])[0]
    assert (out.result.n, out.result.diff) == (1, 0.0)
    recs2 = [*recs[:2], rec("relu", 0, 0.7, hidden=(3,), lr=1.0)]
    m = compare_runs(recs2, "lr", ["1", "0.1"], ["weight_seed", "hidden"])[0]
    assert m.result.n == 1 and math.isclose(m.result.diff, 0.7 - 0.9)


@pytest.mark.parametrize(("args", "kw", "message"), [
    (("colour", ["a", "b"], ["weight_seed"]), {}, "unknown field 'colour'"),
    (("activation", ["relu", "gelu"], ["sed"]), {}, "unknown field 'sed'"),
    (("activation", ["relu", "gelu"], ["weight_seed"]), {"metric": "f1"}, "unknown field 'f1'"),
    (("activation", ["relu"], ["weight_seed"]), {}, "at least two different values"),
    (("activation", ["relu", "relu"], ["weight_seed"]), {}, "at least two different values"),
    (("activation", ["relu", "gelu"], ["activation"]), {}, "--paired-by wants distinct fields other than"),
    (("activation", ["relu", "gelu"], []), {}, "--paired-by wants distinct fields"),
    (("activation", ["relu", "elu"], ["weight_seed"]), {}, "no stored run has activation=elu"),
    (("activation", ["relu", "gelu"], ["dataset"]), {}, "holds more than one run of activation=relu (they differ in "
                                                        "weight_seed)"),
    (("activation", ["relu", "gelu"], ["weight_seed"]), {"success": math.nan}, "must be a finite number"),
])
def test_bad_input_is_refused_with_what_was_wrong(args, kw, message):
    with pytest.raises(ValueError, match=None) as e:
        compare_runs(RECORDS, *args, **kw)
    assert message in str(e.value)


def test_no_matched_cells_is_refused():
    recs = [rec("relu", 0, 0.9), rec("gelu", 1, 0.9), rec("relu", 2, 0.9), rec("gelu", 2, None, status="diverged")]
    with pytest.raises(ValueError, match="no matched cells: no weight_seed holds a result for both"):
        compare_runs(recs, "activation", ["relu", "gelu"], ["weight_seed"])
