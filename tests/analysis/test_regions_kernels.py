"""The compiled 2-D path: the whole-network call for small widths and the per-layer BLAS path give the
same partition."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import relulab as rl
from relulab.analysis.regions import planar
from tests.analysis.regions_nets import he_net


def _canonical(r):
    c = r.interior_points()
    key = torch.argsort(c[:, 0] * 1e3 + c[:, 1])
    return c[key], r.A[key], r.b[key], r.patterns[key], r.areas[key]


@pytest.mark.parametrize("widths", [[3, 3, 3], [8, 8, 8], [16, 12]], ids=str)
@pytest.mark.parametrize("act", [nn.ReLU, lambda: nn.Hardtanh(-0.5, 0.8)], ids=["relu", "hardtanh"])
def test_small_and_blas_paths_agree(widths, act, monkeypatch):
    model = he_net(widths, seed=2, act=act, outputs=2)
    small = rl.regions(model, (-3.0, 3.0))
    monkeypatch.setattr(planar, "SMALL", 0)
    blas = rl.regions(model, (-3.0, 3.0))
    assert len(small) == len(blas) and small.layer_counts == blas.layer_counts
    for a, b in zip(_canonical(small), _canonical(blas), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-9)


def test_odd_chains_take_both_paths(monkeypatch):
    # an activation first, two in a row, one last: the identity is used where no affine map follows
    torch.manual_seed(0)
    model = nn.Sequential(nn.ReLU(), nn.Linear(2, 5), nn.ReLU(), nn.Hardtanh(), nn.Linear(5, 3),
                          nn.LeakyReLU(0.1)).double()
    small = rl.regions(model, (-2.0, 2.0))
    monkeypatch.setattr(planar, "SMALL", 0)
    blas = rl.regions(model, (-2.0, 2.0))
    assert len(small) == len(blas) and small.layer_counts == blas.layer_counts
    x = small.interior_points()
    with torch.no_grad():
        torch.testing.assert_close(torch.einsum("rkd,rd->rk", small.A, x) + small.b, model(x))
