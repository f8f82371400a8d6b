"""C5's three parts fed numbers on both sides of each threshold, and the affine/bend measurements."""

from __future__ import annotations

from relulab.experiments import Verdict
from relulab.experiments import c05_extrapolation as c5

H, C, F = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS


def m(kinks=(-4.0, 3.9, 0.5), ratio=20.0, gap=1e-15, bend=(0.0, 0.0)):
    return {"interval": [-4, 4],
            "kinks": {"constructed sin N=16": list(kinks), "trained sin N=16": [-3.0, 3.0, 0.5]},
            "ratio": {"constructed sin N=64": ratio, "trained sin N=64": 100.0},
            "affine_gap": [gap, "constructed sin N=16"],
            "bend": {"constructed sin N=16": list(bend)}}


def parts(d):
    return tuple(p.judge(d).verdict for p in c5.PARTS)


CASES = [(m(), {"does_not_extrapolate": H, "affine_beyond_kink": H, "straight_outside": H}),
         (m(ratio=9.9), {"does_not_extrapolate": F}), (m(gap=2e-9), {"affine_beyond_kink": F}),
         (m(kinks=(-4.51, 3.0, 0.5), bend=(0.25, 0.0)), {"straight_outside": F})]


def test_each_part_and_the_claim():
    assert parts(m()) == (H, H, H) and c5.decide(m())[0] is H
    assert parts(m(kinks=(-4.49, 4.49, 0.5)))[2] is H
    d = m(kinks=(-4.51, 3.0, 0.5), bend=(0.25, 0.0))
    assert parts(d) == (H, H, F)
    v, why = c5.decide(d)
    assert v is C and why[0].startswith("straight_outside (measured): does not hold here")
    reason = c5.PARTS[2].judge(d).reasons[0]
    assert "constructed sin N=16: kinks in [-4.51, 3.00]" in reason and "by up to 0.25" in reason
    assert parts(m(kinks=(-3.0, 4.51, 0.5)))[2] is F


def test_ratio_threshold():
    assert parts(m(ratio=10.0))[0] is H
    d = m(ratio=9.9)
    assert parts(d)[0] is F and "9.9" in c5.PARTS[0].judge(d).reasons[0]
    assert c5.decide(m(ratio=9.9))[0] is C
    assert c5.decide(m(ratio=9.9, kinks=(-9.0, 9.0, 0.5)))[0] is C  # the theorem part still holds


def test_affine_part_is_a_theorem_with_a_tolerance():
    assert c5.PARTS[1].kind.value == "theorem, checked numerically"
    assert parts(m(gap=1e-9))[1] is H and parts(m(gap=2e-9))[1] is F
    assert c5.decide(m(gap=1.0, ratio=1.0, kinks=(-9.0, 9.0, 0.5)))[0] is F  # every part fails


def test_net_without_kinks_is_affine_everywhere():
    d = m()
    d["kinks"]["constructed flat N=2"] = None
    assert c5.decide(d)[0] is H
