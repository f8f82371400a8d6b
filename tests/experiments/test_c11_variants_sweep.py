"""C11 over the whole c11.yaml grid: paired differences relu − variant, judged in parts (every verdict),
a perturbation of the measurements that flips the verdict, and the spec the claim runs."""

from __future__ import annotations

import numpy as np
import pytest

from relulab.experiments import Verdict, get_claim, run_claim
from relulab.experiments import c11_variants_sweep as c11
from relulab.sweep.paired import outcome_of

PARTS = ("overall", "circle", "xor", "spiral", "digits")


def _row(low: float, high: float) -> dict:
    return {"diff": (low + high) / 2, "low": low, "high": high, "n": 40, "level": 0.9875,
            "outcome": outcome_of(low, high).value}


def _where(**change) -> dict:
    """Every variant non-inferior on success and accuracy, unless ``change`` says {"metric/variant": (lo, hi)}."""
    rows = {m: {v: _row(-0.03, 0.04) for v in c11.VARIANTS} for m in (*c11.JUDGED, "loss")}
    for key, ci in change.items():
        metric, variant = key.split("__")
        rows[metric][variant] = _row(*ci)
    return rows | {"cells": 40}


def _m(**per_part) -> dict:
    return {p: per_part.get(p, _where()) for p in PARTS}


UNSURE, WORSE = _where(success__gelu=(-0.12, 0.03)), _where(success__elu=(-0.3, -0.1))
CASES = [(_m(), {"as_well_overall": Verdict.HOLDS, "as_well_digits": Verdict.HOLDS}),
         (_m(overall=UNSURE, digits=UNSURE), {"as_well_overall": Verdict.INCONCLUSIVE,
                                               "as_well_digits": Verdict.INCONCLUSIVE}),
         (_m(overall=WORSE, digits=WORSE), {"as_well_overall": Verdict.FAILS, "as_well_digits": Verdict.FAILS})]


def test_every_part_gives_each_verdict():
    assert c11.decide(_m()) == (Verdict.HOLDS, [])
    assert c11._judge(_where(test_acc__prelu=(0.01, 0.2))) == (Verdict.HOLDS, [])  # better
    v, why = c11._judge(_where(success__gelu=(-0.12, 0.03)))
    assert v is Verdict.INCONCLUSIVE and "success gelu: -0.045 [-0.120, +0.030]" in why[0]
    v, why = c11._judge(_where(test_acc__elu=(-0.2, -0.06), success__gelu=(-0.12, 0.03)))
    assert v is Verdict.FAILS and "test_acc elu" in why[0]
    # relu worse but within the margin: non-inferior still (the interval shows "as well as")
    assert c11._judge(_where(success__leaky_relu=(-0.04, -0.01)))[0] is Verdict.HOLDS
    # the loss is shown, never judged
    assert c11._judge(_where(loss__prelu=(-0.9, -0.5)))[0] is Verdict.HOLDS


def test_claim_verdict_from_its_parts():
    unsure = _where(success__gelu=(-0.12, 0.03))
    worse = _where(success__elu=(-0.3, -0.1))
    assert c11.decide(_m(digits=unsure))[0] is Verdict.CAVEATS
    assert c11.decide({p: unsure for p in PARTS})[0] is Verdict.INCONCLUSIVE
    assert c11.decide({p: worse for p in PARTS})[0] is Verdict.FAILS
    assert c11.decide(_m(overall=worse, digits=unsure))[0] is Verdict.FAILS  # the full run's case
    # a data set is shown, not judged: one where relu does worse leaves "generally" to the whole grid
    assert c11.decide(_m(xor=worse)) == (Verdict.HOLDS, [])


def _cells(shift: float) -> dict:
    """100 cells per data set (enough for Newcombe's interval to clear the margin when all agree): relu at
    0.95, the variants at 0.95 + shift on odd seeds."""
    out = {}
    for d in c11.DATASETS:
        for s in range(100):
            out[d, (8, 8), 0.03, s] = {"relu": (0.95, 0.1), **{v: (0.95 + shift * (s % 2), 0.1) for v in c11.VARIANTS}}
    return out


