from __future__ import annotations

from relulab.experiments import Verdict
from relulab.experiments import c06_gradient_flow as c6


def m(sigmoid=1e-30, relu_he=1.0, relu_torch=1e-3):
    return {"sigmoid": {"torch": 1e-40, "xavier": sigmoid, "he": 1e-35}, "relu_he": relu_he, "relu_torch": relu_torch}


def test_sigmoid_threshold():
    assert c6.decide(m(sigmoid=0.99e-6))[0] is Verdict.HOLDS
    v, why = c6.decide(m(sigmoid=1e-6))
    assert v is Verdict.FAILS and "xavier" in why[0]


def test_relu_he_window():
    for ok in (0.1, 10.0):
        assert c6.decide(m(relu_he=ok))[0] is Verdict.HOLDS
    for bad in (0.099, 10.1):
        assert c6.decide(m(relu_he=bad))[0] is Verdict.FAILS


def test_relu_default_init_caveat():
    assert c6.decide(m(relu_torch=1e-6))[0] is Verdict.HOLDS
    v, why = c6.decide(m(relu_torch=0.99e-6))
    assert v is Verdict.CAVEATS and "default init" in why[0]
