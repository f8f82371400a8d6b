"""Real-data builders: the nets' shapes and inits against closed forms, the recorded gradient norms against
autograd, dead / near-dead units on units forced into those states, revival against a brute force."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from relulab.data import build_dataset
from relulab.experiments import realdata as R


def test_mlp_and_cnn_shapes_and_he_init():
    mlp = R.build_mlp("relu", depth=5, width=200, init="he", seed=1)
    linears = [m for m in mlp if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(64, 200)] + [(200, 200)] * 4 + [(200, 10)]
    he = math.sqrt(2) / math.sqrt(200)  # He with relu's gain
    assert float(linears[2].weight.detach().std()) == pytest.approx(he, rel=0.05)
    assert float(linears[2].bias.detach().abs().max()) == 0.0
    cnn = R.build_cnn("tanh", init="he", seed=1)
    conv2 = cnn[4]
    assert tuple(conv2.weight.shape) == (16, 8, 3, 3)
    assert float(conv2.weight.detach().std()) == pytest.approx(5 / 3 / math.sqrt(8 * 9), rel=0.1)  # fan_in = 8 x 3 x 3
    assert cnn(torch.rand(5, 64)).shape == (5, 10)
    assert torch.equal(R.build_mlp("relu", seed=3)[0].weight, R.build_mlp("relu", seed=3)[0].weight)
    with pytest.raises(ValueError, match="1..16 hidden layers"):
        R.build_mlp("relu", depth=0)


def test_recorded_gradient_norms_are_autograds():
    res = R.train_digits(R.DigitsRun("mlp", "tanh", depth=4, width=16, epochs=1, n=300))
    data = build_dataset("digits", n=300, seed="0", train_ratio=0.7)
    net = R.build_mlp("tanh", 4, 16, "torch", 0)
    loss = F.cross_entropy(net(data.x_train.float()), data.y_train)
    grads = torch.autograd.grad(loss, [m.weight for m in net if isinstance(m, torch.nn.Linear)])
    assert res.grad_norms[0] == pytest.approx([float(g.norm()) for g in grads], rel=1e-5)
    assert res.first_last(0) == pytest.approx(float(grads[0].norm() / grads[-1].norm()), rel=1e-5)
    assert len(res.grad_norms) == len(res.test_acc) == 2 and not res.diverged


@pytest.mark.parametrize("arch", ["mlp", "cnn"])
def test_dead_and_near_dead_units(arch):
    """A unit pushed far negative is dead under relu and near-dead (not dead) under leaky_relu; one left
    alone is neither."""
    data = build_dataset("digits", n=200, seed="0", train_ratio=0.7)
    x, y = data.x_train.float(), data.y_train
    for act, dead in (("relu", True), ("leaky_relu", False)):
        run = R.DigitsRun(arch, act, depth=2, width=8, epochs=0, n=200)
        net = R.ARCHS.get(arch)(run)
        first = net[0] if arch == "mlp" else net[1]
        with torch.no_grad():
            first.bias[2] = -1000.0
        res = R.DigitsResult(run, [], [], [], [], [], [])
        R._record(res, net, x, y, x, y)
        layer = res.layers[0]
        assert bool(layer.near[0][2]) and bool(layer.dead[0][2]) is dead
        assert not bool(layer.near[0][0]) and not bool(layer.dead[0][0])
        if dead:
            assert res.layers[0].zeros[0] >= 1 / len(layer.dead[0])  # the dead unit's outputs are all zeros


def test_revival_per_layer_against_a_brute_force():
    g = torch.Generator().manual_seed(0)
    states = [torch.rand(7, generator=g) < 0.4 for _ in range(6)]
    layer = R.LayerUnits("1", dead=states)
    brute = [any(states[e][u] and any(not states[f][u] for f in range(e + 1, 6)) for e in range(1, 6))
             for u in range(7)]
    assert layer.revived().tolist() == brute
    assert layer.ever().tolist() == [any(states[e][u] for e in range(1, 6)) for u in range(7)]


def test_the_claims_share_runs():
    a = R.digits_grid(["relu"], quick=True)
    b = R.digits_grid(["relu"], quick=True)
    assert set(a) == {(arch, "relu", rate, 0) for arch in ("mlp", "cnn") for rate in ("usual", "high")}
    assert all(a[k] is b[k] for k in a)
    assert a["mlp", "relu", "high", 0].run.lr == R.ARCH_LRS["mlp"][1]
