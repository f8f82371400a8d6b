"""The bridge between torch and the compiled kernels: network layouts, data arrays, one Trainer's engine.

A compiled run keeps its model a torch ``MLP``: before each call the weights are read from the
model's parameters (so edits from the playground page are seen) and written back after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from ...activations import get_activation
from ...config import RunConfig
from ..history import EpochStats
from ..step import divergence_message
from . import ACTIVATION_KERNELS, LOSS_KERNELS, PENALTIES, loops
from . import notice as _notice  # noqa: F401  (says so on a terminal when the kernels compile)

if TYPE_CHECKING:
    from torch import nn

    from ..loop import Trainer

SIGN, ARGMAX_PM1, ARGMAX, NO_ACCURACY = 0, 1, 2, 3  # kernels' decision modes
FUSED_SGD, SGD, MOMENTUM = 0, 1, 2  # kernels' optimizer paths
RUNNING, DIVERGED, TARGET = 0, 1, 2  # how a kernel call ended
WORK_PER_CALL = 3e7  # multiply-adds per kernel call (about 0.1 s): Ctrl-C and progress stay responsive


@dataclass(frozen=True)
class Layout:
    """A network as the kernels see it: widths, parameter offsets, activation and loss kernel ids."""

    widths: np.ndarray  # (L + 1,) int64
    woff: np.ndarray    # (L,) start of W_k in the flat parameters
    boff: np.ndarray    # (L,) start of b_k
    acts: np.ndarray    # (max(L - 1, 1),) activation kernel ids
    ap: np.ndarray      # (max(L - 1, 1), 2) their parameters
    loss: int
    mode: int

    @classmethod
    def of(cls, cfg: RunConfig, widths: tuple[int, ...], classification: bool, num_classes: int) -> Layout:
        woff, boff, at = [], [], 0
        for a, b in zip(widths[:-1], widths[1:], strict=True):
            woff.append(at)
            boff.append(at + a * b)
            at += a * b + b
        acts, ap = [0], [[0.0, 0.0]]  # a linear model still passes one (unused) row
        if cfg.hidden:
            acts, ap = [], []
            for name in cfg.layer_activations():
                spec = get_activation(name)
                kid, pnames = ACTIVATION_KERNELS[spec.name]
                p = spec.resolve(**{k: v for k, v in cfg.activation_params.items() if k in spec.params})
                acts.append(kid)
                ap.append([float(p[k]) for k in pnames] + [0.0] * (2 - len(pnames)))
        mode = (NO_ACCURACY if not classification else SIGN if cfg.loss != "cross_entropy"
                else ARGMAX_PM1 if num_classes == 2 else ARGMAX)
        return cls(np.array(widths, dtype=np.int64), np.array(woff, dtype=np.int64), np.array(boff, dtype=np.int64),
                   np.array(acts, dtype=np.int64), np.array(ap, dtype=np.float64),
                   LOSS_KERNELS[(cfg.loss, classification)], mode)

    @property
    def size(self) -> int:
        return int(self.boff[-1] + self.widths[-1])

    def views(self, flat: np.ndarray) -> list[np.ndarray]:
        """``[W_0, b_0, W_1, ...]`` as views of a flat parameter array."""
        out = []
        for k in range(len(self.woff)):
            a, b = int(self.widths[k]), int(self.widths[k + 1])
            out += [flat[self.woff[k]:self.boff[k]].reshape(b, a), flat[self.boff[k]:self.boff[k] + b]]
        return out


def model_views(model: nn.Module) -> list[np.ndarray]:
    """The model's parameters as numpy arrays sharing their memory: ``[W_0, b_0, W_1, ...]``."""
    return [t.detach().numpy() for lin in model.linears for t in (lin.weight, lin.bias)]


