r"""Read a network as a chain of affine maps and elementwise piecewise-linear activations.

A unit with breakpoints :math:`\beta_1 < \dots < \beta_m` computes, on piece :math:`p` (the inputs
:math:`z` with exactly :math:`p` breakpoints below), :math:`f(z) = \alpha_p z + \gamma_p`. So a layer is
``Piecewise(breakpoints (n, m), slopes (n, m+1), intercepts (n, m+1))``; consecutive affine modules
(``nn.Linear``, ``nn.BatchNorm1d`` in eval mode, ``nn.Flatten``, ``nn.Dropout`` in eval mode) fold into
one ``Affine(W (out, in), b (out,))``. Everything is float64 numpy.

>>> from torch import nn
>>> steps = network_steps(nn.Sequential(nn.Linear(2, 3), nn.ReLU6(), nn.Linear(3, 1)), 2)
>>> [type(s).__name__ for s in steps]
['Affine', 'Piecewise', 'Affine']
>>> steps[1].breakpoints[0].tolist(), steps[1].slopes[0].tolist(), steps[1].intercepts[0].tolist()
([0.0, 6.0], [0.0, 1.0, 0.0], [0.0, 0.0, 6.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ...activations import ACTIVATIONS, Elementwise
from ..layers import IDENTITY, ActivationUse, model_layers


def allowed_activations() -> list[str]:
    """What :func:`network_steps` accepts, for error messages: the registry's piecewise-linear entries."""
    entries = [a for n, a in ACTIVATIONS.items() if n == a.name and a.piecewise_linear]
    mods = [a.torch_module for a in sorted(entries, key=lambda a: a.linear) if a.torch_module is not None]
    return ([f"nn.{m.__name__}" if getattr(nn, m.__name__, None) is m else m.__name__ for m in mods]
            + [f"relulab {a.name!r}" for a in entries])


@dataclass(frozen=True)
class Affine:
    W: np.ndarray  # (out, in)
    b: np.ndarray  # (out,)


@dataclass(frozen=True)
class Piecewise:
    name: str
    breakpoints: np.ndarray  # (n, m), sorted along axis 1
    slopes: np.ndarray  # (n, m + 1)
    intercepts: np.ndarray  # (n, m + 1)

    @property
    def width(self) -> int:
        return self.slopes.shape[0]


def _np(t: torch.Tensor) -> np.ndarray:
    if t.device.type == "cpu":  # the common case, without a torch conversion
        return np.asarray(t.detach().numpy(), dtype=np.float64)  # float64: a view, only ever read
    return t.detach().to("cpu", torch.float64).numpy().copy()


_TABLES: dict[tuple, tuple[object, np.ndarray, np.ndarray, np.ndarray]] = {}  # (name, params) -> entry, pieces


def _probe(use: ActivationUse, module: nn.Module, n: int) -> Piecewise:
    """Slopes and intercepts of the activation on each piece, per unit, read off two points inside the
    piece (exact for the usual activations: integer probes, and the pieces' own ends). The same for
    every unit unless the activation learns per-unit values (PReLU): then probed per unit, else once
    per activation and parameters (cached: on small nets the probe would be most of the time)."""
    if use.spec is not None and not use.spec.learnable:
        key = (use.name, tuple(sorted(use.params.items())))
        if key not in _TABLES or _TABLES[key][0] is not use.spec:  # new, or the registry entry was replaced
            one = _probe_units(use, module, 1)
            _TABLES[key] = (use.spec, one.breakpoints[0], one.slopes[0], one.intercepts[0])
        _, bp, sl, ic = _TABLES[key]
        return Piecewise(use.name, bp[None].repeat(n, 0), sl[None].repeat(n, 0), ic[None].repeat(n, 0))
    return _probe_units(use, module, n)


def _probe_units(use: ActivationUse, module: nn.Module, n: int) -> Piecewise:
    bp = np.array(sorted(use.kinks()), dtype=np.float64)
    edges = np.concatenate([[-np.inf], bp, [np.inf]])
    t0, t1 = [], []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        if np.isinf(lo) and np.isinf(hi):
            a, c = -1.0, 1.0
        elif np.isinf(lo):
            a, c = hi - 2.0, hi - 1.0
        elif np.isinf(hi):
            a, c = lo + 1.0, lo + 2.0
        else:
            a, c = lo + (hi - lo) / 4, lo + 3 * (hi - lo) / 4
        t0.append(a)
        t1.append(c)
    t0a, t1a = np.array(t0), np.array(t1)
    dtype = next((p.dtype for p in module.parameters()), torch.float64)  # nn.PReLU's learned slopes
    x = torch.from_numpy(np.concatenate([t0a, t1a]))[:, None].expand(-1, n).to(dtype)  # (2P, n)
    with torch.no_grad():
        y = _np(use.fn(x))  # (2P, n)
    p = len(t0a)
    f0, f1 = y[:p].T, y[p:].T  # (n, P)
    slopes = (f1 - f0) / (t1a - t0a)
    icpt = f0 - slopes * t0a
    return Piecewise(use.name, np.tile(bp, (n, 1)), np.ascontiguousarray(slopes), np.ascontiguousarray(icpt))


def network_steps(model: nn.Module, in_features: int) -> list[Affine | Piecewise]:
    """The chain of ``Affine`` and ``Piecewise`` steps of ``model`` fed with ``in_features`` inputs.

    Consecutive affine modules are folded into one. Smooth activations are refused with the list of
    the allowed ones.
    """
    steps: list[Affine | Piecewise] = []
    width = in_features
    for i, layer in enumerate(model_layers(model)):
        m = layer.module
        step: Affine | Piecewise
        if isinstance(m, nn.Linear) and m.in_features != width:
            raise ValueError(f"layer {i} (nn.Linear) takes {m.in_features} inputs but receives {width}")
        if isinstance(m, nn.BatchNorm1d) and m.num_features != width:
            raise ValueError(f"layer {i} (nn.BatchNorm1d) has {m.num_features} features but receives {width}")
        use = layer.activation
        if use is not None:
            if not use.piecewise_linear:
                name = use.name if isinstance(m, Elementwise) else type(m).__name__
                raise ValueError(f"exact regions need piecewise-linear activations, got {name!r} (layer {i}); "
                                 f"allowed: {', '.join(allowed_activations())}")
            step = _probe(use, m, width)
        elif layer.affine == IDENTITY:
            continue
        elif layer.affine is not None:
            W, b = layer.affine
            step = Affine(_np(W), _np(b))
            width = W.shape[0]
        elif isinstance(m, nn.BatchNorm1d | nn.modules.dropout._DropoutNd):  # in training mode
            raise ValueError(f"layer {i}: {layer.why}")
        else:
            raise ValueError(f"exact regions need piecewise-linear activations, got {type(m).__name__!r} "
                             f"(layer {i}); allowed: {', '.join(allowed_activations())}")
        if isinstance(step, Affine) and steps and isinstance(steps[-1], Affine):
            prev = steps.pop()
            step = Affine(step.W @ prev.W, step.W @ prev.b + step.b)
        steps.append(step)
    return steps
