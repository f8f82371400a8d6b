from __future__ import annotations

from relulab.experiments import Verdict
from relulab.experiments import c07_speed as c7


def m(relu, sigmoid, tanh):
    return {"forward": {"relu": relu, "sigmoid": sigmoid, "tanh": tanh, "elu": 3.0}}


def test_both_one_or_neither():
    assert c7.decide(m(1.0, 2.0, 2.0))[0] is Verdict.HOLDS
    v, why = c7.decide(m(1.0, 1.99, 6.0))
    assert v is Verdict.CAVEATS and "sigmoid" in why[0]
    assert c7.decide(m(1.0, 6.0, 1.99))[0] is Verdict.CAVEATS
    assert c7.decide(m(1.0, 1.99, 1.99))[0] is Verdict.FAILS


def test_quick_run_reports_every_activation_and_follows_its_ratios():
    r = c7.run(quick=True, seed=0)
    fwd = next(x.value for x in r.measurements if x.name == "forward time / copy, fresh output")
    from relulab.activations import activation_names

    assert set(fwd) == {"copy", *activation_names()}
    assert fwd == {a: round(v, 3) for a, v in r.rule_inputs["forward"].items()}
    assert (r.verdict, r.caveats) == c7.decide(r.rule_inputs)
    assert any(x.name == "torch threads" and x.value == 1 for x in r.measurements)
