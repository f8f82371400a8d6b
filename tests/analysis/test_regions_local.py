"""Local complexity: regions meeting a disc around each data point, against dense sampling of the disc
and hand counts; the default radius; the training callback; bad input."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

import relulab as rl
from relulab.analysis.regions import RegionCounter, local_complexity
from relulab.analysis.regions.local import DEFAULT_FRACTION, default_radius
from tests.analysis.regions_nets import he_net


def _sampled(r, p: torch.Tensor, radius: float, n: int = 120) -> set[int]:
    """Regions located at points of a dense polar grid over the disc (the rim included): a subset of the
    regions meeting it, and all of them once the grid is fine compared with the regions."""
    rho = torch.linspace(0, radius, n, dtype=torch.float64)[:, None]
    th = torch.linspace(0, 2 * math.pi, 4 * n, dtype=torch.float64)[None]
    pts = torch.stack([p[0] + rho * th.cos(), p[1] + rho * th.sin()], -1).reshape(-1, 2)
    return {int(i) for i in r.locate(pts) if i >= 0}


@pytest.mark.parametrize("widths", [[4], [6, 6]], ids=str)
def test_counts_agree_with_dense_sampling_of_the_disc(widths):
    model = he_net(widths, seed=3)
    r = rl.regions(model, (-3, 3))
    pts = torch.tensor([[0.0, 0.0], [1.3, -0.7], [-2.0, 2.2], [0.4, 1.9]], dtype=torch.float64)
    lc = local_complexity(r, pts, radius=0.6)
    for p, c in zip(pts, lc.counts, strict=True):
        seen = _sampled(r, p, 0.6)
        assert len(seen) <= int(c) <= len(seen) + 1  # a region only grazing the rim can slip between samples
    assert lc.mean == pytest.approx(lc.counts.double().mean().item())


def test_hand_counts_in_2d_and_1d():
    net = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)).double()
    with torch.no_grad():
        net[0].weight.copy_(torch.eye(2))
        net[0].bias.zero_()
    pts = torch.tensor([[0.0, 0.0], [3.0, 3.0], [0.5, 3.0]], dtype=torch.float64)
    assert local_complexity(net, pts, radius=1.0, box=(-4, 4)).counts.tolist() == [4, 1, 2]
    one = torch.tensor([[1.0, 1.0]], dtype=torch.float64)
    assert local_complexity(net, one, radius=1.2, box=(-4, 4)).counts.tolist() == [3]  # both axes, not the origin
    assert local_complexity(net, one, radius=1.5, box=(-4, 4)).counts.tolist() == [4]  # sqrt(2) < 1.5
    line = nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1)).double()
    with torch.no_grad():
        line[0].weight.fill_(1.0)
        line[0].bias.copy_(torch.tensor([0.0, -1.0, -2.0]))  # kinks at 0, 1, 2
    x = torch.tensor([[0.5], [1.5], [5.0]], dtype=torch.float64)
    assert local_complexity(line, x, radius=0.6, box=(-6, 6)).counts.tolist() == [3, 3, 1]


def test_default_radius_is_the_stated_fraction_of_the_spread():
    pts = torch.tensor([[0.0, 0.0], [4.0, 1.0], [2.0, -1.0]], dtype=torch.float64)
    assert default_radius(pts) == pytest.approx(DEFAULT_FRACTION * 4.0)
    assert local_complexity(he_net([3], 0), pts).radius == pytest.approx(0.2)


def test_callback_records_local_complexity_over_training():
    from relulab.config import RunConfig
    from relulab.training import train

    cfg = RunConfig(dataset="circle", activation="relu", hidden=(6,), epochs=6, n_points=60)
    run = train(cfg, on_step=RegionCounter(every=3, local=True, radius=0.5))
    extra = run.history.extra
    assert extra["regions_epoch"] == [3, 6] and len(extra["local_complexity"]) == 2
    direct = local_complexity(rl.analysis.regions.regions_of(run.model, run.data).regions, run.data.x_train, 0.5)
    assert extra["local_complexity"][-1] == pytest.approx(direct.mean)
    assert 1 <= direct.mean <= extra["regions"][-1]


@pytest.mark.parametrize(("kw", "msg"), [
    ({"radius": 0.0}, "radius must be a positive finite number, got 0.0"),
    ({"radius": -1}, "radius must be a positive finite number, got -1"),
    ({"radius": float("nan")}, "radius must be a positive finite number, got nan"),
    ({"radius": "big"}, "radius must be a positive finite number, got 'big'"),
    ({"points": torch.zeros(3, 3)}, r"points must be a non-empty \(n, 1\) or \(n, 2\) tensor, got shape \(3, 3\)"),
    ({"points": torch.zeros(0, 2)}, r"points must be a non-empty .* got shape \(0, 2\)"),
    ({"points": torch.zeros(2, 1)}, r"points of 1 coordinates do not fit these regions \(Regions\)"),
])
def test_bad_input_is_refused(kw, msg):
    r = rl.regions(he_net([3], 0), (-1, 1))
    args = {"points": torch.zeros(2, 2), **kw}
    with pytest.raises(ValueError, match=msg):
        local_complexity(r, args.pop("points"), **args)
    with pytest.raises(ValueError, match=r"radius must be a positive number \(or None"):
        RegionCounter(radius=-2)
