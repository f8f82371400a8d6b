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

import math
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


def layer_grad_norms(model: nn.Module, x: torch.Tensor, t: torch.Tensor) -> list[float]:
    """``||dL/dW_k||`` for every ``nn.Linear`` layer ``k`` of ``model``, first to last (MSE on ``t``)."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    with torch.enable_grad():
        loss = F.mse_loss(model(x), t.to(x.dtype))
        grads = torch.autograd.grad(loss, [m.weight for m in linears])
    return [float(torch.linalg.vector_norm(g)) for g in grads]


@dataclass
class TrainingFlow:
    """``norms[a][i][s][e]``: every layer's gradient norm (first to last) after ``e`` epochs of full-batch SGD
    (``e = 0``: at initialisation) for activation ``a``, init ``i``, the ``s``-th seed; NaN once a run diverged."""

    depth: int
    width: int
    epochs: int
    lr: float
    seeds: list[int]
    norms: dict[str, dict[str, list[list[list[float]]]]]

    def ratios(self, activation: str, init: str) -> list[list[float]]:
        """First/last ratio per seed, per epoch."""
        return [[e[0] / e[-1] if e[-1] > 0 else float("nan") for e in run] for run in self.norms[activation][init]]

    def median_layers(self, activation: str, init: str, epoch: int) -> list[float]:
        """Each layer's norm after ``epoch`` epochs, median over seeds."""
        runs = torch.tensor([run[epoch] for run in self.norms[activation][init]], dtype=torch.float64)
        return runs.median(dim=0).values.tolist()


def training_flow(activations: Sequence[str], inits: Sequence[str], seeds: Sequence[int], *, depth: int = 50,
                  width: int = 32, n: int = 128, epochs: int = 10, lr: float = 0.01,
                  progress: Callable[[float], None] | None = None) -> TrainingFlow:
    r"""Per-layer gradient norms over the first ``epochs`` epochs of training an MLP of ``depth`` linear layers
    by full-batch SGD on ``n`` inputs :math:`x \sim N(0, I)` with the smooth target :math:`\sin(2 x \cdot v)`,
    :math:`v \sim N(0, I/\mathrm{width})` (so a trainable net has something to learn)."""
    if depth < 2 or epochs < 1 or not seeds:
        raise ValueError(f"need depth >= 2, epochs >= 1 and a seed, got depth={depth}, epochs={epochs}, seeds={seeds}")
    out: dict[str, dict[str, list[list[list[float]]]]] = {a: {i: [] for i in inits} for a in activations}
    total, done = len(activations) * len(inits) * len(seeds), 0
    with torch_threads(1):
        for s in seeds:
            g = torch.Generator().manual_seed(20_000 + s)
            x = torch.randn(n, width, generator=g, dtype=torch.float64)
            t = torch.sin(2 * x @ (torch.randn(width, 1, generator=g, dtype=torch.float64) / width**0.5))
            for a in activations:
                for i in inits:
                    net = MLP(width, (width,) * (depth - 1), 1, a, init=i, generator=torch.Generator().manual_seed(s))
                    out[a][i].append(_train_norms(net, x, t, epochs, lr))
                    done += 1
                    if progress is not None:
                        progress(done / total)
    return TrainingFlow(depth, width, epochs, lr, list(seeds), out)


def _train_norms(net: nn.Module, x: torch.Tensor, t: torch.Tensor, epochs: int, lr: float) -> list[list[float]]:
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    rows = []
    for _ in range(epochs + 1):
        rows.append(layer_grad_norms(net, x, t))
        if len(rows) > epochs or not all(map(math.isfinite, rows[-1])):
            break
        opt.zero_grad()
        F.mse_loss(net(x), t).backward()
        opt.step()
    nan = [float("nan")] * len(rows[0])
    return rows + [nan] * (epochs + 1 - len(rows))
