from __future__ import annotations

from relulab.experiments import Verdict
from relulab.experiments import c08_sparsity as c8


def m(relu=0.45, worst=0.0):
    return {"relu": relu, "smooth": {"tanh": 0.0, "gelu": worst}}


def test_relu_threshold():
    assert c8.decide(m(relu=0.30))[0] is Verdict.HOLDS
    v, why = c8.decide(m(relu=0.299))
    assert v is Verdict.FAILS and "30 %" in why[0]


def test_smooth_threshold():
    assert c8.decide(m(worst=0.0099))[0] is Verdict.HOLDS
    v, why = c8.decide(m(worst=0.01))
    assert v is Verdict.FAILS and "gelu" in why[0]
