r"""Real data for the claims: a deep MLP and a small CNN on the 8x8 handwritten digits, trained with PyTorch.

The toy claims run on 2-D points and nets of a few hundred units; these builders measure the same things
where the teaching material means them, on real images:

* :func:`build_mlp` -- an MLP of ``depth`` hidden layers (4..8) of ``width`` units on the 64 pixels;
* :func:`build_cnn` -- two 3x3 conv layers (8 and 16 channels, each followed by the activation and a
  2x2 max-pool) and a linear read-out, on the 8x8 image;
* :func:`train_digits` -- minibatch SGD with cross-entropy, recording after every epoch what the claims
  read: each weight layer's gradient norm on the whole training set (C6), the exact-zero fraction of every
  activation site on the test images (C8), every unit's state -- dead (``f' = 0`` on every training
  image), near-dead (``|f'| <= NEAR_DEAD`` on every image, or a pre-activation that is constant over the
  data) -- per layer (C9), and train/test accuracy and loss (C11).

A unit of a conv layer is a channel (all its positions). Inits: PyTorch's default, Xavier and He (the
last two with the activation's gain, as :mod:`relulab.models.init`), the generator seeded from the weight
seed; the data split comes from the data seed (:func:`relulab.data.build_dataset`). float32, one thread.

>>> run = train_digits(DigitsRun("mlp", "relu", depth=4, width=16, epochs=1, n=200))
>>> len(run.grad_norms), len(run.grad_norms[0]), len(run.layers)
(2, 5, 4)
>>> 0.0 <= run.test_acc[-1] <= 1.0
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..activations import get_activation
from ..analysis.inspect import inspect
from ..analysis.threads import torch_threads
from ..data import build_dataset
from ..models import INITS
from ..registry import Registry

NEAR_DEAD = 0.01  # |f'(x)| at most this on every input (C9's eps, Leaky ReLU's slope): (almost) no gradient
CONSTANT = 1e-6  # pre-activation standard deviation below this: the unit's output is constant on the data
SIDE = 8
Arch = Literal["mlp", "cnn"]


def _init_layer(layer: nn.Module, init: str, gain: float, g: torch.Generator) -> None:
    """``init`` on a linear or conv layer (a conv kernel is a ``(out, in * k * k)`` weight to the inits)."""
    w = layer.weight.data.view(layer.weight.shape[0], -1)
    w64, b64 = w.double(), layer.bias.data.double()
    INITS.get(init)(w64, b64, gain, g)
    w.copy_(w64)
    layer.bias.data.copy_(b64)


def _act(name: str, units: int) -> nn.Module:
    return get_activation(name).module(units)


def build_mlp(activation: str, depth: int = 6, width: int = 64, init: str = "torch", seed: int = 0) -> nn.Sequential:
    """64 pixels -> ``depth`` hidden layers of ``width`` -> 10 classes."""
    if not 1 <= depth <= 16 or width < 1:
        raise ValueError(f"an MLP on the digits takes 1..16 hidden layers of >= 1 units, got depth={depth}, "
                         f"width={width}")
    g, gain, layers, prev = torch.Generator().manual_seed(seed), get_activation(activation).gain(), [], SIDE * SIDE
    for _ in range(depth):
        lin = nn.Linear(prev, width)
        _init_layer(lin, init, gain, g)
        layers += [lin, _act(activation, width)]
        prev = width
    out = nn.Linear(prev, 10)
    _init_layer(out, init, 1.0, g)
    return nn.Sequential(*layers, out)


def build_cnn(activation: str, channels: tuple[int, int] = (8, 16), init: str = "torch",
              seed: int = 0) -> nn.Sequential:
    """1x8x8 -> conv 3x3 (``channels[0]``), act, max-pool 2 -> conv 3x3 (``channels[1]``), act, max-pool 2
    -> linear 10."""
    g, gain = torch.Generator().manual_seed(seed), get_activation(activation).gain()
    c1, c2 = channels
    conv1, conv2, out = nn.Conv2d(1, c1, 3, padding=1), nn.Conv2d(c1, c2, 3, padding=1), nn.Linear(c2 * 4, 10)
    for layer, gn in ((conv1, gain), (conv2, gain), (out, 1.0)):
        _init_layer(layer, init, gn, g)
    return nn.Sequential(nn.Unflatten(1, (1, SIDE, SIDE)), conv1, _act(activation, c1), nn.MaxPool2d(2),
                         conv2, _act(activation, c2), nn.MaxPool2d(2), nn.Flatten(), out)


ARCHS: Registry = Registry("architecture")
ARCHS.register("mlp", lambda r: build_mlp(r.activation, r.depth, r.width, r.init, r.weight_seed))
ARCHS.register("cnn", lambda r: build_cnn(r.activation, init=r.init, seed=r.weight_seed))


@dataclass(frozen=True)
class DigitsRun:
    """One training run on the digits (everything that decides its numbers)."""

    arch: Arch
    activation: str
    depth: int = 6  # hidden layers of the MLP (the CNN has its two conv layers)
    width: int = 64
    init: str = "torch"
    lr: float = 0.05
    epochs: int = 10
    batch_size: int = 32
    weight_seed: int = 0
    data_seed: str = "0"
    n: int | None = None  # images (None: all 1,797)
    train_ratio: float = 0.7
    units: bool = True  # record the units' states and exact zeros (C8, C9); off: gradients and accuracy only


@dataclass
class LayerUnits:
    """One activation site's units over training: ``dead[e]`` / ``near[e]`` are bool ``(units,)`` after epoch e."""

    name: str
    dead: list[Tensor] = field(default_factory=list)
    near: list[Tensor] = field(default_factory=list)
    zeros: list[float] = field(default_factory=list)  # exact-zero fraction of the outputs on the test images

    def ever(self, which: str = "dead", start: int = 1) -> Tensor:
        """Units in that state at some epoch from ``start`` (1: after the first epoch of training)."""
        states = getattr(self, which)[start:]
        return torch.stack(states).any(0) if states else torch.zeros(0, dtype=torch.bool)

    def revived(self, which: str = "dead", start: int = 1) -> Tensor:
        """Units in that state at some epoch from ``start`` and out of it at a later epoch (they came back)."""
        s = getattr(self, which)[start:]
        later_alive = torch.zeros_like(s[-1]) if s else torch.zeros(0, dtype=torch.bool)
        back = torch.zeros_like(later_alive)
        for state in reversed(s):
            back |= state & later_alive
            later_alive |= ~state
        return back


