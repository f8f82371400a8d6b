r"""Gradient flow vs depth (claim C6): how much of the loss's gradient reaches the first layer.

For an MLP of ``depth`` linear layers (``depth - 1`` hidden layers of ``width`` units, one output) at
initialisation, on ``n`` inputs :math:`x \sim N(0, I)` with targets :math:`t \sim N(0, 1)` and MSE, the
ratio

.. math:: \rho = \lVert \partial L / \partial W_1 \rVert_F \,/\, \lVert \partial L / \partial W_{depth} \rVert_F

is measured with autograd for every activation, initialisation (PyTorch's
default, Xavier, He -- the last two with the activation's own gain) and seed. Backpropagation multiplies
by :math:`f'` once per layer, and :math:`\sigma' \le 1/4` (:func:`max_derivative`), so with sigmoid
:math:`\rho` falls geometrically with depth unless the weights grow to compensate.

>>> r = gradient_flow(["sigmoid", "relu"], ["he"], [2, 10], [0], width=8, n=16)
>>> r.median("sigmoid", "he")[1] < r.median("relu", "he")[1]
True
>>> round(max_derivative("sigmoid"), 6)
0.25
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..activations import get_activation
from ..models import INITS, MLP
from .threads import torch_threads

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu")
INIT_NAMES = ("torch", "xavier", "he")
DEPTHS = (2, 5, 10, 20, 30, 40, 50)


def first_last_ratio(model: nn.Module, x: torch.Tensor, t: torch.Tensor) -> float:
    """``||dL/dW_first|| / ||dL/dW_last||`` over the ``nn.Linear`` layers of ``model`` (MSE on ``t``)."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if len(linears) < 2:
        raise ValueError(f"need at least two nn.Linear layers to compare, got {len(linears)}")
    with torch.enable_grad():
        loss = F.mse_loss(model(x), t.reshape(-1, linears[-1].out_features).to(x.dtype))
        g1, gl = torch.autograd.grad(loss, [linears[0].weight, linears[-1].weight])
    first, last = float(torch.linalg.vector_norm(g1)), float(torch.linalg.vector_norm(gl))
    return first / last if last > 0 else float("inf") if first > 0 else float("nan")


@dataclass
class GradientFlow:
    """``ratios[a][i][d]``: the ratio per seed for activation ``a``, init ``i``, depth ``d``."""

    activations: list[str]
    inits: list[str]
    depths: list[int]
    seeds: list[int]
    width: int
    ratios: dict[str, dict[str, dict[int, list[float]]]]

    def median(self, activation: str, init: str) -> list[float]:
        """Median over seeds, one value per depth."""
        return [float(torch.tensor(self.ratios[activation][init][d]).median()) for d in self.depths]

    def at(self, activation: str, init: str, depth: int) -> float:
        return self.median(activation, init)[self.depths.index(depth)]

    def to_dict(self) -> dict:
        return {"width": self.width, "depths": self.depths, "seeds": self.seeds,
                "median": {a: {i: self.median(a, i) for i in self.inits} for a in self.activations}}


def gradient_flow(
    activations: Sequence[str] = ACTIVATIONS,
    inits: Sequence[str] = INIT_NAMES,
    depths: Sequence[int] = DEPTHS,
    seeds: Sequence[int] = (0, 1, 2),
    *,
    width: int = 32,
    n: int = 128,
    progress: Callable[[float], None] | None = None,
) -> GradientFlow:
    """Measure the first/last gradient ratio of fresh MLPs; see the module docstring."""
    for a in activations:
        get_activation(a)
    for i in inits:
        INITS.get(i)
    if not depths or any(isinstance(d, bool) or not isinstance(d, int) or d < 2 for d in depths):
        raise ValueError(f"depths must be integers >= 2 (linear layers), got {list(depths)}")
    if width < 1 or n < 1 or not seeds:
        raise ValueError(f"need width >= 1, n >= 1 and at least one seed, got width={width}, n={n}, seeds={seeds}")
    out: dict[str, dict[str, dict[int, list[float]]]] = {a: {i: {} for i in inits} for a in activations}
    total, done = len(activations) * len(inits) * len(seeds), 0
    with torch_threads(1):  # narrow nets: one thread is fastest
        for s in seeds:
            g = torch.Generator().manual_seed(10_000 + s)
            x = torch.randn(n, width, generator=g, dtype=torch.float64)
            t = torch.randn(n, 1, generator=g, dtype=torch.float64)
            for a in activations:
                for i in inits:
                    for d in depths:
                        net = MLP(width, (width,) * (d - 1), 1, a, init=i, generator=torch.Generator().manual_seed(s))
                        out[a][i].setdefault(d, []).append(first_last_ratio(net, x, t))
                    done += 1
                    if progress is not None:
                        progress(done / total)
    return GradientFlow(list(activations), list(inits), list(depths), list(seeds), width, out)


def max_derivative(activation: str, interval: tuple[float, float] = (-20.0, 20.0), points: int = 40_001) -> float:
    """The largest :math:`|f'(x)|` on a grid of the interval (sigmoid: 1/4 at 0; tanh: 1)."""
    x = torch.linspace(interval[0], interval[1], points, dtype=torch.float64)
    return float(get_activation(activation).grad(x).abs().max())