def test_perturbed_measurements_change_the_verdict():
    """The same cells, then the variants made better on half of them: holds turns into does not hold."""
    rng = np.random.default_rng(0)
    same = c11._outcomes(_cells(0.0), 0.9, 0.5, rng)
    assert c11._judge(same)[0] is Verdict.HOLDS
    assert all(r["diff"] == 0 and r["outcome"] == "non-inferior" for r in same["test_acc"].values())
    # relu fails (0.95 -> 0.8) on half the cells where the variants pass: relu − variant = −0.075 on average
    worse = {c: {**acts, "relu": (0.8 if c[3] % 2 else 0.95, 0.3)} for c, acts in _cells(0.0).items()}
    out = c11._outcomes(worse, 0.9, 0.5, rng)
    v, why = c11._judge(out)
    assert v is Verdict.FAILS and out["success"]["prelu"]["diff"] == pytest.approx(-0.5)
    assert out["test_acc"]["elu"]["high"] < 0 and out["loss"]["gelu"]["diff"] == pytest.approx(-0.2)
    # a diverged relu run (None) counts as a failure at chance accuracy, and its loss is left out
    diverged = {c: {**acts, "relu": (None, None)} if c[3] == 0 else acts for c, acts in _cells(0.0).items()}
    out = c11._outcomes(diverged, 0.9, 0.5, rng)
    assert out["success"]["elu"]["diff"] == pytest.approx(-0.01) and out["loss"]["elu"]["n"] == 297


def test_cells_without_every_variant_are_refused():
    with pytest.raises(ValueError, match="no cell holds relu and every variant"):
        c11._outcomes({("circle", (3,), 0.03, 0): {"relu": (0.9, 0.1)}}, 0.9, 0.5, np.random.default_rng(0))


def test_spec_is_the_whole_yaml_with_the_learning_rates():
    quick, seeds = c11.c11_spec(True, 3)
    assert seeds == list(range(3, 13)) and quick.seeds == tuple(range(3, 13))
    assert quick.base["init"] == "playground" and quick.base["epochs"] == 60
    assert set(quick.grid["activation"]) == {"identity", "sigmoid", "tanh", "relu", *c11.VARIANTS}
    assert quick.grid["hidden"] == ((8, 8),) and set(quick.grid["lr"]) == {0.03, 1.0}
    full, _ = c11.c11_spec(False, 0)
    assert len(full.configs()) == 8 * 3 * 6 * 2 * 20  # every activation, data set, depth, width, rate, seed
    assert full.base["epochs"] == 150


def test_the_spec_ships_inside_the_package_and_equals_the_example():
    """A wheel install has no examples/ folder: the claim reads the package's copy, which must stay the
    repository's examples/sweeps/c11.yaml byte for byte, and be named as package data."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert c11.SPEC.is_file() and c11.SPEC.is_relative_to(Path(c11.__file__).resolve().parent)
    assert c11.SPEC.read_bytes() == (root / "examples" / "sweeps" / "c11.yaml").read_bytes()
    data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["relulab"]
    assert any(c11.SPEC.relative_to(root / "src" / "relulab").match(glob) for glob in data), data


@pytest.mark.slow
def test_quick_run_follows_its_data():
    r = run_claim("C11", quick=True, seed=1)
    assert r.error is None, r.error
    assert (r.verdict, r.caveats) == get_claim("C11").decide(r.rule_inputs)
    assert [p.key for p in r.parts] == ["as_well_overall", "as_well_digits"]
    for part in PARTS:
        rows = r.rule_inputs[part]
        for metric in (*c11.JUDGED, "loss"):
            assert set(rows[metric]) == set(c11.VARIANTS)
            for row in rows[metric].values():
                assert row["low"] <= row["diff"] <= row["high"] and row["outcome"] == outcome_of(row["low"],
                                                                                                 row["high"]).value
    assert r.rule_inputs["overall"]["cells"] == 3 * 2 * 10  # data sets x rates x seeds of the 8-8 nets
    assert r.rule_inputs["digits"]["cells"] == 4  # MLP, CNN x usual, high rate x 1 seed


def test_figure_takes_rates_on_their_intervals_ends():
    """A success rate of 0 whose Wilson low end rounds a hair above it (the full run's error) still draws."""
    from types import SimpleNamespace as S

    summary = [S(group={"activation": "identity"}, success_rate=0.0, wilson_low=1e-17, wilson_high=0.01),
               S(group={"activation": "relu"}, success_rate=1.0, wilson_low=0.97, wilson_high=1.0 - 1e-17)]
    by_ds = [S(group={"activation": a, "dataset": "circle"}, success_rate=r) for a, r in (("identity", 0.0),
                                                                                          ("relu", 1.0))]
    fig = c11._figure(summary, by_ds, 0.9)
    assert fig.name == "c11_variants" and fig.png.startswith(b"\x89PNG")
