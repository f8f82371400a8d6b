"""Common tests over the activation registry: values and gradients against PyTorch, and every
property flag checked numerically (sklearn's test_common.py pattern)."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from relulab.activations import ACTIVATIONS, Activation, Elementwise, activation_names, get_activation

NAMES = activation_names()
F64 = torch.float64

# Independent references: PyTorch's own functions with the registry's default parameters.
TORCH_REF = {
    "identity": lambda x: x,
    "step": lambda x: torch.heaviside(x, torch.zeros((), dtype=x.dtype)),
    "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.01),
    "prelu": lambda x: F.prelu(x, torch.tensor([0.25], dtype=x.dtype)),
    "elu": F.elu, "selu": F.selu, "celu": F.celu, "gelu": F.gelu, "silu": F.silu, "mish": F.mish,
    "softplus": F.softplus, "softsign": F.softsign, "relu6": F.relu6, "hardtanh": F.hardtanh,
    "hardsigmoid": F.hardsigmoid, "abs": torch.abs,
}
# Non-default parameters, checked against the PyTorch call with the same values.
PARAM_REF = [
    ("leaky_relu", {"negative_slope": 0.2}, lambda x: F.leaky_relu(x, 0.2)),
    ("prelu", {"init": 0.1}, lambda x: F.prelu(x, torch.tensor([0.1], dtype=x.dtype))),
    ("elu", {"alpha": 2.0}, lambda x: F.elu(x, 2.0)),
    ("celu", {"alpha": 0.5}, lambda x: F.celu(x, 0.5)),
    ("softplus", {"beta": 2.0}, lambda x: F.softplus(x, 2.0)),
    ("hardtanh", {"min_val": -2.0, "max_val": 3.0}, lambda x: F.hardtanh(x, -2.0, 3.0)),
]
# The derivative at each kink: PyTorch's autograd convention, stated once (see Activation's docstring).
AT_KINK = {"step": {0.0: 0.0}, "relu": {0.0: 0.0}, "abs": {0.0: 0.0}, "leaky_relu": {0.0: 0.01},
           "prelu": {0.0: 0.25}, "relu6": {0.0: 0.0, 6.0: 0.0}, "hardtanh": {-1.0: 0.0, 1.0: 0.0},
           "hardsigmoid": {-3.0: 0.0, 3.0: 0.0}}


def grid(dtype: torch.dtype = F64) -> torch.Tensor:
    special = [-100.0, -30.0, -6.5, -6.0, -3.5, -3.0, -1.0, -0.5, -1e-3, 0.0, 1e-3, 0.5, 1.0, 3.0, 3.5, 6.0,
               6.5, 30.0, 100.0]
    return torch.cat([torch.tensor(special, dtype=dtype), torch.linspace(-8, 8, 161, dtype=dtype)])


def fine(h: float = 2.0**-7, lim: float = 8.0) -> torch.Tensor:
    """Dyadic grid on [-lim, lim]: every kink in the registry is a grid point and x ± h is exact."""
    n = int(lim / h)
    return torch.arange(-n, n + 1, dtype=F64) * h


def test_registry_covers_the_design_list_and_references():
    assert set(NAMES) == set(TORCH_REF)
    assert ACTIVATIONS.get("linear") is get_activation("identity")
    assert "linear" not in NAMES


@pytest.mark.parametrize("dtype", [torch.float32, F64])
@pytest.mark.parametrize("name", NAMES)
def test_values_match_pytorch(name, dtype):
    x = grid(dtype)
    torch.testing.assert_close(get_activation(name)(x), TORCH_REF[name](x), rtol=0, atol=0)


@pytest.mark.parametrize(("name", "params", "ref"), PARAM_REF)
def test_values_with_parameters_match_pytorch(name, params, ref):
    x = grid()
    act = get_activation(name)
    torch.testing.assert_close(act(x, **params), ref(x))
    torch.testing.assert_close(act.module(1, **params).double()(x[:, None])[:, 0], ref(x))


def autograd(fn, x: torch.Tensor) -> torch.Tensor:
    xg = x.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(fn(xg).sum(), xg)
    return g


@pytest.mark.parametrize("dtype", [torch.float32, F64])
@pytest.mark.parametrize("name", NAMES)
def test_grad_matches_autograd_of_pytorch(name, dtype):
    x = grid(dtype)  # saturated inputs (±100) and exactly 0 included
    ref = autograd(TORCH_REF[name], x) if name != "step" else torch.zeros_like(x)  # heaviside: no grad
    act = get_activation(name)
    torch.testing.assert_close(act.grad(x), ref)
    torch.testing.assert_close(autograd(act, x), ref)  # the registry's own fn differentiates the same


@pytest.mark.parametrize(("name", "params", "ref"), PARAM_REF)
def test_grad_with_parameters_matches_autograd(name, params, ref):
    x = grid()
    torch.testing.assert_close(get_activation(name).grad(x, **params), autograd(ref, x))


@pytest.mark.parametrize("name", NAMES)
def test_grad_matches_finite_differences_away_from_kinks(name):
    act = get_activation(name)
    x = torch.linspace(-7.9, 7.9, 317, dtype=F64)
    x = x[torch.stack([(x - k).abs() > 1e-3 for k in act.kinks()]).all(0)] if act.kinks() else x
    h = 1e-6
    torch.testing.assert_close(act.grad(x), (act(x + h) - act(x - h)) / (2 * h), atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(AT_KINK))
def test_grad_convention_at_kinks(name):
    act = get_activation(name)
    assert set(AT_KINK[name]) == set(act.kinks())
    for k, want in AT_KINK[name].items():
        x = torch.tensor([k], dtype=F64)
        assert act.grad(x).item() == pytest.approx(want, abs=1e-15)
        assert autograd(act.fn if not act.params else lambda t, a=act: a(t), x).item() == pytest.approx(want)


@pytest.mark.parametrize("name", NAMES)
def test_module_matches_fn_and_is_a_torch_module(name):
    act = get_activation(name)
    x = grid()[:, None].repeat(1, 5) * torch.linspace(0.5, 2, 5, dtype=F64)  # (n, 5)
    m = act.module(5).double()
    assert isinstance(m, nn.Module)
    torch.testing.assert_close(m(x), act(x), rtol=0, atol=0)
    assert (len(list(m.parameters())) > 0) == act.learnable
    if not act.learnable and act.torch_module is None:
        assert isinstance(m, Elementwise) and name in repr(m)


@pytest.mark.parametrize("shape", [(), (7,), (2, 3, 4)])
@pytest.mark.parametrize("name", NAMES)
def test_shape_preserved_and_deterministic(name, shape):
    act = get_activation(name)
    x = torch.randn(shape, generator=torch.Generator().manual_seed(0), dtype=F64) * 4
    y = act(x)
    assert y.shape == x.shape and y.dtype == x.dtype and act.grad(x).shape == x.shape
    assert torch.equal(y, act(x.clone()))
    assert torch.equal(act.grad(x), act.grad(x.clone()))


def test_prelu_module_learns_one_slope_per_unit():
    m = get_activation("prelu").module(6)
    (a,) = list(m.parameters())
    assert a.shape == (6,) and a.requires_grad and torch.all(a == 0.25)
    x = torch.randn(50, 6, generator=torch.Generator().manual_seed(1))
    m(x).sum().backward()
    # d/da_j of sum_i prelu(x_ij) = sum of the negative x_ij (closed form)
    torch.testing.assert_close(a.grad, torch.clamp(x, max=0).sum(0))


def test_c10_seed_values_to_four_decimals():
    x = torch.tensor([-1.0, 2.0, -3.0, 4.0])
    want = {"relu": [0, 2, 0, 4], "leaky_relu": [-0.01, 2, -0.03, 4], "elu": [-0.6321, 2, -0.9502, 4]}
    for name, values in want.items():
        assert get_activation(name)(x).round(decimals=4).tolist() == pytest.approx(values, abs=1e-7)
    leaky, elu = get_activation("leaky_relu")(x, negative_slope=0.01), get_activation("elu")(x, alpha=1.0)
    assert leaky.round(decimals=4).tolist() == pytest.approx(want["leaky_relu"], abs=1e-7)
    assert elu.round(decimals=4).tolist() == pytest.approx(want["elu"], abs=1e-7)


# ---- property flags, checked numerically ------------------------------------------------------------


def seen_at(name: str, h: float) -> list[float]:
    """Grid points whose 3-point stencil straddles a kink: the kinks themselves, and for the step,
    whose kink is a jump with H(0) = 0, also the point just right of it."""
    return [k + d for k in get_activation(name).kinks() for d in ((0.0, h) if name == "step" else (0.0,))]


def second_difference(act: Activation, h: float, **params: float) -> tuple[torch.Tensor, torch.Tensor]:
    x = fine(h)
    y = act(x, **params)
    return x[1:-1], y[:-2] - 2 * y[1:-1] + y[2:]


@pytest.mark.parametrize("name", activation_names(piecewise_linear=True))
@pytest.mark.parametrize("h", [2.0**-5, 2.0**-9])
def test_piecewise_linear_second_difference_vanishes_exactly_off_the_kinks(name, h):
    act = get_activation(name)
    x, d2 = second_difference(act, h)
    nonzero = x[d2.abs() > 1e-12 * (1 + x.abs())].tolist()
    assert nonzero == seen_at(name, h)  # zero away from the kinks, and every kink is a real one
    assert list(act.kinks()) == sorted(act.kinks())


def test_kinks_follow_parameters():
    act = get_activation("hardtanh")
    x, d2 = second_difference(act, 2.0**-6, min_val=-2.0, max_val=0.5)
    assert x[d2.abs() > 1e-12].tolist() == list(act.kinks(min_val=-2.0, max_val=0.5)) == [-2.0, 0.5]


@pytest.mark.parametrize("name", activation_names(piecewise_linear=False))
def test_not_piecewise_linear_curves_almost_everywhere(name):
    x, d2 = second_difference(get_activation(name), 2.0**-5)
    inner = x.abs() <= 2  # elu, selu, celu are linear for x > 0 only: curved on a half line
    assert (d2[inner].abs() > 1e-9).double().mean() > 0.4


def slope_jumps(act: Activation, **params: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Changes between neighbouring finite-difference slopes on [-8, 8] (h = 2^-13), at the grid points:
    about h * |f''| for a C^1 function, about the jump of f' at a kink, about 1/h at a jump of f."""
    h, x = 2.0**-13, fine(2.0**-13)
    s = torch.diff(act(x, **params)) / h
    return x[1:-1], torch.diff(s).abs()


