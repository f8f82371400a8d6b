"""C3's rule on both sides of each threshold; its rule text names the seeds a quick and a full run use."""

from __future__ import annotations

from relulab.experiments import Verdict
from relulab.experiments import c03_circle as c03

H, C, F, I = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS, Verdict.INCONCLUSIVE


def numbers(linear=0.6, tanh=0.95, relu=0.99, sides=6, width=0.0, **intervals) -> dict:
    """Means and their intervals (``width`` either side of the mean unless given as ``<act>=(low, high)``)."""
    means = {"linear": linear, "tanh": tanh, "relu": relu}
    interval = {a: list(intervals.get(f"{a}_ci", (v - width, v + width))) for a, v in means.items()}
    return {**means, "interval": interval, "relu_median_sides": sides}


def _c3(**kw):
    return c03.decide(numbers(**kw))


CASES = [(numbers(), {"decide": H}), (numbers(linear=0.701), {"decide": F}), (numbers(relu=0.899), {"decide": F}),
         (numbers(sides=4), {"decide": C}), (numbers(sides=None), {"decide": C}),
         (numbers(tanh=0.93, tanh_ci=(0.85, 0.99)), {"decide": I})]


def test_c3_thresholds():
    assert _c3()[0] is H
    assert _c3(linear=0.7)[0] is H and _c3(linear=0.701)[0] is F
    assert _c3(tanh=0.9)[0] is H and _c3(tanh=0.899)[0] is F
    assert _c3(relu=0.9)[0] is H and _c3(relu=0.899)[0] is F
    for sides, verdict in ((5, H), (8, H), (6.5, H), (4.5, C), (4, C), (9, C), (None, C)):
        assert _c3(sides=sides)[0] is verdict, sides
    assert "not roughly a hexagon" in _c3(sides=12)[1][0]
    v, why = _c3(linear=0.8, relu=0.5)
    assert v is F and len(why) == 2 and "linear" in why[0] and "relu" in why[1]


def test_an_interval_that_straddles_its_threshold_cannot_tell():
    """The means alone would pass (or fail); the seeds' spread decides whether the data can tell."""
    for kw, straddled in (({"linear": 0.68, "linear_ci": (0.62, 0.74)}, "0.7"),
                          ({"relu": 0.93, "relu_ci": (0.86, 0.99)}, "0.9"),
                          ({"tanh": 0.88, "tanh_ci": (0.8, 0.95)}, "0.9")):
        v, why = _c3(**kw)
        assert v is I and len(why) == 1 and why[0].endswith(f"straddles {straddled}"), (kw, why)
    assert _c3(relu=0.93, relu_ci=(0.9, 0.99))[0] is H  # the low end on the threshold: ≥ 0.9 holds
    assert _c3(linear=0.65, linear_ci=(0.6, 0.7))[0] is H
    # a failure outweighs an unsure part, and the polygon caveat waits for clear accuracies
    assert _c3(relu=0.5, tanh=0.93, tanh_ci=(0.85, 0.99))[0] is F
    assert _c3(sides=12, tanh=0.93, tanh_ci=(0.85, 0.99))[0] is I


def test_the_interval_is_a_bootstrap_of_the_seeds_mean():
    import numpy as np

    from relulab.sweep.paired import bootstrap_means, mean_interval

    acc = [0.99, 1.0, 0.844, 0.98, 1.0, 0.97, 1.0, 0.99]
    low, high = mean_interval(acc, np.random.default_rng(3))
    means = bootstrap_means(acc, np.random.default_rng(3))
    assert (low, high) == (np.quantile(means, 0.025), np.quantile(means, 0.975))
    assert min(acc) < low < sum(acc) / len(acc) < high <= 1.0
    assert mean_interval([0.9], np.random.default_rng(0)) == (float("-inf"), float("inf"))


def test_rule_text_names_the_seeds_each_run_uses():
    """The rule printed beside a quick run's numbers says how many seeds that run trained (8, not 20)."""
    (quick, _), (full, _) = c03.SIZE[True], c03.SIZE[False]
    assert (quick, full) == (8, 20)
    assert f"({full} in a full run, {quick} in a quick one)" in c03.RULE
