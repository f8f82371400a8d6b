r"""One reading of a PyTorch model for every analysis: affine steps, elementwise activations, the rest.

The activation registry drives it: a module is an activation when its class (or a base class) is
some entry's ``torch_module`` (or relulab's :class:`~relulab.activations.Elementwise`), a call is
one when its function is among some entry's ``torch_functions``. So a new activation, registered
once with its module class and functional form, is found by :func:`relulab.inspect` (through
:mod:`relulab.analysis.sites`), by :func:`relulab.regions` and by :func:`relulab.collapse` with no
other edit. The few activations PyTorch has and the registry lacks (``nn.Hardswish``,
``nn.LogSigmoid``) are listed in ``TORCH_ONLY``: analyses see them, with autograd derivatives.

>>> net = nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(0.2), nn.Dropout(0.5), nn.Linear(3, 1)).eval()
>>> [(l.path, l.kind, l.activation.name if l.activation else None) for l in model_layers(net)]
[('0', 'affine', None), ('1', 'activation', 'leaky_relu'), ('2', 'affine', None), ('3', 'affine', None)]
>>> module_activation(net[1]).params
{'negative_slope': 0.2}
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..activations import ACTIVATIONS, Activation, Elementwise

Fn = Callable[[Tensor], Tensor]
IDENTITY = "identity"
Affine = tuple[Tensor, Tensor] | Literal["identity"]  # (W (out, in), b (out,)) or the identity map
# PyTorch activations that the registry has no entry for: module class -> its pure function
TORCH_ONLY: dict[type[nn.Module], Fn] = {nn.Hardswish: F.hardswish, nn.LogSigmoid: F.logsigmoid}


def _relu_derivative(x: Tensor) -> Tensor:
    # Same values as the registry's (x > 0).to(dtype), NaN and -0.0 included (tested), but with
    # float ops only, which are several times faster on CPU than a comparison plus a cast.
    return torch.sign(x).clamp_(min=0)


FAST_DERIVATIVES: dict[str, Fn] = {"relu": _relu_derivative}


def autograd_derivative(fn: Fn) -> Fn:
    def derivative(x: Tensor) -> Tensor:
        xg = x.detach().requires_grad_(True)
        with torch.enable_grad():
            (g,) = torch.autograd.grad(fn(xg).sum(), xg)
        return g
    return derivative


@dataclass(frozen=True)
class ActivationUse:
    """An elementwise activation as one module or one call applies it, with its parameters bound."""

    name: str  # the registry's name; torch's own ("hardswish", "gelu_tanh") for a form it lacks
    spec: Activation | None  # the registry entry, None for a form it lacks
    params: Mapping[str, float]
    fn: Fn  # pure (never in place)
    derivative: Fn  # f'(x) elementwise

    @property
    def piecewise_linear(self) -> bool:
        return self.spec is not None and self.spec.piecewise_linear

    @property
    def linear(self) -> bool:
        return self.spec is not None and self.spec.linear

    def kinks(self) -> tuple[float, ...]:
        return self.spec.kinks(**self.params) if self.spec is not None else ()


_USES: dict[tuple, ActivationUse] = {}  # (registry version, entry's id, params) -> its use (immutable, shared)


def _use(spec: Activation, params: Mapping[str, Any]) -> ActivationUse:
    key = (ACTIVATIONS.version, id(spec), *((k, float(v)) for k, v in params.items()))
    use = _USES.get(key)
    if use is None or use.spec is not spec:
        p = spec.resolve(**{k: float(v) for k, v in params.items()})
        fast = FAST_DERIVATIVES.get(spec.name) if ACTIVATIONS.get(spec.name) is spec else None
        use = ActivationUse(spec.name, spec, p, lambda x: spec.fn(x, **p), fast or (lambda x: spec.grad(x, **p)))
        if len(_USES) > 1024:
            _USES.clear()
        _USES[key] = use
    return use


def _own(name: str, spec: Activation | None, fn: Fn) -> ActivationUse:
    return ActivationUse(name, spec, {}, fn, autograd_derivative(fn))


def _entries() -> list[Activation]:
    return [a for n, a in ACTIVATIONS.items() if n == a.name]


_BY_CLASS: dict[str, Any] = {"version": -1, "table": {}}


def _by_class() -> dict[type[nn.Module], Activation]:
    """Module class -> registry entry, rebuilt only when the registry changed (it is read per module)."""
    if _BY_CLASS["version"] != ACTIVATIONS.version:
        _BY_CLASS["table"] = {a.torch_module: a for a in _entries() if a.torch_module is not None}
        _BY_CLASS["version"] = ACTIVATIONS.version
    return _BY_CLASS["table"]


def module_activation(m: nn.Module) -> ActivationUse | None:
    """The activation module ``m`` applies, or ``None`` when ``m`` is no activation module."""
    if isinstance(m, Elementwise):
        return _use(m.spec, m.params)
    by_class = _by_class()
    for cls in type(m).__mro__:  # nn.ReLU6 (a Hardtanh subclass) has its own entry, found first
        if cls in by_class:
            spec = by_class[cls]
            pure = (lambda x: m.forward(x.clone())) if getattr(m, "inplace", False) else m.forward
            off = {k: getattr(m, k) for k, v in spec.torch_fixed.items() if getattr(m, k, v) != v}
            if off:  # e.g. nn.GELU(approximate="tanh"): not the registry's function
                return _own("_".join([spec.name, *map(str, off.values())]), None, pure)
            if spec.learnable:  # the learned values live in the module (nn.PReLU's weight)
                return _own(spec.name, spec, pure)
            return _use(spec, {k: getattr(m, k) for k in spec.params if hasattr(m, k)})
        if cls in TORCH_ONLY:
            return _own(TORCH_ONLY[cls].__name__, None, TORCH_ONLY[cls])
    return None


def function_table() -> dict[Callable[..., Any], Activation | None]:
    """Every functional form of an activation -> its registry entry (None: one the registry lacks)."""
    table: dict[Callable[..., Any], Activation | None] = {f: None for f in TORCH_ONLY.values()}
    for spec in _entries():
        table.update(dict.fromkeys(spec.torch_functions, spec))
    return table


def function_label(func: Callable[..., Any]) -> str:
    """How a site names the call: ``F.relu``, ``torch.tanh``, ``Tensor.sigmoid`` or the function's name."""
    name = getattr(func, "__name__", type(func).__name__)
    for prefix, space in (("F", F), ("torch", torch), ("Tensor", torch.Tensor)):
        if getattr(space, name, None) is func:
            return f"{prefix}.{name}"
    return getattr(func, "__qualname__", name)


