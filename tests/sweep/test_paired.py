"""Paired comparisons against a published example, brute-force oracles and Holm's procedure written out."""

from __future__ import annotations

import itertools
import math
import statistics

import numpy as np
import pytest

from relulab.sweep.paired import (
    MARGIN,
    Outcome,
    bootstrap_means,
    compare_paired,
    compare_pairs,
    newcombe,
    outcome_of,
)


def _wilson_by_bisection(k: int, n: int, z: float) -> tuple[float, float]:
    """The roots of the score equation (k/n - p)^2 = z^2 p (1 - p) / n on each side of k/n, by bisection
    (at k = 0 or k = n the limit on that side is k/n itself)."""
    f = lambda p: (k / n - p) ** 2 - z * z * p * (1 - p) / n  # noqa: E731

    def root(inside: float, outside: float) -> float:  # f(inside) <= 0 < f(outside) or the end itself
        if f(outside) <= 0:
            return outside
        for _ in range(200):
            mid = (inside + outside) / 2
            inside, outside = (mid, outside) if f(mid) <= 0 else (inside, mid)
        return (inside + outside) / 2

    return root(k / n, 0.0), root(k / n, 1.0)


def _newcombe_oracle(a: int, b: int, c: int, d: int, level: float = 0.95) -> tuple[float, float]:
    n = a + b + c + d
    z = statistics.NormalDist().inv_cdf(0.5 + level / 2)
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = _wilson_by_bisection(a + b, n, z)
    l2, u2 = _wilson_by_bisection(a + c, n, z)
    den = (a + b) * (c + d) * (a + c) * (b + d)
    cross = a * d - b * c
    phi = 0.0 if den == 0 else (cross - n / 2) / math.sqrt(den) if cross > n / 2 else min(cross, 0) / math.sqrt(den)
    dl, du = p1 - l1, u1 - p1
    el, eu = p2 - l2, u2 - p2
    low = p1 - p2 - math.sqrt(dl * dl - 2 * phi * dl * eu + eu * eu)
    return low, p1 - p2 + math.sqrt(el * el - 2 * phi * el * du + du * du)


def test_newcombe_matches_the_published_example():
    # Fagerland, Lydersen & Laake, Statistical Analysis of Contingency Tables (2017), ch. 8: complete
    # response before/after consolidation therapy (Cavo et al. 2012), estimate -0.0621, 95 % CI -0.1186 to -0.0046.
    low, high = newcombe(59, 6, 16, 80)
    assert (round(low, 4), round(high, 4)) == (-0.1186, -0.0046)


@pytest.mark.parametrize("table", [(59, 6, 16, 80), (1, 1, 7, 12), (10, 0, 0, 10), (0, 5, 0, 0), (20, 3, 1, 0),
                                   (3, 9, 2, 11), (40, 0, 12, 1), (0, 0, 0, 7)])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_newcombe_equals_the_formula_with_wilson_limits_from_the_score_equation(table, level):
    assert newcombe(*table, level=level) == pytest.approx(_newcombe_oracle(*table, level), abs=1e-9)


def test_bootstrap_percentiles_match_the_exact_bootstrap_distribution():
    # With 4 cells the bootstrap distribution is enumerable: all 4^4 equally likely resamples.
    diffs = [0.0, 0.1, 0.25, -0.05]
    exact = sorted(statistics.fmean(s) for s in itertools.product(diffs, repeat=4))
    means = bootstrap_means(diffs, np.random.default_rng(1), n_boot=200_000)
    for q in (0.025, 0.5, 0.975):
        est = float(np.quantile(means, q))
        share_below = sum(v < est - 1e-12 for v in exact) / len(exact)
        share_at_most = sum(v <= est + 1e-12 for v in exact) / len(exact)
        assert share_below - 0.01 <= q <= share_at_most + 0.01