def split_arrays(x: torch.Tensor, t: torch.Tensor, y: torch.Tensor) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs ``(n, F)``, targets ``(n, cols)`` (class indices as floats) and labels ``(n,)``, float64."""
    n = x.shape[0]
    t2 = t.reshape(n, -1).to(torch.float64)
    return (np.ascontiguousarray(x.to(torch.float64).numpy()), np.ascontiguousarray(t2.numpy()),
            np.ascontiguousarray(y.reshape(n).to(torch.float64).numpy()))


def hyper_row(cfg: RunConfig) -> list[float]:
    return [cfg.lr, cfg.momentum, cfg.reg_rate, math.nan if cfg.target_loss is None else cfg.target_loss]


def modes_row(cfg: RunConfig) -> list[int]:
    fused = cfg.optimizer == "sgd" and cfg.regularization in ("none", "l2")
    opt = FUSED_SGD if fused else MOMENTUM if cfg.optimizer == "momentum" else SGD
    return [opt, PENALTIES[cfg.regularization], cfg.batch_size]


def stat_columns(stats: np.ndarray, classification: bool, n_test: int) -> tuple[list, list, list, list]:
    """A kernel's ``(epochs, 4)`` stats as History's columns: accuracies None for regression, and the test
    accuracy None when there are no test points (the kernel writes nan there)."""
    tl, vl, ta, va = stats.T.tolist()
    none = [None] * len(tl)
    return tl, vl, ta if classification else none, va if classification and n_test > 0 else none


def epoch_stats(epoch: int, row: np.ndarray, classification: bool, n_test: int) -> EpochStats:
    return EpochStats(epoch, *(c[0] for c in stat_columns(row[None], classification, n_test)))


class CompiledEngine:
    """One Trainer's compiled engine: :meth:`step_epoch` trains an epoch in one kernel call."""

    def __init__(self, trainer: Trainer) -> None:
        cfg, data = trainer.cfg, trainer.data
        self.layout = Layout.of(cfg, trainer.model.widths, trainer.classification, data.num_classes)
        self.train = split_arrays(trainer.x_train, trainer.t_train, data.y_train)
        self.test = split_arrays(trainer.x_test, trainer.t_test, data.y_test)
        self.hyper = np.array(hyper_row(cfg)[:3] + [math.nan])  # train() checks the target itself
        self.modes = np.array(modes_row(cfg), dtype=np.int64)
        self.P = np.empty(self.layout.size)
        self.V = np.zeros(self.layout.size)  # the momentum buffer
        self.D = np.zeros(self.layout.size, dtype=np.uint8)
        self.stats = np.empty((1, 4))
        self.order = np.arange(len(self.train[0]), dtype=np.int64)
        self.flat_views = self.layout.views(self.P)

    def _load(self, trainer: Trainer) -> None:
        """The model's weights (and L1's dead links) into the flat arrays: edits from the page count."""
        for dst, src in zip(self.flat_views, model_views(trainer.model), strict=True):
            dst[...] = src
        if self.modes[1] == PENALTIES["l1"]:
            for k, d in enumerate(trainer.dead):
                self.D[self.layout.woff[k]:self.layout.boff[k]] = d.numpy().reshape(-1)

    def _store(self, trainer: Trainer) -> None:
        with torch.no_grad():  # in place, so that autograd's version counters see the change
            for src, p in zip(self.flat_views, trainer.model.parameters(), strict=True):
                p.copy_(torch.from_numpy(src))
        if self.modes[1] == PENALTIES["l1"]:
            lay = self.layout
            for k, d in enumerate(trainer.dead):
                d.copy_(torch.from_numpy(self.D[lay.woff[k]:lay.boff[k]].reshape(d.shape) != 0))

    def _call(self, order: np.ndarray, hyper: np.ndarray, epochs: int, stats: np.ndarray) -> tuple[int, int]:
        lay = self.layout
        return loops.train_run(self.P, self.V, self.D, lay.woff, lay.boff, lay.widths, lay.acts, lay.ap,
                               *self.train, *self.test, order, lay.loss, lay.mode, hyper, self.modes, epochs, stats)

    def step_epoch(self, trainer: Trainer) -> EpochStats:
        self._load(trainer)
        order = self.order
        if trainer.cfg.shuffle:
            order = torch.randperm(len(order), generator=trainer.shuffler).numpy()
        self._call(order, self.hyper, 1, self.stats)
        self._store(trainer)
        return epoch_stats(trainer.epoch, self.stats[0], trainer.classification, len(self.test[0]))

    def run(self, trainer: Trainer) -> tuple[str, str]:
        """The rest of ``cfg.epochs`` in a few kernel calls (for ``train`` with no callbacks and no
        shuffling): the history grows as with :meth:`step_epoch`; returns ``train``'s (status, message)."""
        cfg = trainer.cfg
        hyper = np.array(hyper_row(cfg))  # with the target loss: the kernel stops where train() would
        chunk = max(1, min(cfg.epochs, int(WORK_PER_CALL // max(1, len(self.order) * self.layout.size * 3))))
        stats = np.empty((chunk, 4))
        self._load(trainer)
        left, status = cfg.epochs - trainer.epoch, RUNNING
        while left > 0 and status == RUNNING:
            done, status = self._call(self.order, hyper, min(chunk, left), stats)
            trainer.history.extend(trainer.epoch + 1, *stat_columns(stats[:done], trainer.classification,
                                                                    len(self.test[0])))
            trainer.epoch += done
            left -= done
        self._store(trainer)
        if status == DIVERGED:
            return "diverged", divergence_message(cfg, trainer.epoch, trainer.history.train_loss[-1])
        if status == TARGET:
            return "target_loss", f"train loss reached {cfg.target_loss} at epoch {trainer.epoch}"
        return "completed", ""