def call_activation(func: Callable[..., Any], spec: Activation | None, args: tuple, kwargs: dict) -> ActivationUse:
    """The activation a call ``func(input, *args, **kwargs)`` applies (``spec`` from :func:`function_table`)."""
    rest = {k: v for k, v in kwargs.items() if k not in ("inplace", "out")}

    def own(t: Tensor) -> Tensor:
        return func(t, *args[1:], **rest)

    if spec is None:
        return _own(getattr(func, "__name__", "?"), None, own)
    try:
        names = list(inspect.signature(func).parameters)[1:]
    except (TypeError, ValueError):  # builtins: the parameters in the registry's order
        names = [*spec.params, *spec.torch_fixed]
    given = {**dict(zip(names, args[1:], strict=False)), **kwargs}
    off = {k: given[k] for k, v in spec.torch_fixed.items() if k in given and given[k] != v}
    if off:
        return _own("_".join([spec.name, *map(str, off.values())]), None, own)
    if spec.learnable:
        return _own(spec.name, spec, own)
    return _use(spec, {k: v for k, v in given.items() if k in spec.params})


@dataclass(frozen=True)
class Layer:
    """One leaf of a (nested) ``nn.Sequential``, read once for every analysis."""

    path: str  # "3" or "4.0" in a nested Sequential
    module: nn.Module
    kind: Literal["affine", "activation", "other"]
    affine: Affine | None = None  # the map, when the layer is a fixed affine one (a linear activation too)
    activation: ActivationUse | None = None
    why: str = field(default="", compare=False)  # for "other": why it is no fixed map


def _batchnorm(m: nn.BatchNorm1d) -> tuple[Affine | None, str]:
    if m.training or m.running_mean is None:
        return None, ("nn.BatchNorm1d must be in eval mode with running statistics (call model.eval()) to be "
                      "a fixed affine map; got it in training mode")
    f64 = {"dtype": torch.float64}
    scale = m.weight.detach().to(**f64) if m.affine else torch.ones(m.num_features, **f64)
    shift = m.bias.detach().to(**f64) if m.affine else torch.zeros(m.num_features, **f64)
    s = scale / torch.sqrt(m.running_var.to(**f64) + m.eps)
    return (torch.diag(s), shift - s * m.running_mean.to(**f64)), ""


def read_layer(path: str, m: nn.Module) -> Layer:
    """Classify one module: ``nn.Linear``, batch norm and dropout in eval mode, ``nn.Flatten`` and linear
    activations are affine; registry (and ``TORCH_ONLY``) activations are activations; the rest is other."""
    if isinstance(m, nn.Linear):
        b = m.bias if m.bias is not None else m.weight.new_zeros(m.out_features)
        return Layer(path, m, "affine", (m.weight, b))
    if isinstance(m, nn.BatchNorm1d):
        aff, why = _batchnorm(m)
        return Layer(path, m, "affine" if aff is not None else "other", aff, why=why)
    if isinstance(m, nn.Flatten):
        return Layer(path, m, "affine", IDENTITY)  # an affine map of the flattened input
    if isinstance(m, nn.modules.dropout._DropoutNd):
        if m.training and m.p > 0:
            return Layer(path, m, "other", why=f"nn.{type(m).__name__}(p={m.p}) is in training mode: not a fixed "
                                               "function; call model.eval()")
        return Layer(path, m, "affine", IDENTITY)
    use = module_activation(m)
    if use is not None:
        return Layer(path, m, "activation", IDENTITY if use.linear else None, use)
    return Layer(path, m, "other", why=f"{type(m).__name__} is neither affine nor an elementwise activation")


def model_layers(model: nn.Module, prefix: str = "") -> list[Layer]:
    """The leaves of a (nested) ``nn.Sequential`` in order, each read by :func:`read_layer`; any other
    model is one layer."""
    if not isinstance(model, nn.Sequential):
        return [read_layer(prefix.rstrip(".") or type(model).__name__, model)]
    out: list[Layer] = []
    for name, m in model.named_children():
        out += model_layers(m, f"{prefix}{name}.") if isinstance(m, nn.Sequential) else [read_layer(prefix + name, m)]
    return out