def slope_jump(act: Activation, **params: float) -> float:
    return slope_jumps(act, **params)[1].max().item()


@pytest.mark.parametrize("name", NAMES)
def test_smooth_flag_means_no_jump_in_the_derivative(name):
    act = get_activation(name)
    jump = slope_jump(act)
    assert (jump < 1e-2) if act.smooth else (jump > 0.1), jump


@pytest.mark.parametrize("name", NAMES)
def test_kinks_are_where_the_derivative_jumps(name):
    act = get_activation(name)
    x, jump = slope_jumps(act)
    assert x[jump > 0.05].tolist() == seen_at(name, 2.0**-13)


def test_elu_is_c1_only_at_alpha_one_and_celu_always():
    assert slope_jump(get_activation("elu"), alpha=0.5) > 0.4  # f' jumps from 0.5 to 1 at 0
    assert get_activation("elu").kinks(alpha=0.5) == (0.0,) and get_activation("elu").kinks() == ()
    assert slope_jump(get_activation("celu"), alpha=0.5) < 1e-2
    x = grid()
    torch.testing.assert_close(get_activation("elu")(x), get_activation("celu")(x))


@pytest.mark.parametrize("name", NAMES)
def test_range_contains_values_and_its_finite_ends_are_approached(name):
    act = get_activation(name)
    lo, hi = act.range
    far = torch.tensor([-1e9, -1e6, 1e6, 1e9], dtype=F64)  # unbounded and slow ends (softsign, leaky)
    y = act(torch.cat([fine(2.0**-10), torch.linspace(-100, 100, 2001, dtype=F64), far]))
    assert not y.isnan().any()
    assert lo <= y.min().item() and y.max().item() <= hi
    assert (y.min().item() - lo < 1e-6) if math.isfinite(lo) else y.min().item() < -50
    assert (hi - y.max().item() < 1e-6) if math.isfinite(hi) else y.max().item() > 50


