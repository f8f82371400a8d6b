r"""The activation registry: every activation with what PyTorch computes and what it does not say.

Each :class:`Activation` holds the function (PyTorch's own where it exists), its parameters, the
LaTeX formula, its breakpoints (kinks) and its properties: linear, piecewise linear, smooth,
bounded range, monotone, zero-centred, and the init gain; and the PyTorch forms that compute it (its
``nn.Module`` class and its functional calls), by which the analyses recognise it in any model.
``ACTIVATIONS`` is the registry the CLI, the web page, the analyses and the tests are generated from:
a new activation is one :func:`register` call.

>>> x = torch.tensor([-1.0, 2.0, -3.0, 4.0])
>>> get_activation("relu")(x)
tensor([0., 2., 0., 4.])
>>> get_activation("leaky_relu")(x)
tensor([-0.0100,  2.0000, -0.0300,  4.0000])
>>> get_activation("elu")(x)
tensor([-0.6321,  2.0000, -0.9502,  4.0000])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .registry import Registry

INF = math.inf


@dataclass(frozen=True)
class Activation:
    r"""One elementwise activation ``f`` and its properties.

    ``fn(x, **params)`` is shape-preserving. ``params`` are the defaults of its scalar parameters.
    ``derivative(x, **params)``, when given, is the closed form of ``f'`` (checked against autograd in
    the tests; the fused trainer needs it); otherwise :meth:`grad` uses autograd. ``breakpoints`` and
    ``init_gain`` are constants or functions of the parameters: read them with :meth:`kinks` and
    :meth:`gain`, which take the parameter values.

    ``torch_module`` is the ``nn.Module`` class that computes it, built as ``torch_module(**params)``
    and read back through attributes of the same names (``nn.LeakyReLU(0.2).negative_slope``);
    ``torch_functions`` are its functional forms (``F.relu``, ``torch.relu``, ``Tensor.relu``, ...),
    whose arguments after the input are its parameters. A Python function of your own is seen
    when it dispatches as torch's do (``torch.overrides.wrap_torch_function``). ``torch_fixed`` are
    settings of the torch forms this entry assumes (GELU's ``approximate="none"``).

    The property flags describe ``f`` at its default parameters and are checked numerically in
    ``tests/test_activations.py``: ``linear`` (additive and homogeneous), ``piecewise_linear`` (finitely
    many linear or constant pieces, split at ``breakpoints``), ``smooth`` (:math:`C^1`: the derivative
    has no jump), ``range`` (the closed hull of the values), ``monotone`` (non-decreasing),
    ``zero_centred`` (:math:`f(0) = 0` and :math:`E[f(z)] = 0` for :math:`z \sim N(0, 1)`).
    At a kink :meth:`grad` follows PyTorch's autograd: 0 for relu, relu6, hardtanh, hardsigmoid, abs
    and step (whose jump is not a derivative); the left slope for leaky_relu and prelu.
    """

    name: str
    fn: Callable[..., Tensor]
    latex: str
    params: Mapping[str, float] = field(default_factory=dict)
    linear: bool = False
    piecewise_linear: bool = False
    breakpoints: tuple[float, ...] | Callable[..., tuple[float, ...]] = ()
    smooth: bool = False
    range: tuple[float, float] = (-INF, INF)
    monotone: bool = True
    zero_centred: bool = False
    init_gain: float | Callable[..., float] = 1.0
    learnable: bool = False  # parameters learned per unit (PReLU)
    derivative: Callable[..., Tensor] | None = None
    torch_module: type[nn.Module] | None = None
    torch_functions: tuple[Callable[..., Any], ...] = ()
    torch_fixed: Mapping[str, Any] = field(default_factory=dict)
    module_factory: Callable[..., nn.Module] | None = None  # (num_units, **params) -> nn.Module (PReLU)
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "torch_fixed", MappingProxyType(dict(self.torch_fixed)))

    def __deepcopy__(self, memo: dict) -> Activation:
        # An entry is an immutable value shared by every module that uses it (copy.deepcopy of a
        # model keeps pointing at it; its mapping proxies could not be copied anyway).
        return self

    def resolve(self, **params: float) -> dict[str, float]:
        """The parameter values: defaults overridden by ``params``; an unknown name is an error."""
        unknown = set(params) - set(self.params)
        if unknown:
            bad = ", ".join(map(repr, sorted(unknown)))
            raise ValueError(f"activation {self.name!r} has no parameter {bad}; "
                             f"it takes {sorted(self.params) or 'no parameters'}")
        return {**self.params, **params}

    def __call__(self, x: Tensor, **params: float) -> Tensor:
        return self.fn(x, **self.resolve(**params))

    def grad(self, x: Tensor, **params: float) -> Tensor:
        """``f'(x)`` elementwise (closed form when known, autograd otherwise)."""
        p = self.resolve(**params)
        if self.derivative is not None:
            g = self.derivative(x, **p)
            return g.to(x.dtype) if g.dtype == torch.bool else g  # masks are kept bool on the fused path
        xg = x.detach().requires_grad_(True)
        with torch.enable_grad():
            (g,) = torch.autograd.grad(self.fn(xg, **p).sum(), xg)
        return g

    def gain(self, **params: float) -> float:
        """The init gain (He / Xavier) for these parameter values; the defaults when none are given."""
        g = self.init_gain
        return float(g(**self.resolve(**params)) if callable(g) else g)

    def kinks(self, **params: float) -> tuple[float, ...]:
        """The breakpoints for these parameter values, in increasing order."""
        b = self.breakpoints
        return tuple(b(**self.resolve(**params)) if callable(b) else b)

    def module(self, num_units: int | None = None, **params: float) -> nn.Module:
        """A fresh ``nn.Module`` computing this activation (PyTorch's own class where there is one)."""
        p = self.resolve(**params)
        if self.module_factory is not None:
            return self.module_factory(num_units, **p)
        if self.torch_module is not None:
            return self.torch_module(**p)
        return Elementwise(self, p)


class Elementwise(nn.Module):
    """An ``nn.Module`` for a registry activation that PyTorch has no class for (step, abs, ...)."""

    def __init__(self, spec: Activation, params: Mapping[str, float]) -> None:
        super().__init__()
        self.spec, self.params = spec, dict(params)

    def forward(self, x: Tensor) -> Tensor:
        return self.spec.fn(x, **self.params)

    def extra_repr(self) -> str:
        return ", ".join([self.spec.name] + [f"{k}={v}" for k, v in self.params.items()])


ACTIVATIONS: Registry[Activation] = Registry("activation")


def register(act: Activation) -> Activation:
    return ACTIVATIONS.register(act.name, act)


def get_activation(name: str) -> Activation:
    """The registered activation ``name`` (a clear error lists the names otherwise)."""
    return ACTIVATIONS.get(name)


def _step(x: Tensor) -> Tensor:
    # Heaviside with H(0) = 0. The ``+ 0 * clamp(x)`` term keeps x in the autograd graph so the gradient
    # is an honest zero rather than "does not require grad"; the clamp keeps step(inf) = 1, not nan.
    return (x > 0).to(x.dtype) + 0 * x.clamp(-1.0, 1.0)


S2 = math.sqrt(2.0)
T = torch.Tensor


def _leaky_gain(slope: float) -> float:
    # He et al. (2015), the PReLU paper: Var-preserving gain sqrt(2 / (1 + a^2)); torch's calculate_gain.
    return S2 / math.hypot(1.0, slope)  # sqrt(2 / (1 + a^2)) without squaring a (1e308**2 overflows)


def _slope_where(x: Tensor, slope: float) -> Tensor:
    # full_like, not torch.where(x > 0, 1.0, slope): python scalars would round slope through float32.
    return torch.where(x > 0, torch.ones_like(x), torch.full_like(x, slope))


register(Activation(
    "identity", lambda x: x, r"x", linear=True, piecewise_linear=True, smooth=True, zero_centred=True,
    derivative=lambda x: torch.ones_like(x), torch_module=nn.Identity,
    description="no activation at all: a stack of such layers is one affine map"))
ACTIVATIONS.alias("linear", "identity")  # the playground's name for it
register(Activation(
    "step", _step, r"\mathbb{1}[x > 0]", piecewise_linear=True, breakpoints=(0.0,), range=(0.0, 1.0),
    derivative=lambda x: torch.zeros_like(x), description="Heaviside step, the perceptron's activation"))
register(Activation(
    "sigmoid", torch.sigmoid, r"\frac{1}{1 + e^{-x}}", smooth=True, range=(0.0, 1.0),
    derivative=lambda x: torch.sigmoid(x) * (1 - torch.sigmoid(x)), torch_module=nn.Sigmoid,
    torch_functions=(torch.sigmoid, torch.sigmoid_, T.sigmoid, T.sigmoid_)))
register(Activation(
    "tanh", torch.tanh, r"\tanh x", smooth=True, range=(-1.0, 1.0), zero_centred=True, init_gain=5 / 3,
    derivative=lambda x: 1 - torch.tanh(x) ** 2, torch_module=nn.Tanh,
    torch_functions=(torch.tanh, torch.tanh_, T.tanh, T.tanh_)))
register(Activation(
    "relu", torch.relu, r"\max(0, x)", piecewise_linear=True, breakpoints=(0.0,), range=(0.0, INF), init_gain=S2,
    derivative=lambda x: x > 0, torch_module=nn.ReLU,  # the derivative is a bool mask: multiplies as 0/1
    torch_functions=(F.relu, torch.relu, torch.relu_, T.relu, T.relu_)))
register(Activation(
    "leaky_relu", lambda x, negative_slope: F.leaky_relu(x, negative_slope),
    r"\max(0, x) + a\,\min(0, x)", params={"negative_slope": 0.01}, piecewise_linear=True,
    breakpoints=(0.0,), init_gain=lambda negative_slope: _leaky_gain(negative_slope), torch_module=nn.LeakyReLU,
    torch_functions=(F.leaky_relu,),
    derivative=lambda x, negative_slope: _slope_where(x, negative_slope)))
register(Activation(
    "prelu", lambda x, init: F.prelu(x, torch.tensor([init], dtype=x.dtype, device=x.device)),
    r"\max(0, x) + a_i\,\min(0, x),\ a_i \text{ learned}", params={"init": 0.25}, piecewise_linear=True,
    breakpoints=(0.0,), init_gain=lambda init: _leaky_gain(init), learnable=True, torch_module=nn.PReLU,
    torch_functions=(F.prelu,),
    module_factory=lambda units, init: nn.PReLU(num_parameters=units or 1, init=init),
    derivative=lambda x, init: _slope_where(x, init),
    description="leaky ReLU whose slope is learned, one per unit"))
register(Activation(
    "elu", lambda x, alpha: F.elu(x, alpha), r"x \text{ if } x > 0 \text{ else } \alpha (e^x - 1)",
    params={"alpha": 1.0}, smooth=True, range=(-1.0, INF), torch_module=nn.ELU, torch_functions=(F.elu,),
    breakpoints=lambda alpha: () if alpha == 1 else (0.0,),  # f' jumps from alpha to 1 at 0
    description="C^1 only for alpha = 1 (the default), where it equals CELU; CELU is C^1 for every alpha",
    derivative=lambda x, alpha: torch.where(x > 0, torch.ones_like(x), alpha * torch.exp(x.clamp(max=0)))))
register(Activation(
    "selu", torch.selu, r"\lambda (x \text{ if } x > 0 \text{ else } \alpha (e^x - 1))",
    breakpoints=(0.0,), range=(-1.7580993408473766, INF), zero_centred=True, init_gain=0.75,
    torch_module=nn.SELU, torch_functions=(F.selu, torch.selu),
    description="lambda, alpha fixed so that N(0, 1) inputs give outputs of mean 0, variance 1"))
register(Activation(
    "celu", lambda x, alpha: F.celu(x, alpha), r"\max(0, x) + \min(0, \alpha (e^{x/\alpha} - 1))",
    params={"alpha": 1.0}, smooth=True, range=(-1.0, INF), torch_module=nn.CELU, torch_functions=(F.celu,)))
register(Activation(
    "gelu", F.gelu, r"x \Phi(x)", smooth=True, range=(-0.1699712075, INF), monotone=False,
    torch_module=nn.GELU, torch_functions=(F.gelu,), torch_fixed={"approximate": "none"}))
register(Activation(
    "silu", F.silu, r"x \sigma(x)", smooth=True, range=(-0.2784645428, INF), monotone=False,
    torch_module=nn.SiLU, torch_functions=(F.silu,)))
register(Activation(
    "mish", F.mish, r"x \tanh(\ln(1 + e^x))", smooth=True, range=(-0.3088434131, INF), monotone=False,
    torch_module=nn.Mish, torch_functions=(F.mish,)))
register(Activation(
    "softplus", lambda x, beta: F.softplus(x, beta), r"\frac{1}{\beta} \ln(1 + e^{\beta x})",
    params={"beta": 1.0}, smooth=True, range=(0.0, INF), torch_module=nn.Softplus, torch_functions=(F.softplus,),
    derivative=lambda x, beta: torch.sigmoid(beta * x)))
register(Activation(
    "softsign", F.softsign, r"\frac{x}{1 + |x|}", smooth=True, range=(-1.0, 1.0), zero_centred=True,
    torch_module=nn.Softsign, torch_functions=(F.softsign,), derivative=lambda x: 1 / (1 + x.abs()) ** 2))
register(Activation(
    "relu6", F.relu6, r"\min(\max(0, x), 6)", piecewise_linear=True, breakpoints=(0.0, 6.0), range=(0.0, 6.0),
    init_gain=S2, torch_module=nn.ReLU6, torch_functions=(F.relu6,),
    derivative=lambda x: ((x > 0) & (x < 6)).to(x.dtype)))
register(Activation(
    "hardtanh", lambda x, min_val, max_val: F.hardtanh(x, min_val, max_val), r"\max(-1, \min(1, x))",
    params={"min_val": -1.0, "max_val": 1.0}, piecewise_linear=True,
    breakpoints=lambda min_val, max_val: (min_val, max_val),
    range=(-1.0, 1.0), zero_centred=True, init_gain=5 / 3, torch_module=nn.Hardtanh, torch_functions=(F.hardtanh,),
    derivative=lambda x, min_val, max_val: ((x > min_val) & (x < max_val)).to(x.dtype)))
register(Activation(
    "hardsigmoid", F.hardsigmoid, r"\max(0, \min(1, x/6 + 1/2))", piecewise_linear=True,
    breakpoints=(-3.0, 3.0), range=(0.0, 1.0), torch_module=nn.Hardsigmoid, torch_functions=(F.hardsigmoid,),
    derivative=lambda x: ((x > -3) & (x < 3)).to(x.dtype) / 6))
register(Activation(
    "abs", torch.abs, r"|x|", piecewise_linear=True, breakpoints=(0.0,), range=(0.0, INF), monotone=False,
    derivative=lambda x: torch.sign(x)))


def activation_names(*, piecewise_linear: bool | None = None) -> list[str]:
    """Registered names (``linear`` is an alias of ``identity`` and is listed once)."""
    return [n for n, a in ACTIVATIONS.items()
            if n == a.name and (piecewise_linear is None or a.piecewise_linear == piecewise_linear)]
