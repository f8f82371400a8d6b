"""Intervals against closed forms and independent oracles (numerical integration, the score equation)."""

from __future__ import annotations

import math
import statistics

import pytest

from relulab.sweep.records import SweepRecord
from relulab.sweep.stats import mean_ci, summarize, t_cdf, t_quantile, wilson

# Student t 0.975 quantiles from the printed tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
T_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 9: 2.262, 10: 2.228, 19: 2.093, 29: 2.045, 100: 1.984}


@pytest.mark.parametrize(("df", "q"), sorted(T_975.items()))
def test_t_quantile_matches_the_table(df, q):
    assert t_quantile(0.975, df) == pytest.approx(q, abs=5e-4)
    assert t_quantile(0.025, df) == pytest.approx(-q, abs=5e-4)


def _t_pdf(x: float, df: int) -> float:
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)
    return c * (1 + x * x / df) ** (-(df + 1) / 2)


@pytest.mark.parametrize("df", [1, 2, 3, 6, 7, 30])
@pytest.mark.parametrize("t", [-2.5, 0.3, 1.0, 4.0])
def test_t_cdf_equals_the_integral_of_the_density(df, t):
    # Simpson's rule from 0 to t (the CDF at 0 is 1/2 by symmetry).
    n = 2000
    h = t / n
    s = _t_pdf(0, df) + _t_pdf(t, df) + sum((4 if i % 2 else 2) * _t_pdf(i * h, df) for i in range(1, n))
    assert t_cdf(t, df) == pytest.approx(0.5 + s * h / 3, abs=1e-9)


def test_large_df_expansion_joins_the_exact_series():
    assert t_quantile(0.975, 2000) == pytest.approx(t_quantile(0.975, 2001), abs=1e-6)
    assert t_quantile(0.975, 10**6) == pytest.approx(statistics.NormalDist().inv_cdf(0.975), abs=1e-5)


def test_t_quantile_and_cdf_are_inverse():
    for df in (1, 4, 17):
        for p in (0.6, 0.9, 0.995):
            assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-10)
    with pytest.raises(ValueError, match="0 < p < 1"):
        t_quantile(1.0, 3)
    with pytest.raises(ValueError, match="integer >= 1"):
        t_cdf(1.0, 0)


def test_mean_ci_is_mean_plus_minus_t_times_standard_error():
    v = [0.5, 0.7, 0.9, 1.0]
    lo, hi = mean_ci(v)
    half = 3.182 * statistics.stdev(v) / 2  # t(0.975, 3) * s / sqrt(4)
    assert (lo, hi) == pytest.approx((statistics.fmean(v) - half, statistics.fmean(v) + half), abs=1e-3)
    assert mean_ci([1.0]) is None


@pytest.mark.parametrize(("k", "n", "lo", "hi"), [
    (5, 10, 0.2366, 0.7634), (0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (1, 20, 0.0089, 0.2361),
    (18, 20, 0.6990, 0.9721)])
def test_wilson_known_values(k, n, lo, hi):
    # published values (e.g. statsmodels proportion_confint(k, n, method="wilson"))
    assert wilson(k, n) == pytest.approx((lo, hi), abs=1e-4)


@pytest.mark.parametrize(("k", "n"), [(3, 17), (40, 60), (1, 3)])
def test_wilson_bounds_solve_the_score_equation(k, n):
    # Wilson's interval is {p : |k/n - p| <= z sqrt(p(1-p)/n)}: its ends satisfy it with equality.
    z = statistics.NormalDist().inv_cdf(0.975)
    for p in wilson(k, n):
        assert abs(k / n - p) == pytest.approx(z * math.sqrt(p * (1 - p) / n), abs=1e-12)
    assert wilson(0, 0) is None
    with pytest.raises(ValueError, match="within 0..n"):
        wilson(4, 3)


def test_against_scipy_when_installed():
    st = pytest.importorskip("scipy.stats")
    for df in (1, 3, 8, 50, 500):
        assert t_quantile(0.975, df) == pytest.approx(st.t.ppf(0.975, df), abs=1e-9)


def _rec(i, act, acc, status="completed"):
    return SweepRecord(key=str(i), config={"activation": act, "hidden": [3, 3]}, status=status, message="",
                       metrics={"test_acc": acc, "test_loss": None if acc is None else 1 - acc})


def test_summarize_groups_counts_and_directions():
    recs = [_rec(0, "relu", 0.95), _rec(1, "relu", 0.85), _rec(2, "relu", 0.92), _rec(3, "tanh", 0.5),
            _rec(4, "tanh", None, "error"), _rec(5, "tanh", 0.91, "diverged")]
    rows = summarize(recs, by=["activation", "depth"], metric="test_accuracy", success=0.9)
    relu, tanh = rows
    assert relu.group == {"activation": "relu", "depth": 2}
    assert (relu.n, relu.successes, relu.success_rate) == (3, 2, pytest.approx(2 / 3))
    assert (relu.wilson_low, relu.wilson_high) == wilson(2, 3)
    assert relu.mean == pytest.approx(0.9066666666) and relu.min == 0.85 and relu.max == 0.95
    assert (tanh.n, tanh.errors, tanh.diverged, tanh.successes) == (2, 1, 1, 1)
    loss = summarize(recs, by=["activation"], metric="test_loss", success=0.06)
    assert loss[0].successes == 1  # only 0.95 has loss <= 0.06
    with pytest.raises(ValueError, match="unknown field 'depht'"):
        summarize(recs, by=["depht"])
