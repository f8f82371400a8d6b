"""A quick claim re-run with another seed: new numbers, and the verdict is its rule applied to them."""

from __future__ import annotations

import statistics

import pytest

from relulab.experiments import get_claim, run_claim


def _values(r) -> dict:
    return {m.name: m.value for m in r.measurements}


def test_c1_with_another_seed_follows_its_data():
    a, b = run_claim("C1", quick=True, seed=0), run_claim("C1", quick=True, seed=7)
    assert a.seeds != b.seeds and _values(a) != _values(b)
    for r in (a, b):
        v = _values(r)
        assert r.rule_inputs["max_abs_diff"] == v["max |collapsed − original| (float64)"]
        ranks = [tuple(map(int, s.split("/"))) for s in v["rank W' / narrowest width"]]
        assert r.rule_inputs["rank_excess"] == max(rank - narrow for rank, narrow in ranks)
        assert (r.verdict, r.caveats) == get_claim("C1").decide(r.rule_inputs)


@pytest.mark.slow
def test_c3_with_another_seed_follows_its_data():
    r = run_claim("C3", quick=True, seed=11)
    assert r.seeds == list(range(11, 19))
    v = _values(r)
    per_seed = v["test accuracy per seed"]
    for act in ("linear", "tanh", "relu"):  # the rule's inputs are the per-seed accuracies' means
        assert r.rule_inputs[act] == pytest.approx(statistics.fmean(per_seed[act]), abs=1e-3)
    sides = [s for s in v["relu class polygon sides per seed"] if s is not None]
    assert r.rule_inputs["relu_median_sides"] == (statistics.median(sides) if sides else None)
    assert (r.verdict, r.caveats) == get_claim("C3").decide(r.rule_inputs)
