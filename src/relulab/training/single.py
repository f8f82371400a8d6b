"""One run on torch (closed-form gradients of :class:`~.fused.FusedNet`, or autograd; each batch one
:class:`~.step.Update`): epochs in, stats rows and a status code out, as :class:`~.compiled.engine.CompiledRun`."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import Tensor

from ..data import Dataset
from ..objectives import Loss
from .fused import FusedNet
from .history import DIVERGED, TARGET
from .step import AutogradNet, Rule, Update, metrics_from_logits


def evaluate_row(logits: Callable[[Tensor], Tensor], loss: Loss, enc: Sequence[Tensor], data: Dataset) -> list[float]:
    """Train loss, test loss, train acc, test acc (nan where there is none) of ``logits(x)``."""
    classification, out = data.problem == "classification", []
    for x, t, y in ((enc[0], enc[1], data.y_train), (enc[2], enc[3], data.y_test)):
        if len(x) == 0:
            out.append((math.nan, math.nan))
            continue
        with torch.no_grad():
            value, acc = metrics_from_logits(loss, logits(x), t, y, classification, data.num_classes)
        out.append((float(value), math.nan if acc is None else float(acc)))
    return [out[0][0], out[1][0], out[0][1], out[1][1]]


class TorchRun:
    """One run on torch, one epoch per call of :meth:`train`: each batch one :class:`~.step.Update` of the
    ``net``'s parameters, each epoch evaluated on its logits.

    It takes no config and no module, only what it trains: the fused engine passes a :class:`~.fused.FusedNet`
    (weight and bias tensors, closed-form gradients). Autograd cannot do without a differentiable callable,
    so that engine passes an :class:`~.step.AutogradNet`: the module's forward with its parameters (which
    include what activations learn, PReLU's slopes)."""

    chunk = 1  # epochs per call

    def __init__(self, net: FusedNet | AutogradNet, rule: Rule, enc: Sequence[Tensor], data: Dataset,
                 shuffler: torch.Generator | None) -> None:
        self.net, self.rule, self.enc, self.data, self.shuffler = net, rule, enc, data, shuffler
        self.update, self.logits = Update(net, rule, data.problem == "classification"), net.logits

    def train(self, epochs: int, stop_at_target: bool) -> tuple[np.ndarray, int]:
        """Up to ``epochs`` epochs: their stats rows and the status code."""
        rows, x, t, batch = [], self.enc[0], self.enc[1], self.rule.batch_size
        target = self.rule.target if stop_at_target else -math.inf
        for _ in range(epochs):
            if self.shuffler is not None:
                perm = torch.randperm(len(self.enc[0]), generator=self.shuffler)
                x, t = self.enc[0][perm], self.enc[1][perm]
            for start in range(0, len(x), batch):
                self.update(x[start:start + batch], t[start:start + batch])
            rows.append(evaluate_row(self.logits, self.rule.loss, self.enc, self.data))
            if not math.isfinite(rows[-1][0]):
                return np.array(rows), DIVERGED
            if rows[-1][0] <= target:
                return np.array(rows), TARGET
        return np.array(rows), 0
