"""C3's rule on both sides of each threshold; its rule text names the seeds a quick and a full run use."""

from __future__ import annotations

from relulab.experiments import Verdict
from relulab.experiments import c03_circle as c03

H, C, F = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS


def numbers(linear=0.6, tanh=0.95, relu=0.99, sides=6) -> dict:
    return {"linear": linear, "tanh": tanh, "relu": relu, "relu_median_sides": sides}


def _c3(**kw):
    return c03.decide(numbers(**kw))


CASES = [(numbers(), {"decide": H}), (numbers(linear=0.701), {"decide": F}), (numbers(relu=0.899), {"decide": F}),
         (numbers(sides=4), {"decide": C}), (numbers(sides=None), {"decide": C})]


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


def test_rule_text_names_the_seeds_each_run_uses():
    """The rule printed beside a quick run's numbers says how many seeds that run trained (8, not 20)."""
    (quick, _), (full, _) = c03.SIZE[True], c03.SIZE[False]
    assert (quick, full) == (8, 20)
    assert f"({full} in a full run, {quick} in a quick one)" in c03.RULE
