"""Each claim's rule (``decide``) fed with numbers on both sides of every threshold: the verdict changes.

Claims C1, C2, C3, C10, C13, C14 (the C11 rule is tested in test_c11.py).
"""

from __future__ import annotations

import pytest

from relulab.experiments import Verdict
from relulab.experiments import c01_collapse as c01
from relulab.experiments import c02_linearity as c02
from relulab.experiments import c03_circle as c03
from relulab.experiments import c10_variants as c10
from relulab.experiments import c13_xor as c13
from relulab.experiments import c14_regions as c14

H, C, F = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS


@pytest.mark.parametrize(("diff", "excess", "verdict"), [
    (1e-10, 0, H), (3e-15, -5, H), (1.01e-10, 0, F), (1e-12, 1, F), (float("nan"), 0, F)])
def test_c1(diff, excess, verdict):
    v, why = c01.decide({"max_abs_diff": diff, "rank_excess": excess})
    assert v is verdict and bool(why) == (verdict is F)


@pytest.mark.parametrize(("relu", "ident", "hom", "pos", "verdict", "parts"), [
    (2e-6, 0.0, 1.0, 1e-3, H, (H, H)), (2e-6, 0.0, 1.0, 1e-12, C, (H, C)), (2e-6, 0.0, 1.0, 0.0, C, (H, C)),
    (2e-6, 1e-13, 1.0, 2e-12, H, (H, H)), (1e-6, 0.0, 1.0, 0.0, C, (F, C)), (5.0, 1e-12, 1.0, 1.0, C, (F, H)),
    (5.0, 0.0, 1e-6, 1.0, C, (H, F)), (0.0, 0.0, 0.0, 0.0, F, (F, F))])
def test_c2(relu, ident, hom, pos, verdict, parts):
    m = {"relu_additivity": relu, "identity_additivity": ident, "relu_homogeneity": hom,
         "relu_positive_homogeneity": pos}
    v, why = c02.decide(m)
    assert v is verdict
    assert tuple(p.judge(m).verdict for p in c02.PARTS) == parts
    assert all(p.kind.value == "theorem, checked numerically" for p in c02.PARTS)
    if parts[1] is C:
        assert "positively homogeneous" in c02.PARTS[1].judge(m).reasons[0]


def _c3(linear=0.6, tanh=0.95, relu=0.99, sides=6):
    return c03.decide({"linear": linear, "tanh": tanh, "relu": relu, "relu_median_sides": sides})


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


def test_c10():
    assert c10.decide({"mismatches": c10.compare(c10.LISTED)}) == (H, [])
    off = {k: list(v) for k, v in c10.LISTED.items()}
    off["elu"][0] = -0.63216  # rounds to -0.6322, not the listed -0.6321
    v, why = c10.decide({"mismatches": c10.compare(off)})
    assert v is F and why == ["elu(-1) = -0.6322 but the claim lists -0.6321"]
    close = {k: list(v) for k, v in c10.LISTED.items()}
    close["elu"][0] = -0.63214  # rounds to the listed value
    assert c10.decide({"mismatches": c10.compare(close)})[0] is H


def _c13(**kw):
    m = {"xor_min_mistakes": 1, "sep_converged": True, "sep_updates": 10, "novikoff_bound": 10.0,
         "linear_max_acc": 0.75, "relu4_success": 0.8}
    return c13.decide({**m, **kw})


def test_c13_thresholds():
    assert _c13() == (H, [])
    for kw, key, word in (({"xor_min_mistakes": 0}, "perceptron_fails_xor", "0 mistakes"),
                          ({"sep_converged": False}, "novikoff", "separable"),
                          ({"sep_updates": 11}, "novikoff", "separable"),
                          ({"linear_max_acc": 1.0}, "linear_mlp_fails", "linear MLP"),
                          ({"relu4_success": 0.79}, "mlp_solves_xor", "relu MLP")):
        v, why = _c13(**kw)
        assert v is C and len(why) == 1 and why[0].startswith(key) and word in why[0], kw
    everything = {"xor_min_mistakes": 0, "sep_converged": False, "linear_max_acc": 1.0, "relu4_success": 0.5}
    assert _c13(**everything)[0] is F
    kinds = {p.key: p.kind.value for p in c13.PARTS}
    assert kinds["mlp_solves_xor"] == "measured" and kinds["novikoff"] == "theorem, checked numerically"


def test_c14_thresholds():
    m = {"by_width": [4, 10, 34], "by_depth": [34, 105, 172], "spread": [0.13, 0.06, 0.03]}
    assert c14.decide(m) == (H, [])
    assert c14.decide({**m, "by_width": [4, 10, 10]})[0] is F
    assert c14.decide({**m, "by_depth": [34, 30, 172]})[0] is F
    assert c14.decide({**m, "spread": [0.13, 0.2, 0.13]})[0] is C
    assert c14.decide({**m, "spread": [0.13, 0.2, 0.129]})[0] is H


def test_c14_radial_spread_of_a_circle_and_a_square():
    import math

    import torch

    n = 400
    t = torch.linspace(0, 2 * math.pi, n + 1, dtype=torch.float64)
    ring = torch.stack([2 * torch.cos(t), 2 * torch.sin(t)], 1)
    circle = torch.stack([ring[:-1], ring[1:]], 1)  # (n, 2, 2)
    assert c14.radial_spread(circle) < 1e-4
    sq = torch.tensor([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]], dtype=torch.float64)
    square = torch.stack([sq[:-1], sq[1:]], 1)
    # distance along a side of half-width 1: sqrt(1 + s^2), s in [-1, 1]; its std/mean, by quadrature
    s = torch.linspace(-1, 1, 200001, dtype=torch.float64)
    d = (1 + s**2).sqrt()
    assert c14.radial_spread(square) == pytest.approx(float(d.std() / d.mean()), rel=5e-3)
