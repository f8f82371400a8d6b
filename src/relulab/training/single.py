"""One run on torch (closed-form gradients of :class:`~.fused.FusedNet`, or autograd; each batch one
:class:`~.step.Update`): epochs in, stats rows and a status code out, as :class:`~.compiled.engine.CompiledRun`."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import Tensor, nn

from ..activations import get_activation
from ..config import RunConfig
from ..data import Dataset
from ..objectives import LOSSES, OPTIMIZERS, REGULARIZERS, Loss
from .fused import FusedNet
from .history import DIVERGED, TARGET
from .step import Update, autograd_gradients, metrics_from_logits


def fused_view(model: nn.Module) -> FusedNet:
    """An MLP's parameters as a :class:`FusedNet` (views: the fused step trains the model itself)."""
    acts = [get_activation(n) for n in model.activation_names]
    params = [{k: v for k, v in model.activation_params.items() if k in a.params} for a in acts]
    lin = model.linears
    return FusedNet([m.weight.detach() for m in lin], [m.bias.detach() for m in lin],
                    list(zip(acts, [a.resolve(**p) for a, p in zip(acts, params, strict=True)], strict=True)))


def evaluate_row(logits: FusedNet | nn.Module, loss: Loss, enc: Sequence[Tensor], data: Dataset) -> list[float]:
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
    """One run on torch (``fused``: closed-form gradients; else autograd), one epoch per call of :meth:`train`."""

    chunk = 1  # epochs per call

    def __init__(self, cfg: RunConfig, model: nn.Module, data: Dataset, enc: Sequence[Tensor],
                 shuffler: torch.Generator | None, *, fused: bool) -> None:
        self.cfg, self.model, self.data, self.enc, self.shuffler = cfg, model, data, enc, shuffler
        self.loss, classification = LOSSES.get(cfg.loss), data.problem == "classification"
        self.net = fused_view(model) if fused else None
        if self.net is not None:
            params, weights, net, loss = self.net.params, list(self.net.weights), self.net, self.loss
            grads = lambda x, t, mean: net.gradients(x, t, loss, classification, mean=mean)  # noqa: E731
        else:
            params = [p for p in model.parameters() if p.requires_grad]
            weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
            grads = autograd_gradients(model, params, self.loss, classification)
        self.weights = weights
        self.update = Update(params, weights, grads, optimizer=OPTIMIZERS.get(cfg.optimizer),
                             reg=REGULARIZERS.get(cfg.regularization), lr=cfg.lr, reg_rate=cfg.reg_rate,
                             momentum=cfg.momentum)

    def logits(self, x: Tensor) -> Tensor:
        with torch.no_grad():
            return self.net.forward(x)[0] if self.net is not None else self.model(x)

    def train(self, epochs: int, stop_at_target: bool) -> tuple[np.ndarray, int]:
        """Up to ``epochs`` epochs: their stats rows and the status code."""
        rows, x, t = [], self.enc[0], self.enc[1]
        target = self.cfg.target_loss if stop_at_target and self.cfg.target_loss is not None else -math.inf
        for _ in range(epochs):
            if self.shuffler is not None:
                perm = torch.randperm(len(self.enc[0]), generator=self.shuffler)
                x, t = self.enc[0][perm], self.enc[1][perm]
            for start in range(0, len(x), self.cfg.batch_size):
                self.update(x[start:start + self.cfg.batch_size], t[start:start + self.cfg.batch_size])
            rows.append(evaluate_row(self.logits, self.loss, self.enc, self.data))
            if not math.isfinite(rows[-1][0]):
                return np.array(rows), DIVERGED
            if rows[-1][0] <= target:
                return np.array(rows), TARGET
        return np.array(rows), 0