@dataclass
class DigitsResult:
    run: DigitsRun
    grad_norms: list[list[float]]  # [epoch][weight layer]: ||dL/dW|| on the training set, epoch 0 = init
    layers: list[LayerUnits]
    train_loss: list[float]
    test_loss: list[float]
    train_acc: list[float]
    test_acc: list[float]
    diverged: bool = False

    def first_last(self, epoch: int) -> float:
        """First weight layer's gradient norm over the last one's after ``epoch`` epochs."""
        g = self.grad_norms[min(epoch, len(self.grad_norms) - 1)]
        return g[0] / g[-1] if g[-1] > 0 else float("nan")

    def fraction(self, which: str, epoch: int = -1) -> float:
        """Share of all units in state ``which`` ("dead" or "near") after ``epoch``."""
        states = torch.cat([getattr(layer, which)[epoch] for layer in self.layers])
        return float(states.float().mean())

    def zeros(self, epoch: int = -1) -> list[float]:
        return [layer.zeros[epoch] for layer in self.layers]


def _weights(model: nn.Module) -> list[Tensor]:
    return [m.weight for m in model.modules() if isinstance(m, nn.Linear | nn.Conv2d)]


def _evaluate(model: nn.Module, x: Tensor, y: Tensor) -> tuple[float, float]:
    with torch.no_grad():
        out = model(x)
    return float(F.cross_entropy(out, y)), float((out.argmax(1) == y).float().mean())


