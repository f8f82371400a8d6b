from __future__ import annotations

from relulab.experiments import Verdict
from relulab.experiments import c05_extrapolation as c5


def m(kinks=(-4.0, 3.9, 0.5), ratio=20.0):
    return {"interval": [-4, 4], "kinks": {"constructed sin N=16": list(kinks), "trained sin N=16": [-3.0, 3.0, 0.5]},
            "ratio": {"constructed sin N=64": ratio, "trained sin N=64": 100.0}}


def test_kinks_within_one_spacing():
    assert c5.decide(m())[0] is Verdict.HOLDS
    assert c5.decide(m(kinks=(-4.49, 4.49, 0.5)))[0] is Verdict.HOLDS
    v, why = c5.decide(m(kinks=(-4.51, 3.0, 0.5)))
    assert v is Verdict.FAILS and "constructed sin N=16" in why[0]
    assert c5.decide(m(kinks=(-3.0, 4.51, 0.5)))[0] is Verdict.FAILS


def test_ratio_threshold():
    assert c5.decide(m(ratio=10.0))[0] is Verdict.HOLDS
    v, why = c5.decide(m(ratio=9.9))
    assert v is Verdict.FAILS and "9.9" in why[0]


def test_net_without_kinks_is_affine_everywhere():
    d = m()
    d["kinks"]["constructed flat N=2"] = None
    assert c5.decide(d)[0] is Verdict.HOLDS
