from __future__ import annotations

from relulab.experiments import Verdict
from relulab.experiments import c08_sparsity as c8


def m(relu=0.45, worst=0.0, digits_relu=0.5, digits_worst=0.0):
    return {"relu": relu, "smooth": {"tanh": 0.0, "gelu": worst},
            "digits_relu": digits_relu, "digits_smooth": {"elu": 0.0, "gelu": digits_worst}}


CASES = [(m(), {"toy_sparse": Verdict.HOLDS, "digits_sparse": Verdict.HOLDS}),
         (m(relu=0.299), {"toy_sparse": Verdict.FAILS}), (m(worst=0.01), {"toy_sparse": Verdict.FAILS}),
         (m(digits_relu=0.2), {"digits_sparse": Verdict.FAILS}),
         (m(digits_worst=0.02), {"digits_sparse": Verdict.FAILS})]


def test_relu_threshold():
    assert c8.decide(m(relu=0.30))[0] is Verdict.HOLDS
    v, why = c8.decide(m(relu=0.299))
    assert v is Verdict.CAVEATS and "30 %" in why[0]


def test_smooth_threshold():
    assert c8.decide(m(worst=0.0099))[0] is Verdict.HOLDS
    v, why = c8.decide(m(worst=0.01))
    assert v is Verdict.CAVEATS and "toy_sparse" in why[0] and "gelu" in why[0]


def test_digits_part_beside_the_toy():
    """The toy part and the digits part each by the same rule on their own numbers: one failing leaves the
    claim holding with caveats, both failing makes it fail."""
    assert c8.decide(m())[0] is Verdict.HOLDS
    assert [p.key for p in c8.PARTS] == ["toy_sparse", "digits_sparse"]
    v, why = c8.decide(m(digits_relu=0.2))
    assert v is Verdict.CAVEATS and why[0].startswith("digits_sparse") and "20.0%" in why[0]
    assert c8.decide(m(digits_worst=0.02))[0] is Verdict.CAVEATS
    assert c8.decide(m(relu=0.1, digits_relu=0.1))[0] is Verdict.FAILS
