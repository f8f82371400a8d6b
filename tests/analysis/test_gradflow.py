"""Gradient flow: the ratio against a hand-written backward pass and against rl.inspect; the 1/4 bound."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from relulab.analysis.gradflow import first_last_ratio, gradient_flow, max_derivative
from relulab.analysis.inspect import inspect
from relulab.models import MLP


def test_ratio_matches_a_hand_written_backward_pass():
    g = torch.Generator().manual_seed(0)
    w1, b1 = torch.randn(3, 2, generator=g, dtype=torch.float64), torch.randn(3, generator=g, dtype=torch.float64)
    w2, b2 = torch.randn(1, 3, generator=g, dtype=torch.float64), torch.randn(1, generator=g, dtype=torch.float64)
    x, t = torch.randn(5, 2, generator=g, dtype=torch.float64), torch.randn(5, 1, generator=g, dtype=torch.float64)
    net = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)).double()
    with torch.no_grad():
        net[0].weight.copy_(w1), net[0].bias.copy_(b1), net[2].weight.copy_(w2), net[2].bias.copy_(b2)
    z = x @ w1.T + b1
    h = torch.tanh(z)
    delta2 = 2 * (h @ w2.T + b2 - t) / len(x)  # dL/dy for the mean squared error
    d_w2 = delta2.T @ h
    d_w1 = ((delta2 @ w2) * (1 - h**2)).T @ x
    assert first_last_ratio(net, x, t) == pytest.approx(float(d_w1.norm() / d_w2.norm()), rel=1e-12)
    norms = inspect(net, x, t, lambda y, tt: ((y - tt) ** 2).mean()).weight_grad_norms
    assert first_last_ratio(net, x, t) == pytest.approx(norms["0.weight"] / norms["2.weight"], rel=1e-12)


def test_sigmoid_vanishes_relu_he_does_not():
    r = gradient_flow(["sigmoid", "relu"], ["he"], [2, 20], [0, 1], width=16, n=32)
    assert r.at("sigmoid", "he", 20) < 1e-4 * r.at("sigmoid", "he", 2)
    assert 0.01 < r.at("relu", "he", 20) < 100
    assert len(r.ratios["relu"]["he"][20]) == 2 and r.to_dict()["depths"] == [2, 20]


def test_same_seed_same_numbers():
    a = gradient_flow(["tanh"], ["xavier"], [3], [4], width=4, n=8)
    b = gradient_flow(["tanh"], ["xavier"], [3], [4], width=4, n=8)
    assert a.ratios == b.ratios


def test_derivative_bounds():
    assert max_derivative("sigmoid") == pytest.approx(0.25, abs=1e-12)
    assert max_derivative("tanh") == pytest.approx(1.0, abs=1e-12)
    assert max_derivative("relu") == 1.0


@pytest.mark.parametrize("kwargs, message", [
    ({"activations": ["swish"]}, "unknown activation 'swish'"),
    ({"inits": ["lecun"]}, "unknown init 'lecun'"),
    ({"depths": [1]}, "depths must be integers >= 2"),
    ({"seeds": []}, "at least one seed"),
])
def test_bad_input(kwargs, message):
    with pytest.raises(ValueError) as e:
        gradient_flow(**{"activations": ["relu"], "inits": ["he"], "depths": [2], "seeds": [0], "width": 2, "n": 2,
                         **kwargs})
    assert message in str(e.value)


def test_one_linear_layer_is_refused_and_zero_gradients_give_nan():
    with pytest.raises(ValueError, match="at least two nn.Linear layers"):
        first_last_ratio(MLP(2, (), 1, "relu", generator=torch.Generator()), torch.zeros(3, 2), torch.zeros(3))
    net = nn.Sequential(nn.Linear(1, 1), nn.Linear(1, 1))
    for p in net.parameters():
        nn.init.zeros_(p)
    assert math.isnan(first_last_ratio(net, torch.zeros(2, 1), torch.zeros(2)))  # 0 / 0


def test_layer_grad_norms_equal_backward_on_each_weight():
    from relulab.analysis.gradflow import layer_grad_norms
    from relulab.models import MLP

    net = MLP(4, (5, 3), 1, "tanh", init="he", generator=torch.Generator().manual_seed(0))
    x = torch.randn(16, 4, dtype=torch.float64)
    t = torch.randn(16, 1, dtype=torch.float64)
    got = layer_grad_norms(net, x, t)
    torch.nn.functional.mse_loss(net(x), t).backward()
    want = [float(m.weight.grad.norm()) for m in net.modules() if isinstance(m, torch.nn.Linear)]
    assert got == pytest.approx(want, rel=1e-12) and len(got) == 3


def test_training_flow_records_every_epoch_and_marks_divergence():
    from relulab.analysis.gradflow import training_flow

    r = training_flow(["relu", "sigmoid"], ["he"], [0, 1], depth=4, width=6, n=20, epochs=3)
    assert len(r.norms["relu"]["he"]) == 2 and all(len(run) == 4 and len(run[0]) == 4 for run in r.norms["relu"]["he"])
    first = r.norms["relu"]["he"][0][0]
    assert r.ratios("relu", "he")[0][0] == pytest.approx(first[0] / first[-1])
    assert len(r.median_layers("sigmoid", "he", 3)) == 4
    assert r.norms["relu"]["he"][0][0] != r.norms["relu"]["he"][0][3]  # the weights moved
    blown = training_flow(["identity"], ["he"], [0], depth=6, width=8, n=20, epochs=6, lr=1e6)
    assert all(math.isnan(v) for v in blown.norms["identity"]["he"][0][-1])
    with pytest.raises(ValueError, match="epochs >= 1"):
        training_flow(["relu"], ["he"], [0], epochs=0)
