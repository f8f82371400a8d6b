r"""``collapse(model)``: without a nonlinearity, a stack of linear layers is ONE affine map (claim C1).

For layers :math:`x_k = W_k x_{k-1} + b_k` (:math:`k = 1..L`), induction on :math:`k` gives

.. math::  x_L = W' x_0 + b', \quad W' = W_L W_{L-1} \cdots W_1, \quad
           b' = \sum_{k=1}^{L} W_L \cdots W_{k+1}\, b_k

(the empty product for :math:`k = L` is :math:`I`); e.g. :math:`W_3(W_2(W_1x+b_1)+b_2)+b_3 =
W_3W_2W_1 x + W_3W_2 b_1 + W_3 b_2 + b_3`. It is computed left to right as
:math:`(W, b) \leftarrow (W_k W,\ W_k b + b_k)`. ``nn.Identity``, ``nn.Flatten``, dropout in eval mode
and the registry's identity activation fold as :math:`I`. The proof is numerical too: the largest
``|f(x) - (W'x + b')|`` over random inputs, and the rank of :math:`W'` (at most the narrowest width).
Which layers are affine comes from :mod:`relulab.analysis.layers` (batch norm in eval mode and any
registered linear activation fold too).

Any other network is probed: every leaf module and every functional activation (``F.relu`` in
``forward``, see :mod:`relulab.analysis.sites`) is tested, in the order the forward pass reaches it,
for additivity on its own inputs, :math:`\|g(a+b) - g(a) - g(b) + g(0)\|` (zero for an affine ``g``).
The first one that fails is named. A network that passes everywhere (convolutions, average
pooling, batch norm in eval) is still affine: :math:`b' = f(0)`, column ``i`` of :math:`W'` is
:math:`f(e_i) - f(0)`.

>>> net = nn.Sequential(nn.Linear(3, 4), nn.Identity(), nn.Linear(4, 2)).double()
>>> r = collapse(net, generator=torch.Generator().manual_seed(0))
>>> r.linear, r.method, r.rank, r.max_abs_diff < 1e-12
(True, 'product', 2, True)
>>> r = collapse(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)))
>>> r.linear, r.breaking_layer, r.breaking_type
(False, '1', 'ReLU')
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any, Literal

import torch
from torch import nn

from .collapse_probe import additivity, first_nonlinear, probe_affine
from .layers import IDENTITY, model_layers

MAX_EXPORTED = 10_000  # to_dict() lists W' and b' when W' has at most this many entries


@dataclass(frozen=True)
class CollapseResult:
    linear: bool  # the network is one affine map (to rounding)
    method: Literal["product", "probe"] | None  # how W' was found; None when not linear
    layer: nn.Linear | None  # W' x + b' on flattened inputs
    rank: int | None  # rank of W'
    max_abs_diff: float | None  # max |f(x) - layer(x)| on random inputs
    folded: tuple[str, ...]  # the layers multiplied together (method "product")
    violation: float  # additivity violation of the whole network: mean ||f(a+b) - f(a) - f(b) + f(0)||
    relative_violation: float  # ... divided by the mean of ||f(a+b)|| + ||f(a)|| + ||f(b)|| + ||f(0)||
    breaking_layer: str | None = None  # module path or call site of the first non-affine layer
    breaking_type: str | None = None  # its class ("ReLU") or activation ("relu")
    layer_violation: float | None = None  # that layer's own additivity violation, on its inputs
    layer_relative_violation: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in vars(self).items() if k != "layer"}
        d["folded"] = list(self.folded)
        w = self.layer.weight.detach() if self.layer is not None else None
        small = w is not None and w.numel() <= MAX_EXPORTED
        d["in_features"] = None if w is None else w.shape[1]
        d["out_features"] = None if w is None else w.shape[0]
        d["weight"] = w.tolist() if small else None
        d["bias"] = self.layer.bias.detach().tolist() if small else None
        return d

    def __str__(self) -> str:
        if self.linear:
            assert self.layer is not None
            return (f"linear: the network is one affine map W'x + b' with W' of shape "
                    f"{tuple(self.layer.weight.shape)} and rank {self.rank} (found by {self.method}); "
                    f"max |f(x) - (W'x + b')| = {self.max_abs_diff:.3g} on random inputs")
        where = (f"layer {self.breaking_layer!r} ({self.breaking_type}) breaks linearity first: "
                 f"||g(a+b) - g(a) - g(b) + g(0)|| = {self.layer_violation:.3g} on its inputs "
                 f"({self.layer_relative_violation:.1%} relative)") if self.breaking_layer is not None else \
            "no single layer or activation call breaks linearity; a nonlinear operation inside forward does"
        return (f"not linear: {where}; whole network: violation {self.violation:.3g} "
                f"({self.relative_violation:.1%} relative)")


def _input_shape(model: nn.Module, input_shape: tuple[int, ...] | None) -> tuple[int, ...]:
    if input_shape is not None:
        return tuple(int(s) for s in input_shape)
    first = next((m for m in model.modules() if isinstance(m, nn.Linear)), None)
    if first is None:
        raise ValueError(f"cannot tell the input shape of {type(model).__name__} (it has no nn.Linear); "
                         "pass input_shape=(...) without the batch dimension, e.g. (1, 28, 28)")
    return (first.in_features,)


def collapse(
    model: nn.Module,
    *,
    input_shape: tuple[int, ...] | None = None,
    generator: torch.Generator | None = None,
    samples: int = 256,
    tol: float | None = None,
) -> CollapseResult:
    """Fold ``model`` into one ``nn.Linear`` if it is affine, else name the layer that is not.

    ``input_shape`` (no batch axis) defaults to ``(in_features,)`` of the first ``nn.Linear``.
    Random inputs are standard normal from ``generator`` (default: a fresh one seeded with 0).
    ``tol`` is the relative additivity violation above which a layer counts as nonlinear
    (default ``1e4 * eps`` of the model's dtype). The model itself is not modified.
    """
    if samples < 2:
        raise ValueError(f"samples must be >= 2, got {samples}")
    shape = _input_shape(model, input_shape)
    g = generator if generator is not None else torch.Generator().manual_seed(0)
    dtype = next((p.dtype for p in model.parameters() if p.is_floating_point()), torch.get_default_dtype())
    tol = 1e4 * torch.finfo(dtype).eps if tol is None else tol
    model = copy.deepcopy(model)  # probing runs layers (batch norm statistics, ...) on a copy
    a, b, x = (torch.randn(samples, *shape, generator=g, dtype=dtype) for _ in range(3))
    with torch.no_grad(), torch.random.fork_rng(devices=[]):  # dropout draws from the global stream
        violation, relative = additivity(model, a, b)
        layers = model_layers(model) if isinstance(model, nn.Sequential) else []
        folds = [layer.affine for layer in layers]
        if layers and all(f is not None for f in folds) and any(f != IDENTITY for f in folds):
            W, bias = None, None
            for f in folds:
                if f != IDENTITY:
                    Wk, bk = (t.to(dtype) for t in f)  # batch norm's map comes in float64
                    W, bias = (Wk, bk) if W is None else (Wk @ W, Wk @ bias + bk)  # (out_k, in), (out_k,)
            method, folded = "product", tuple(lay.path for lay, f in zip(layers, folds, strict=True) if f != IDENTITY)
        else:
            found = first_nonlinear(model, a, b, tol)
            if found is not None or relative > tol:
                name, kind, lv, lrel = found if found is not None else (None, None, None, None)
                return CollapseResult(False, None, None, None, None, (), violation, relative, name, kind, lv, lrel)
            W, bias = probe_affine(model, shape, dtype)
            method, folded = "probe", ()
        layer = nn.Linear(W.shape[1], W.shape[0], dtype=dtype)
        layer.weight.copy_(W)
        layer.bias.copy_(bias)
        diff = float((model(x).reshape(samples, -1) - layer(x.reshape(samples, -1))).abs().max())
    rank = int(torch.linalg.matrix_rank(W.detach()))
    return CollapseResult(True, method, layer, rank, diff if math.isfinite(diff) else math.inf, folded,
                          violation, relative)
