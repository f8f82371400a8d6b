from __future__ import annotations

from relulab.experiments import Verdict
from relulab.experiments import c12_arithmetic as c12


def m(relu_in=0.02, relu_out=0.07, lin_in=1e-14, lin_out=2e-14):
    row = {"range": 4.0, "relu": {"inside": relu_in, "outside": relu_out},
           "linear": {"inside": lin_in, "outside": lin_out}}
    return {"add": row, "sub": dict(row), "mul": {"range": 2.0, "relu": {"inside": 0.06, "outside": 0.8},
                                                  "linear": {"inside": 0.33, "outside": 1.5}}}


CASES = [(m(), {"decide": Verdict.CAVEATS}), (m(lin_in=1e-6), {"decide": Verdict.HOLDS}),
         (m(relu_in=0.2), {"decide": Verdict.FAILS})]


def test_relu_inside_threshold():
    assert c12.decide(m(relu_in=0.199, relu_out=0.2))[0] is Verdict.HOLDS  # 5 % of 4 = 0.2
    v, why = c12.decide(m(relu_in=0.2))
    assert v is Verdict.FAILS and len(why) == 2


def test_caveat_needs_an_exact_linear_model_and_worse_relu_outside():
    v, why = c12.decide(m())
    assert v is Verdict.CAVEATS and len(why) == 2 and "exact" in why[0]
    assert c12.decide(m(lin_in=1e-6))[0] is Verdict.HOLDS
    assert c12.decide(m(lin_out=1e-6))[0] is Verdict.HOLDS
    assert c12.decide(m(relu_in=0.02, relu_out=0.04))[0] is Verdict.HOLDS  # exactly 2x is not > 2x
    assert c12.decide(m(relu_in=0.02, relu_out=0.0401))[0] is Verdict.CAVEATS