@pytest.mark.parametrize("name", NAMES)
def test_monotone_flag(name):
    act = get_activation(name)
    dy = torch.diff(act(torch.cat([torch.tensor([-100.0], dtype=F64), fine(2.0**-7), torch.tensor([100.0])])))
    assert (dy.min().item() >= 0) if act.monotone else (dy.min().item() < -1e-3)


@pytest.mark.parametrize("name", NAMES)
def test_zero_centred_flag(name):
    act = get_activation(name)
    z = torch.linspace(-12, 12, 48001, dtype=F64)
    mean = (act(z) * torch.exp(-(z**2) / 2)).sum().item() * (z[1] - z[0]).item() / math.sqrt(2 * math.pi)
    at0 = act(torch.zeros((), dtype=F64)).item()
    if act.zero_centred:
        assert at0 == 0 and abs(mean) < 1e-6  # E[f(z)], z ~ N(0, 1), by quadrature
    else:
        assert at0 != 0 or abs(mean) > 0.1


@pytest.mark.parametrize("name", NAMES)
def test_linear_flag_additivity_and_homogeneity(name):
    act, g = get_activation(name), torch.Generator().manual_seed(2)
    a, b = (torch.randn(1000, generator=g, dtype=F64) * 3 for _ in range(2))
    c = torch.rand(1000, generator=g, dtype=F64) * 6 - 3
    add = (act(a + b) - act(a) - act(b)).abs().max().item()
    hom = (act(c * a) - c * act(a)).abs().max().item()
    if act.linear:
        assert add < 1e-12 and hom < 1e-12
    else:
        assert add > 1e-3 and hom > 1e-3


