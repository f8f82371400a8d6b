"""C7's parts: much cheaper, not, or within the run's own noise (inconclusive); the quick run follows its rule."""

from __future__ import annotations

import pytest

from relulab.experiments import Verdict
from relulab.experiments import c07_speed as c7

H, C, F, I = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS, Verdict.INCONCLUSIVE


def m(sigmoid=0.2, tanh=0.1, noise=1.1):
    return {"relu/sigmoid": sigmoid, "relu/tanh": tanh, "copy_noise": noise}


@pytest.mark.parametrize(("sigmoid", "noise", "want"), [
    (0.45, 1.1, H), (0.5, 1.0, H), (0.46, 1.1, I), (0.56, 1.1, F), (0.55, 1.1, I), (0.3, 2.0, I), (2.0, 3.0, F)])
def test_cheaper_than_sigmoid_knows_its_noise(sigmoid, noise, want):
    p = c7.PARTS[0].judge(m(sigmoid=sigmoid, noise=noise))
    assert p.key == "cheaper_than_sigmoid" and p.verdict is want
    if want is I:
        assert "within the run's own noise" in p.reasons[0]


def test_claim_from_both_parts():
    assert c7.decide(m()) == (H, [])
    assert c7.decide(m(sigmoid=0.9))[0] is C  # cheaper than tanh only: memory-bound sigmoid
    assert c7.decide(m(sigmoid=0.9, tanh=0.9))[0] is F
    assert c7.decide(m(noise=10.0))[0] is I
    assert c7.decide(m(sigmoid=0.6, tanh=0.6, noise=1.5))[0] is I  # both within the noise of 0.5


def test_quick_run_reports_the_curve_and_follows_its_rule():
    r = c7.run(quick=True, seed=0)
    assert (r.verdict, r.caveats) == c7.decide(r.rule_inputs)
    curve = next(x.value for x in r.measurements if x.name.startswith("relu / sigmoid forward time per size"))
    assert list(curve) == ["2^16", "2^18", "2^20", "2^22"] and curve["2^22"] == pytest.approx(
        r.rule_inputs["relu/sigmoid"], rel=1e-2)
    assert r.rule_inputs["copy_noise"] >= 1.0 and [f.name for f in r.figures] == ["c07_speed_curve"]
