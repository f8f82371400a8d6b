"""C4's rule on both sides of each threshold, and a quick re-run whose verdict follows its own numbers."""

from __future__ import annotations

import pytest

from relulab.experiments import Verdict
from relulab.experiments import c04_approximation as c4

UNITS = [2, 4, 8, 16, 32, 64]
GOOD = [1.0, 0.5, 0.2, 0.1, 0.05, 0.01]


def m(slope=-2.0, **errs):
    return {"units": UNITS, "slope_sin_constructed": slope,
            "trained_error": {t: errs.get(t, GOOD) for t in ("sin", "sigmoid", "exp")}}


CASES = [(m(-2.0), {"decide": Verdict.HOLDS}), (m(-1.69), {"decide": Verdict.FAILS}),
         (m(exp=[1.0, 0.5, 0.4, 0.45, 0.5, 0.5]), {"decide": Verdict.FAILS}),
         (m(sin=[1.0, 0.1, 0.2, 0.05, 0.04, 0.01]), {"decide": Verdict.CAVEATS})]


def test_slope_window():
    assert c4.decide(m(-2.0))[0] is Verdict.HOLDS
    assert c4.decide(m(-1.71))[0] is Verdict.HOLDS and c4.decide(m(-2.29))[0] is Verdict.HOLDS
    assert c4.decide(m(-1.69))[0] is Verdict.FAILS and c4.decide(m(-2.31))[0] is Verdict.FAILS


def test_trained_n64_must_beat_n4():
    v, why = c4.decide(m(exp=[1.0, 0.5, 0.4, 0.45, 0.5, 0.5]))
    assert v is Verdict.FAILS and "trained exp" in why[0]
    assert c4.decide(m(exp=[1.0, 0.5, 0.4, 0.45, 0.5, 0.49]))[0] is Verdict.CAVEATS  # below N = 4, not monotone


def test_non_monotone_is_a_caveat():
    v, why = c4.decide(m(sin=[1.0, 0.1, 0.2, 0.05, 0.04, 0.01]))
    assert v is Verdict.CAVEATS and len(why) == 1 and "sin" in why[0]


def test_quick_run_with_another_seed_follows_its_numbers():
    r = c4.run(quick=True, seed=1)
    assert r.id == "C4" and r.rule == c4.RULE and r.figures and r.seeds == [1]
    values = {x.name: x.value for x in r.measurements}
    slope = values["constructed sin: slope of log max error vs log N"]
    assert -2.3 <= slope <= -1.7
    errs = {t: values[f"trained {t}: max error on [-4, 4] for N = {UNITS}"] for t in ("sin", "sigmoid", "exp")}
    assert r.rule_inputs["slope_sin_constructed"] == pytest.approx(slope, abs=1e-3)
    assert {t: [float(f"{v:.4g}") for v in e] for t, e in r.rule_inputs["trained_error"].items()} == errs
    assert (r.verdict, r.caveats) == c4.decide(r.rule_inputs)
