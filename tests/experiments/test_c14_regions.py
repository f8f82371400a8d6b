"""C14's rule on both sides of each threshold, and the radial spread against shapes with a known answer."""

from __future__ import annotations

import pytest

from relulab.experiments import Verdict
from relulab.experiments import c14_regions as c14

H, C, F = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS


GOOD = {"by_width": [4, 10, 34], "by_depth": [34, 105, 172], "spread": [0.13, 0.06, 0.03]}
CASES = [(GOOD, {"decide": H}), ({**GOOD, "by_width": [4, 10, 10]}, {"decide": F}),
         ({**GOOD, "by_depth": [34, 30, 172]}, {"decide": F}), ({**GOOD, "spread": [0.13, 0.2, 0.13]}, {"decide": C})]


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
