"""The batched torch path (``regions(..., device=)``) on CPU: the compiled path's counts, layer by layer,
on the nets of the regions tests (their activations, degenerate layers, planes, regioncam's nets),
and a partition that passes the same invariants; a benchmark times it on CUDA when present."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import relulab as rl
from relulab.models import MLP
from tests.analysis import test_regions as tr
from tests.analysis.regions_nets import he_net
from tests.analysis.test_regions_complex import NETS as COMPLEX_NETS


def _same(model, box=None, **kw):
    a = rl.regions(model, box, **kw)
    b = rl.regions(model, box, device="cpu", **kw)
    assert (len(b), b.layer_counts) == (len(a), a.layer_counts)
    return b


@pytest.mark.parametrize("name", sorted(tr.ACTIVATIONS))
@pytest.mark.parametrize("box", [(-1.0, 1.0), (-6.0, 6.0)])
def test_every_activation(name, box):
    model = he_net([6, 5, 4], seed=3, act=tr.ACTIVATIONS[name], outputs=2)
    tr.check_partition(model, _same(model, box))


@pytest.mark.parametrize("widths", [[3, 3, 3], [8, 8], [8] * 6, [16, 16], [32, 32, 32], [16, 12], [8, 8, 8]], ids=str)
@pytest.mark.parametrize("act", [nn.ReLU, lambda: nn.LeakyReLU(0.1), lambda: nn.Hardtanh(-0.5, 0.8)],
                         ids=["relu", "leaky", "hardtanh"])
def test_random_nets_of_the_regioncam_and_kernel_tests(widths, act):
    for seed in range(3):
        for size in (1.0, 6.0):
            _same(he_net(widths, seed, act, float32_exact=True), (-size, size))


@pytest.mark.parametrize(("widths", "act"), COMPLEX_NETS, ids=lambda v: str(v) if isinstance(v, list) else "")
def test_nets_of_the_complex_tests(widths, act):
    for seed in range(3):
        _same(he_net(widths, seed, act), (-6, 6))


@pytest.mark.parametrize(("W", "b", "box", "expected"), tr.test_degenerate_first_layers.pytestmark[0].args[1])
def test_degenerate_first_layers(W, b, box, expected):
    if b is None:
        p = torch.tensor([1 / 3, 1 / 7], dtype=torch.float64)
        b = (-torch.tensor(W, dtype=torch.float64) @ p).tolist()
    model = nn.Sequential(tr._layer(W, b), nn.ReLU(), tr._layer([[1.0] * len(W)], [0.0]))
    assert len(_same(model, box)) == expected


def test_degenerate_deeper_layers_odd_chains_planes_and_batchnorm():
    first = tr._layer([[1, 0], [0, 1], [1, 1]], [0, 0, 0])
    second = tr._layer([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0], [1, -1, 0]], [0, 0, 0, 0, 0])
    model = nn.Sequential(first, nn.ReLU(), second, nn.ReLU(), tr._layer([[1, -2, 3, 1, 1]], [0.5]))
    tr.check_partition(model, _same(model, (-2, 2)))
    torch.manual_seed(0)
    odd = nn.Sequential(nn.ReLU(), nn.Linear(2, 5), nn.ReLU(), nn.Hardtanh(), nn.Linear(5, 3),
                        nn.LeakyReLU(0.1)).double()
    tr.check_partition(odd, _same(odd, (-2, 2)))
    g = torch.Generator().manual_seed(5)
    wide = MLP(5, (8, 8), 2, "relu", init="he", generator=g)
    tr.check_partition(wide, _same(wide, plane=torch.randn(3, 5, generator=g, dtype=torch.float64)))
    bn = nn.BatchNorm1d(4, dtype=torch.float64)
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(4, generator=g, dtype=torch.float64))
    net = nn.Sequential(nn.Linear(2, 4, dtype=torch.float64), bn, nn.ReLU(), nn.Linear(4, 1, dtype=torch.float64))
    tr.check_partition(net, _same(net.eval(), (-3, 3)))


@pytest.mark.parametrize(("kw", "msg"), [
    ({"device": "warp-drive"}, r"device must be a torch device such as 'cpu' or 'cuda' \(or None.*got 'warp-drive'"),
    ({"device": 3.5}, r"device must be a torch device .* got 3.5"),
    ({"device": "cpu", "lean": True}, r"lean=True runs on the compiled CPU path only"),
])
def test_bad_device_is_refused(kw, msg):
    with pytest.raises(ValueError, match=msg):
        rl.regions(he_net([3], 0), **kw)


def test_cuda_when_absent_and_one_input_nets_are_refused():
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match=r"device 'cuda' is not available here"):
            rl.regions(he_net([3], 0), device="cuda")
    with pytest.raises(ValueError, match=r"device= is for 2-D partitions .* this model takes 1 input"):
        rl.regions(he_net([3], 0, inputs=1), device="cpu")