def test_pairing_narrows_the_interval_when_cells_vary_together():
    rng = np.random.default_rng(0)
    cell = rng.normal(0.8, 0.1, 200)  # how hard each cell is: shared by both activations
    ref, var = cell + rng.normal(0.01, 0.01, 200), cell + rng.normal(0, 0.01, 200)
    [paired] = compare_paired(list(ref), {"v": list(var)}, rng=np.random.default_rng(1))
    [unpaired] = compare_paired(list(ref), {"v": list(rng.permutation(var))}, rng=np.random.default_rng(1))
    assert paired.high - paired.low < (unpaired.high - unpaired.low) / 5
    # ... and agrees with the closed-form normal interval of the mean difference
    d = ref - var
    half = 1.96 * d.std(ddof=1) / math.sqrt(len(d))
    assert paired.low == pytest.approx(d.mean() - half, abs=half * 0.1)
    assert paired.high == pytest.approx(d.mean() + half, abs=half * 0.1)
    assert paired.outcome is Outcome.BETTER and paired.method == "bootstrap" and paired.level == 0.95


@pytest.mark.parametrize(("ci", "expected"), [
    ((0.01, 0.3), Outcome.BETTER), ((-0.049, 0.1), Outcome.NON_INFERIOR), ((-0.04, -0.01), Outcome.NON_INFERIOR),
    ((-0.3, -0.06), Outcome.WORSE), ((-0.06, 0.1), Outcome.INCONCLUSIVE), ((-0.05, 0.0), Outcome.INCONCLUSIVE),
    # below 0 but straddling the margin: relu is worse, but not shown worse by more than the margin
    ((-0.2, -0.01), Outcome.INCONCLUSIVE), ((-0.054, -0.012), Outcome.INCONCLUSIVE),
    ((-0.2, -0.05), Outcome.INCONCLUSIVE)])
def test_outcome_of_each_verdict(ci, expected):
    assert outcome_of(*ci, MARGIN) is expected


def _table(ref: list[int], var: list[int]) -> tuple[int, int, int, int]:
    pairs = list(zip(ref, var, strict=True))
    return (pairs.count((1, 1)), pairs.count((1, 0)), pairs.count((0, 1)), pairs.count((0, 0)))


def test_binary_comparison_gives_each_outcome():
    same = [1] * 150 + [0] * 50
    cases = {
        "better": (same, [1] * 100 + [0] * 100),
        "non-inferior": (same, same),
        "worse": ([1] * 100 + [0] * 100, same),
        "inconclusive": ([1] * 9 + [0], [1] * 9 + [0]),
    }
    for want, (ref, var) in cases.items():
        [r] = compare_paired(ref, {"v": var}, binary=True)
        assert r.outcome.value == want, (want, r)
        assert (r.low, r.high) == pytest.approx(newcombe(*_table(ref, var)))
        assert r.diff == pytest.approx((sum(ref) - sum(var)) / len(ref))


def _holm_noninferior(p: dict[str, float], alpha: float = 0.025) -> set[str]:
    """Holm's adjusted p-values written out: max over the earlier ones of (m - k) p_(k)."""
    order = sorted(p, key=p.get)
    adjusted, run = {}, 0.0
    for k, name in enumerate(order):
        run = max(run, min(1.0, (len(order) - k) * p[name]))
        adjusted[name] = run
    return {name for name, q in adjusted.items() if q < alpha}


@pytest.mark.parametrize("seed", range(12))
def test_holm_step_down_matches_adjusted_p_values(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(30, 120))
    ref = list(rng.random(n) < 0.8)
    variants = {f"v{i}": list(rng.random(n) < rng.uniform(0.6, 0.9)) for i in range(int(rng.integers(2, 6)))}
    out = compare_paired(ref, variants, binary=True)
    assert [r.variant for r in out] == list(variants)
    shown = {r.variant for r in out if r.outcome in (Outcome.BETTER, Outcome.NON_INFERIOR)}
    assert shown == _holm_noninferior({r.variant: r.p_noninferior for r in out})
    for r in out:  # the p-value is where the interval's low end crosses -margin
        if 1e-9 < r.p_noninferior < 0.5:
            assert newcombe(*_table(ref, variants[r.variant]), level=1 - 2 * r.p_noninferior)[0] == pytest.approx(
                -MARGIN, abs=1e-6)


