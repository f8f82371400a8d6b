"""C14's rule on both sides of each threshold, and the radial spread against shapes with a known answer."""

from __future__ import annotations

import pytest

from relulab.experiments import Verdict
from relulab.experiments import c14_regions as c14

H, C, F, I = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS, Verdict.INCONCLUSIVE


def numbers(by_width=(4, 10, 34), by_depth=(34, 105, 172), width_steps=((4, 8), (18, 30)),
            depth_steps=((60, 80), (50, 90)), spread=(0.13, 0.06, 0.03)) -> dict:
    return {"by_width": list(by_width), "by_depth": list(by_depth), "widths": [2, 4, 8], "depths": [1, 2, 3],
            "width_steps": [list(s) for s in width_steps], "depth_steps": [list(s) for s in depth_steps],
            "spread": list(spread)}


CASES = [(numbers(), {"decide": H}), (numbers(width_steps=((4, 8), (-3, 0))), {"decide": F}),
         (numbers(depth_steps=((-9, -2), (50, 90))), {"decide": F}), (numbers(spread=(0.13, 0.2, 0.13)), {"decide": C}),
         (numbers(depth_steps=((60, 80), (-4, 25))), {"decide": I})]


def test_c14_thresholds():
    assert c14.decide(numbers()) == (H, [])
    v, why = c14.decide(numbers(by_width=(4, 10, 10), width_steps=((4, 8), (0, 0))))  # no growth, with certainty
    assert v is F and why == ["the median region count does not grow with width 4 -> 8: median 10 -> 10, "
                              "difference [+0, +0]"]
    assert c14.decide(numbers(depth_steps=((-9, -2), (50, 90))))[0] is F
    v, why = c14.decide(numbers(depth_steps=((60, 80), (-4, 25))))
    assert v is I and why == ["the growth cannot be told apart from none at depth 2 -> 3: median 105 -> 172, "
                              "difference [-4, +25]"]
    assert c14.decide(numbers(depth_steps=((60, 80), (0.5, 25))))[0] is H
    assert c14.decide(numbers(spread=(0.13, 0.2, 0.13)))[0] is C
    assert c14.decide(numbers(spread=(0.13, 0.2, 0.129)))[0] is H
    # a failing step outweighs an unsure one; the spread caveat waits for clear growth
    assert c14.decide(numbers(width_steps=((-3, -1), (18, 30)), depth_steps=((60, 80), (-4, 25))))[0] is F
    assert c14.decide(numbers(spread=(0.13, 0.2, 0.13), depth_steps=((60, 80), (-4, 25))))[0] is I


def test_median_step_interval_is_a_bootstrap_of_the_difference_of_medians():
    import numpy as np

    from relulab.sweep.paired import median_step_interval

    a, b = [30, 34, 35, 40, 33], [100, 110, 98, 120, 105]
    low, high = median_step_interval(a, b, np.random.default_rng(0))
    assert min(b) - max(a) <= low <= np.median(b) - np.median(a) <= high <= max(b) - min(a)
    assert median_step_interval([4] * 5, [4] * 5, np.random.default_rng(0)) == (0.0, 0.0)
    # overlapping samples of equal median: the interval holds 0
    low, high = median_step_interval([1, 5, 9, 3, 7], [2, 6, 8, 4, 5], np.random.default_rng(1))
    assert low < 0 < high


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
