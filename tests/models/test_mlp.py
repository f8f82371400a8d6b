"""The MLP: structure per layer, refusal of bad widths, and the initialisers against their definitions."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from relulab.activations import Elementwise, get_activation
from relulab.models import INITS, MLP

F64 = torch.float64


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("activation", ["relu", "tanh", "step"])
def test_no_hidden_layer_is_exactly_one_affine_map(activation):
    net = MLP(3, (), 2, activation, generator=gen())
    assert len(net) == 1 and isinstance(net[0], nn.Linear) and net.activations == []
    x = torch.randn(50, 3, generator=gen(1), dtype=F64)
    w, b = net[0].weight, net[0].bias
    torch.testing.assert_close(net(x), x @ w.T + b)
    # affine: f(a + b) - f(0) = (f(a) - f(0)) + (f(b) - f(0))
    a, c, z = x[:25], x[25:], torch.zeros(1, 3, dtype=F64)
    torch.testing.assert_close(net(a + c) - net(z), (net(a) - net(z)) + (net(c) - net(z)))


def test_one_activation_per_hidden_layer():
    names = ["relu", "tanh", "leaky_relu", "abs", "prelu"]
    net = MLP(2, (3, 4, 5, 6, 7), 1, names, activation_params={"negative_slope": 0.2}, generator=gen())
    kinds = [type(m) for m in net]
    assert kinds == [nn.Linear, nn.ReLU, nn.Linear, nn.Tanh, nn.Linear, nn.LeakyReLU, nn.Linear, Elementwise,
                     nn.Linear, nn.PReLU, nn.Linear]
    assert net.activation_names == tuple(names) and net.widths == (2, 3, 4, 5, 6, 7, 1)
    assert net[5].negative_slope == 0.2 and net[9].weight.shape == (7,)  # PReLU: one slope per unit
    # the forward pass is the composition of the registry functions with these parameters
    x = torch.randn(20, 2, generator=gen(2), dtype=F64)
    h = x
    for lin, name in zip(net.linears, names, strict=False):
        params = {"negative_slope": 0.2} if name == "leaky_relu" else {}
        h = get_activation(name)(lin(h), **params)
    torch.testing.assert_close(net(x), net.linears[-1](h))
    assert [t.shape[1] for t in net.hidden_outputs(x)] == [3, 4, 5, 6, 7]


def test_activation_list_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match=r"one activation per hidden layer: got \['relu'\] for hidden=\[3, 4\]"):
        MLP(2, (3, 4), 1, ["relu"], generator=gen())
    with pytest.raises(ValueError, match="unknown activation 'rleu'; choose one of"):
        MLP(2, (3,), 1, "rleu", generator=gen())


@pytest.mark.parametrize(("widths", "shown"), [((0, (3,), 1), r"\(0, 3, 1\)"), ((2, (3, 0), 1), r"\(2, 3, 0, 1\)"),
                                               ((2, (3,), 0), r"\(2, 3, 0\)"), ((2, (-1,), 1), r"\(2, -1, 1\)")])
def test_widths_below_one_are_refused_with_the_widths(widths, shown):
    with pytest.raises(ValueError, match=f"widths must be >= 1, got {shown}"):
        MLP(*widths, generator=gen())


def test_unknown_init_is_refused():
    with pytest.raises(ValueError, match=r"unknown init 'kaiming'; choose one of \['playground', 'zero', 'torch'"):
        MLP(2, (3,), 1, init="kaiming", generator=gen())


def test_playground_init_weights_uniform_in_half_open_interval_bias_point_one():
    net = MLP(300, (300,), 1, init="playground", generator=gen())
    for lin in net.linears:
        assert lin.weight.min() >= -0.5 and lin.weight.max() < 0.5 and torch.all(lin.bias == 0.1)
    w = net[0].weight
    assert abs(w.mean().item()) < 0.005 and w.std().item() == pytest.approx(1 / math.sqrt(12), rel=0.01)


def test_zero_init():
    net = MLP(4, (3,), 2, init="zero", generator=gen())
    assert all(torch.all(lin.weight == 0) and torch.all(lin.bias == 0.1) for lin in net.linears)


@pytest.mark.parametrize(("activation", "gain"), [("relu", math.sqrt(2)), ("tanh", 5 / 3), ("selu", 0.75)])
def test_he_init_std_is_gain_over_sqrt_fan_in(activation, gain):
    net = MLP(1000, (1000,), 1, activation, init="he", generator=gen())
    w = net[0].weight  # 10^6 samples: the sample std is within ~0.1% of the true one
    assert w.std().item() == pytest.approx(gain / math.sqrt(1000), rel=0.01)
    assert abs(w.mean().item()) < 1e-3 and torch.all(net[0].bias == 0)
    assert net[2].weight.std().item() == pytest.approx(1 / math.sqrt(1000), rel=0.1)  # output: gain 1


def test_xavier_init_is_uniform_with_glorot_bound():
    net = MLP(400, (600,), 1, "tanh", init="xavier", generator=gen())
    w = net[0].weight
    bound = 5 / 3 * math.sqrt(6 / (400 + 600))
    assert w.abs().max().item() <= bound and w.abs().max().item() > 0.999 * bound
    assert w.std().item() == pytest.approx(bound / math.sqrt(3), rel=0.01) and torch.all(net[0].bias == 0)


def test_torch_init_is_exactly_what_nn_linear_draws_with_the_same_seed():
    with torch.random.fork_rng():
        torch.manual_seed(7)  # the global RNG here, only as the oracle; the library never touches it
        ref = nn.Linear(5, 4, dtype=F64)
    net = MLP(5, (), 4, init="torch", generator=gen(7))
    assert torch.equal(net[0].weight, ref.weight) and torch.equal(net[0].bias, ref.bias)


@pytest.mark.parametrize("init", INITS.names())
def test_init_is_deterministic_given_the_generator(init):
    def weights(seed):
        return [p.detach().clone() for p in MLP(3, (8, 8), 2, "relu", init=init, generator=gen(seed)).parameters()]

    same = all(torch.equal(a, b) for a, b in zip(weights(1), weights(1), strict=True))
    differ = any(not torch.equal(a, b) for a, b in zip(weights(1), weights(2), strict=True))
    assert same and differ == (init != "zero")


def test_building_an_mlp_leaves_the_global_rng_alone():
    state = torch.random.get_rng_state()
    MLP(2, (5, 5), 1, "relu", init="he", generator=torch.Generator().manual_seed(3))
    assert torch.equal(state, torch.random.get_rng_state())


@pytest.mark.parametrize("init", ["he", "xavier"])
def test_init_uses_the_gain_at_the_activation_parameters(init):
    # He: std = gain / sqrt(fan_in) with gain sqrt(2 / (1 + a^2)): 1.051 for a leaky slope of 0.9,
    # not relu's 1.414 (the gain at the default slope 0.01).
    net = MLP(400, (400,), 1, "leaky_relu", activation_params={"negative_slope": 0.9}, init=init,
              generator=torch.Generator().manual_seed(0))
    w = net[0].weight
    gain = math.sqrt(2 / (1 + 0.9**2))
    want = gain if init == "he" else gain * math.sqrt(2 * 400 / (400 + 400))  # xavier: gain sqrt(2 / (in + out))
    assert float(w.std()) * math.sqrt(400) == pytest.approx(want, rel=0.01)
    assert float(w.std()) * math.sqrt(400) == pytest.approx(1.05, abs=0.01)