def _record_units(res: DigitsResult, model: nn.Module, xtr: Tensor, xte: Tensor) -> None:
    report = inspect(model, xtr, saturation_threshold=NEAR_DEAD * 1.001)  # inspect counts |f'| < threshold
    test = inspect(model, xte)
    if not res.layers:
        res.layers = [LayerUnits(s.name) for s in report.sites]
    for layer, s, t in zip(res.layers, report.sites, test.sites, strict=True):
        dead = s.active == 0
        layer.dead.append(dead)
        layer.near.append(dead | (s.saturation >= 1.0) | (s.pre_std < CONSTANT))
        layer.zeros.append(float(t.sparsity.mean()))


def _record(res: DigitsResult, model: nn.Module, xtr: Tensor, ytr: Tensor, xte: Tensor, yte: Tensor) -> None:
    loss = F.cross_entropy(model(xtr), ytr)
    res.grad_norms.append([float(torch.linalg.vector_norm(g)) for g in torch.autograd.grad(loss, _weights(model))])
    if res.run.units:
        _record_units(res, model, xtr, xte)
    for part, (xs, ys) in (("train", (xtr, ytr)), ("test", (xte, yte))):
        lo, acc = _evaluate(model, xs, ys)
        getattr(res, f"{part}_loss").append(lo)
        getattr(res, f"{part}_acc").append(acc)


def train_digits(run: DigitsRun) -> DigitsResult:
    """Train ``run`` and record, at init and after every epoch, what the module docstring lists."""
    data = build_dataset("digits", n=run.n, seed=run.data_seed, train_ratio=run.train_ratio)
    xtr, xte = data.x_train.float(), data.x_test.float()
    ytr, yte = data.y_train, data.y_test
    with torch_threads(1):
        model = ARCHS.get(run.arch)(run)
        res = DigitsResult(run, [], [], [], [], [], [])
        opt = torch.optim.SGD(model.parameters(), lr=run.lr)
        order = torch.Generator().manual_seed(run.weight_seed + 1)
        _record(res, model, xtr, ytr, xte, yte)
        for _ in range(run.epochs):
            perm = torch.randperm(len(xtr), generator=order)
            for i in range(0, len(xtr), run.batch_size):
                idx = perm[i:i + run.batch_size]
                opt.zero_grad()
                F.cross_entropy(model(xtr[idx]), ytr[idx]).backward()
                opt.step()
            if not all(math.isfinite(float(p.detach().abs().max())) for p in model.parameters()):
                res.diverged = True
                break
            _record(res, model, xtr, ytr, xte, yte)
    return res


# The real-data runs the claims share (C8, C9, C11 read the same runs; one process trains each once).
ARCH_LRS = {"mlp": (0.1, 0.5), "cnn": (0.1, 1.0)}  # (usual, high): at the high rate relu units die
SIZE = {True: {"seeds": 1, "epochs": 5, "n": None}, False: {"seeds": 3, "epochs": 10, "n": None}}
_CACHE: dict[DigitsRun, DigitsResult] = {}


def standard_run(arch: Arch, activation: str, lr: float, seed: int, quick: bool) -> DigitsRun:
    """The claims' run: MLP of 6 x 64 or the CNN, He init, batch 64, the quick or full size."""
    size = SIZE[quick]
    return DigitsRun(arch, activation, depth=6, width=64, init="he", lr=lr, epochs=size["epochs"], batch_size=64,
                     weight_seed=seed, data_seed=str(seed), n=size["n"])


def digits_grid(activations: Sequence[str], quick: bool, seed: int = 0,
                progress: Callable[[float], None] | None = None,
                rates: Sequence[str] = ("usual", "high")) -> dict[tuple[str, str, str, int], DigitsResult]:
    """``{(arch, activation, "usual" | "high", seed): result}`` over both architectures, the ``rates`` and
    the seeds of the size; runs already trained in this process are reused."""
    seeds = range(seed, seed + SIZE[quick]["seeds"])
    keys = [(arch, a, rate, s) for arch in ARCH_LRS for a in activations for rate in rates for s in seeds]
    out = {}
    for k, (arch, a, rate, s) in enumerate(keys):
        run = standard_run(arch, a, ARCH_LRS[arch][rate == "high"], s, quick)
        if run not in _CACHE:
            _CACHE[run] = train_digits(run)
        out[arch, a, rate, s] = _CACHE[run]
        if progress is not None:
            progress((k + 1) / len(keys))
    return out