def test_holm_makes_a_lone_non_inferiority_inconclusive_among_weak_comparisons():
    ref = [1] * 88 + [0] * 12
    var = [1] * 88 + [0] * 12  # same successes: alone, the 95 % interval clears -0.05
    [alone] = compare_paired(ref, {"v": var}, binary=True)
    assert alone.outcome is Outcome.NON_INFERIOR and alone.level == 0.95
    weak = [1] * 80 + [0] * 12 + [1] * 8  # differs on 20 cells: cannot show non-inferiority
    strong = ref
    among_weak = compare_paired(ref, {"v": var, "w1": weak[::-1], "w2": weak[::-1], "w3": weak[::-1]}, binary=True)
    # v has the smallest p-value, so it goes first, at 1 - 0.05/4, where its low end is -0.0508
    assert among_weak[0].level == pytest.approx(1 - 0.05 / 4) and among_weak[0].outcome is Outcome.INCONCLUSIVE
    assert newcombe(88, 0, 0, 12, level=1 - 0.05 / 4)[0] < -MARGIN < newcombe(88, 0, 0, 12)[0]
    assert all(r.outcome is Outcome.INCONCLUSIVE for r in among_weak)
    among_strong = compare_paired(ref, {"v": var, "s1": strong, "s2": strong}, binary=True)
    assert among_strong[0].outcome is Outcome.NON_INFERIOR
    assert max(r.level for r in among_strong) == pytest.approx(1 - 0.05 / 3)


def test_bootstrap_is_reproducible_from_the_generator_and_single_cell_is_inconclusive():
    a, b = [0.9, 0.8, 0.85, 0.7], [0.88, 0.8, 0.8, 0.75]
    r1 = compare_paired(a, {"v": b}, rng=np.random.default_rng(5))
    r2 = compare_paired(a, {"v": b}, rng=np.random.default_rng(5))
    assert r1 == r2
    [one] = compare_paired([0.9], {"v": [0.1]}, rng=np.random.default_rng(0))
    assert one.outcome is Outcome.INCONCLUSIVE and one.diff == pytest.approx(0.8)
    assert one.to_dict()["outcome"] == "inconclusive"


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    (([1, 0], {"v": [1]}), {"binary": True}, "'v' has 1 cells against 2"),
    (([], {"v": []}), {"binary": True}, "at least one matched cell"),
    (([1, 2], {"v": [1, 0]}), {"binary": True}, "must be 0/1"),
    (([0.5, float("nan")], {"v": [0.1, 0.2]}), {"rng": np.random.default_rng(0)}, "finite numbers"),
    (([0.5, None], {"v": [0.1, 0.2]}), {"rng": np.random.default_rng(0)}, "finite numbers"),
    (([0.5, 0.4], {"v": [0.1, 0.2]}), {}, "random generator"),
    (([0.5, 0.4], {}), {}, "at least one variant"),
    (([1], {"v": [1]}), {"binary": True, "margin": -0.1}, "margin must be within"),
    (([1], {"v": [1]}), {"binary": True, "level": 1.5}, "level must be within"),
])
def test_bad_input_is_one_clear_message(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        compare_paired(*args, **kwargs)


@pytest.mark.parametrize("table", [(-1, 2, 3, 4), (0, 0, 0, 0), (1.5, 2, 3, 4)])
def test_newcombe_refuses_a_bad_table(table):
    with pytest.raises(ValueError, match="2x2 table of pairs"):
        newcombe(*table)


def test_pairs_each_with_its_own_reference_are_one_holm_family():
    relu = [1] * 70 + [0] * 30
    leaky, elu = [1] * 95 + [0] * 5, [1] * 70 + [0] * 30
    out = compare_pairs({"leaky": (leaky, relu), "elu": (elu, relu)}, binary=True)
    assert [r.variant for r in out] == ["leaky", "elu"]
    assert out[0].diff == pytest.approx(0.25) and out[0].outcome is Outcome.BETTER
    assert (out[0].low, out[0].high) == pytest.approx(newcombe(*_table(leaky, relu), level=out[0].level))
    assert {r.level for r in out} <= {1 - 0.05 / 2, 0.95}
    assert compare_pairs({"v": (relu, leaky)}, binary=True) == compare_paired(relu, {"v": leaky}, binary=True)
    with pytest.raises(ValueError, match="at least one pair"):
        compare_pairs({})
