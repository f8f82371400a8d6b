"""rl.approx: the exact construction against numpy's interpolation and its error bound; kinks against regions."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from relulab.analysis.approx import Fit, approx, interpolant, interpolation_bound, train_fits
from relulab.analysis.regions import regions
from relulab.data.targets import TARGETS

GRID = torch.linspace(-4, 4, 3001, dtype=torch.float64)


@pytest.mark.parametrize("target", ["sin", "sigmoid", "exp", "cubic"])
@pytest.mark.parametrize("n", [1, 3, 16, 64])
def test_interpolant_is_the_piecewise_linear_interpolant_within_the_bound(target, n):
    fn = TARGETS.get(target).fn
    net = interpolant(fn, n, (-4.0, 4.0))
    knots = np.linspace(-4, 4, n + 1)
    expected = np.interp(GRID.numpy(), knots, fn(torch.from_numpy(knots)).numpy())  # the oracle
    with torch.no_grad():
        got = net(GRID[:, None])[:, 0].numpy()
    np.testing.assert_allclose(got, expected, atol=1e-12)
    assert np.abs(got - fn(GRID).numpy()).max() <= interpolation_bound(fn, n, (-4.0, 4.0)) * (1 + 1e-9)


def test_interpolation_bound_closed_forms():
    assert interpolation_bound(torch.sin, 16) == pytest.approx(0.5**2 / 8, rel=1e-6)  # max|sin''| = 1 at pi/2
    exp = TARGETS.get("exp").fn  # e^{x/2}: f'' = e^{x/2} / 4, largest at x = 4
    assert interpolation_bound(exp, 8) == pytest.approx(1.0 / 8 * math.exp(2) / 4, rel=1e-9)


def test_constructed_slope_is_minus_two():
    r = approx(["sin", "sigmoid"], [8, 16, 32, 64, 128], methods=["constructed"], generator=torch.Generator())
    for t in ("sin", "sigmoid"):
        assert r.slope(t, "constructed") == pytest.approx(-2.0, abs=0.05)
    assert -2.3 <= approx(["sin"], methods=["constructed"], generator=torch.Generator()).slope(
        "sin", "constructed") <= -1.7


def test_kinks_match_the_exact_regions():
    nets = train_fits([torch.sin, torch.sin], [6, 12], epochs=200, generator=torch.Generator().manual_seed(3))
    for net in nets:
        f = Fit("sin", "trained", net[0].out_features, net, 0.0, 0.0, 0.0)
        bends = regions(net, (-30.0, 30.0)).bends()
        np.testing.assert_allclose(f.kinks().numpy(), bends.numpy(), atol=1e-9)
    f = Fit("exp", "constructed", 8, interpolant(TARGETS.get("exp").fn, 8), 0.0, 0.0, 0.0)
    np.testing.assert_allclose(f.kinks().numpy(), np.linspace(-4, 4, 9)[:-1], atol=1e-12)
    f = Fit("sin", "constructed", 8, interpolant(torch.sin, 8), 0.0, 0.0, 0.0)
    assert 0.0 not in f.kinks().tolist()  # sin is odd: the interpolant does not bend at its knot 0


def test_constructed_net_is_affine_outside():
    r = approx(["sin"], [8], methods=["constructed"], generator=torch.Generator())
    f = r.get("sin", "constructed", 8)
    for x in (torch.linspace(4, 8, 50, dtype=torch.float64), torch.linspace(-8, -4, 50, dtype=torch.float64)):
        second_difference = torch.diff(f(x), n=2)
        assert float(second_difference.abs().max()) < 1e-12
    assert f.outside > 10 * f.inside


def test_training_error_falls_with_n():
    r = approx(["sin"], [2, 32], methods=["trained"], epochs=400, generator=torch.Generator().manual_seed(0))
    e = r.errors("sin", "trained")
    assert e[1] < 0.5 * e[0]
    assert len(r.rows()) == 2 and r.rows()[0]["kinks"] >= 1


def test_same_seed_same_fit():
    a = train_fits([torch.sin], [8], epochs=50, generator=torch.Generator().manual_seed(5))[0]
    b = train_fits([torch.sin], [8], epochs=50, generator=torch.Generator().manual_seed(5))[0]
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


@pytest.mark.parametrize("call, message", [
    (lambda: interpolant(torch.sin, 0), "units must be an integer >= 1, got 0"),
    (lambda: interpolant(torch.sin, 4, (4.0, -4.0)), "lo < hi, got (4.0, -4.0)"),
    (lambda: approx(["sin"], [4], methods=["magic"], generator=torch.Generator()), "unknown method"),
    (lambda: approx(["sin"], [4], outer=(-3.0, 8.0), generator=torch.Generator()), "outer must contain"),
    (lambda: approx(["nope"], [4], generator=torch.Generator()), "unknown target 'nope'"),
    (lambda: train_fits([torch.sin], [4, 8], generator=torch.Generator()), "one unit count per function"),
    (lambda: train_fits([torch.sin], [4], epochs=0, generator=torch.Generator()), "epochs must be >= 1, got 0"),
])
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=None) as e:
        call()
    assert message in str(e.value)


def _fit(w, b, c) -> Fit:
    net = torch.nn.Sequential(torch.nn.Linear(1, len(w)), torch.nn.ReLU(), torch.nn.Linear(len(w), 1)).double()
    with torch.no_grad():
        net[0].weight[:, 0] = torch.tensor(w, dtype=torch.float64)
        net[0].bias[:] = torch.tensor(b, dtype=torch.float64)
        net[2].weight[0] = torch.tensor(c, dtype=torch.float64)
        net[2].bias.zero_()
    return Fit("t", "trained", len(w), net, 0.0, 0.0, 0.0)


def test_bend_is_the_distance_to_the_final_line_between_edge_and_kink():
    # one unit relu(x - 6) with weight 2: kink at 6; on [4, 6] the net is 0, the final line 2(x - 6): gap 4 at x = 4
    f = _fit([1.0, 1.0], [-6.0, 10.0], [2.0, 0.0])
    assert f.kinks().tolist() == [6.0]
    assert f.bend((-4.0, 4.0)) == pytest.approx((0.0, 4.0))
    assert f.affine_gap() < 1e-12
    inside = Fit("sin", "constructed", 8, interpolant(torch.sin, 8), 0, 0, 0)
    assert inside.bend((-4.0, 4.0)) == (0.0, 0.0) and inside.affine_gap() < 1e-12