def test_gain_matches_torch_calculate_gain():
    compared = set()
    for name, act in ACTIVATIONS.items():  # aliases included: torch calls identity "linear"
        try:
            want = nn.init.calculate_gain(name)
        except ValueError:
            continue
        assert act.gain() == pytest.approx(want, rel=1e-12), name
        compared.add(name)
    assert compared >= {"linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu"}
    leaky = get_activation("leaky_relu")
    assert leaky.gain(negative_slope=0.2) == pytest.approx(nn.init.calculate_gain("leaky_relu", 0.2))
    assert get_activation("relu").gain(**{}) == get_activation("relu").gain()


# ---- bad input ---------------------------------------------------------------------------------------


def test_unknown_activation_name_lists_the_choices():
    with pytest.raises(ValueError, match="unknown activation 'relux'") as e:
        get_activation("relux")
    assert all(n in str(e.value) for n in NAMES)


def test_unknown_parameter_names_the_value_and_the_allowed_ones():
    x = torch.zeros(3)
    msg = r"'leaky_relu' has no parameter 'slope'; it takes \['negative_slope'\]"
    with pytest.raises(ValueError, match=msg):
        get_activation("leaky_relu")(x, slope=0.1)
    with pytest.raises(ValueError, match="'relu' has no parameter 'alpha'; it takes no parameters"):
        get_activation("relu").module(3, alpha=1.0)
    with pytest.raises(ValueError, match="'elu' has no parameter 'beta'; it takes \\['alpha'\\]"):
        get_activation("elu").grad(x, beta=1.0)
    with pytest.raises(ValueError, match="no parameter 'foo'"):
        get_activation("hardtanh").kinks(foo=1.0)


@pytest.mark.parametrize("name, param", [("leaky_relu", "negative_slope"), ("prelu", "init")])
@pytest.mark.parametrize("slope", [1.3e154, 1e308, -1e308, 0.01])
def test_the_leaky_gain_never_overflows(name, param, slope):
    # He et al.'s sqrt(2 / (1 + a^2)); squaring a overflowed from |a| ~ 1.3e154 (issue 23)
    gain = get_activation(name).gain(**{param: slope})
    assert math.isfinite(gain) and gain == pytest.approx(math.sqrt(2.0) / math.hypot(1.0, slope), rel=1e-12)
    if abs(slope) < 1e150:
        assert gain == pytest.approx(math.sqrt(2.0 / (1.0 + slope**2)), rel=1e-12)
