"""C11 through the sweep runner: the rule on both sides of its threshold, and a quick run that follows it."""

from __future__ import annotations

import pytest

from relulab.experiments import Verdict, get_claim, run_claim
from relulab.experiments import c11_variants_sweep as c11


def _m(relu=(0.5, 0.8), leaky=(0.4, 0.9), prelu=(0.6, 0.95), elu=(0.2, 0.5)):
    return {"intervals": {"relu": relu, "leaky_relu": leaky, "prelu": prelu, "elu": elu}}


def test_rule_both_sides():
    assert c11.decide(_m()) == (Verdict.HOLDS, [])
    assert c11.decide(_m(elu=(0.8, 0.9)))[0] is Verdict.HOLDS  # touching relu's upper end still overlaps
    v, why = c11.decide(_m(elu=(0.801, 0.9)))
    assert v is Verdict.FAILS and why[0].startswith("elu's interval [0.80, 0.90] lies entirely above relu's")
    v, why = c11.decide(_m(leaky=(0.81, 1.0), prelu=(0.9, 1.0)))
    assert v is Verdict.FAILS and len(why) == 2
    assert c11.decide(_m(relu=(0.9, 1.0), elu=(0.0, 0.1)))[0] is Verdict.HOLDS  # relu above: holds


def test_spec_is_the_yaml_narrowed():
    quick, seeds = c11.c11_spec(True, 3)
    assert seeds == [3, 4, 5, 6] and quick.seeds == (3, 4, 5, 6)
    assert quick.base["lr"] == 0.03 and quick.base["init"] == "playground" and quick.base["epochs"] == 100
    assert set(quick.grid["activation"]) == {"relu", "leaky_relu", "prelu", "elu"}
    full, _ = c11.c11_spec(False, 0)
    assert len(full.configs()) == 5 * 3 * 1 * 10


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
    rates = {m.name.split(":")[0]: m.value for m in r.measurements if "success rate (" in m.name}
    assert set(rates) == {"relu", "leaky_relu", "prelu", "elu"}
    for act, (lo, hi) in r.rule_inputs["intervals"].items():
        assert 0 <= lo <= rates[act] <= hi <= 1
