r"""The torch side's one update step (:class:`Update`), its one reading of configs (:class:`Rule`) and one
evaluation, shared by the single torch run (:mod:`.single`) and the torch stack (:mod:`.stack`). Per-model
hyper-parameters: ``lr``, ``reg_rate`` and ``momentum`` are floats for one model, or ``(E,)`` tensors for a
stack whose parameters are ``(E, ...)``, broadcast over each parameter's remaining axes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import torch
from torch import Tensor

from ..config import RunConfig
from ..data import Dataset
from ..objectives import LOSSES, OPTIMIZERS, REGULARIZERS, Loss, Regularizer, apply_penalty
from ..objectives.optimizers import Optimizer, OptimizerState, Scalar, add_scaled

GradFn = Callable[[Tensor, Tensor, bool], Sequence[Tensor]]  # (x, t, mean) -> one gradient per parameter


def encode(data: Dataset, loss: Loss, dtype: torch.dtype) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """What an engine feeds the network: train inputs and targets, test inputs and targets."""
    def cast(y: Tensor) -> Tensor:
        return y.to(dtype) if y.is_floating_point() else y

    k = data.num_classes
    return (data.train_inputs.to(dtype), loss.targets(cast(data.y_train), k),
            data.test_inputs.to(dtype), loss.targets(cast(data.y_test), k))


class Rule(NamedTuple):
    """How the torch engines train one run or a stack: loss, optimizer, penalty, batch size, target loss
    (``-inf``: none) and the per-model ``lr``, ``momentum``, ``reg_rate`` (floats where every model has
    the same value, the lone run's arithmetic; else ``(E,)`` tensors)."""

    loss: Loss
    optimizer: Optimizer
    reg: Regularizer
    batch_size: int
    target: float
    lr: Scalar
    momentum: Scalar
    reg_rate: Scalar

    @classmethod
    def of(cls, cfgs: Sequence[RunConfig], dtype: torch.dtype) -> Rule:
        """THE torch side's config -> arrays (configs of one stack key: they differ only per model)."""
        def per_model(values: list[float]) -> Scalar:
            return float(values[0]) if len(set(values)) == 1 else torch.tensor(values, dtype=dtype)

        c = cfgs[0]
        return cls(LOSSES.get(c.loss), OPTIMIZERS.get(c.optimizer), REGULARIZERS.get(c.regularization),
                   c.batch_size, -math.inf if c.target_loss is None else c.target_loss,
                   *(per_model([getattr(x, f) for x in cfgs]) for f in ("lr", "momentum", "reg_rate")))


def _per(value: Scalar, p: Tensor, model_axis: int) -> Scalar:
    """A float as it is; a per-model ``(E,)`` tensor viewed to broadcast against ``p``, whose models lie
    along ``model_axis`` (0: ``(E, ...)``; -1: ``(..., E)``)."""
    if isinstance(value, Tensor):
        return value.view(-1, *[1] * (p.dim() - 1)) if model_axis == 0 else value
    return float(value)


class Update:
    r"""One optimizer step per call on a net's ``params`` (its ``weights``, the penalised ones, are among them)
    by its ``gradients`` (:class:`~.fused.FusedNet`, a stack, :class:`AutogradNet`): the torch side's one
    update step (the compiled side's is :func:`relulab.training.compiled.lanes.update`).

    - fused (plain SGD, no penalty or L2): ``w ← w + (−lr/n)·Σ_batch g − (lr·rate)·w_old``, biases
      without the penalty (TensorFlow Playground's ``updateWeights``);
    - otherwise: the optimizer's step on the mean gradient (SGD ``p ← p − lr·g``; momentum ``v ← μ·v + g``,
      ``p ← p − lr·v``; Adam), then ``w ← w − (lr·rate)·R'(w_old)``; L1 sets a weight that crosses zero
      to 0 and keeps it there (``dead``).
    """

    def __init__(self, net: Any, rule: Rule, classification: bool, *, model_axis: int = 0, points_axis: int = -2
                 ) -> None:
        self.params, self.weights = list(net.params), list(net.weights)
        self.gradients: GradFn = lambda x, t, mean: net.gradients(x, t, rule.loss, classification, mean=mean)
        self.reg, self.lr = rule.reg, rule.lr
        lrs, momenta = ([_per(v, p, model_axis) for p in self.params] for v in (rule.lr, rule.momentum))
        self.optimizer = OptimizerState(rule.optimizer, self.params, lrs, momenta)
        rate = rule.lr * rule.reg_rate
        self.penalty_steps = [_per(rate, w, model_axis) for w in self.weights]
        self.dead = [torch.zeros_like(w, dtype=torch.bool) for w in self.weights]  # L1's frozen links
        self.fused = rule.optimizer.plain_gradient and not rule.reg.clip_at_zero
        self._lr_over_n: dict[int, list[Scalar]] = {}
        self.points_axis = points_axis  # of the inputs x: their batch size

    def _scaled_lrs(self, n: int) -> list[Scalar]:
        if n not in self._lr_over_n:
            self._lr_over_n[n] = [r / n for r in self.optimizer.lrs]
        return self._lr_over_n[n]

    def _penalty(self) -> list[Tensor] | None:
        if self.reg.der is None:
            return None
        ders = [self.reg.der(w) for w in self.weights]
        if all(isinstance(s, float) for s in self.penalty_steps) and len(set(self.penalty_steps)) == 1:
            s = self.penalty_steps[0]
            return None if s == 0 else torch._foreach_mul(ders, s)
        return [d * s for d, s in zip(ders, self.penalty_steps, strict=True)]

    @torch.no_grad()
    def __call__(self, x: Tensor, t: Tensor) -> None:
        """One step on the batch ``x`` ``(…, n, in)`` with targets ``t``."""
        if self.fused:  # the hot path of small playground nets: three fused calls after the gradients
            grads = self.gradients(x, t, False)
            penalty = self._penalty()  # from the weights before the step
            add_scaled(self.params, grads, self._scaled_lrs(x.shape[self.points_axis]))
            if penalty is not None:
                torch._foreach_sub_(self.weights, penalty)
            return
        before = [w.clone() for w in self.weights] if self.reg.der is not None else None
        self.optimizer.step(self.gradients(x, t, True))
        if before is not None:
            apply_penalty(self.reg, self.weights, before, self.dead, self.penalty_steps)
            if self.reg.clip_at_zero:
                for w, d in zip(self.weights, self.dead, strict=True):
                    w.masked_fill_(d, 0.0)


class Autograd:
    """Logits, and gradients by autograd, of ``self.forward`` over ``self.params`` (in their order): each
    model's loss, mean (or sum) over its points, summed over a stack's models (no parameter is shared)."""

    forward: Callable[[Tensor], Tensor]
    params: list[Tensor]

    def logits(self, x: Tensor) -> Tensor:
        with torch.no_grad():
            return self.forward(x)

    def gradients(self, x: Tensor, t: Tensor, loss: Loss, classification: bool, *, mean: bool = True) -> list[Tensor]:
        with torch.enable_grad():
            v = loss.value(self.forward(x), t, classification)  # (…, n)
            g = torch.autograd.grad((v.mean(-1) if mean else v.sum(-1)).sum(), self.params, allow_unused=True)
        return [torch.zeros_like(p) if gi is None else gi for p, gi in zip(self.params, g, strict=True)]


@dataclass(frozen=True)
class AutogradNet(Autograd):
    """Any differentiable ``forward`` with its ``params`` (``weights``: the penalised ones) as the torch
    engines read a net (as :class:`~.fused.FusedNet`)."""

    forward: Callable[[Tensor], Tensor]
    params: list[Tensor]
    weights: list[Tensor]


def metrics_from_logits(loss: Loss, z: Tensor, t: Tensor, y: Tensor, classification: bool,
                        num_classes: int) -> tuple[Tensor, Tensor | None]:
    """Mean loss and accuracy over the points of logits ``z`` ``(…, n, out)``: two tensors of shape ``(…)``
    (accuracy ``None`` for regression). ``t`` are the loss's targets, ``y`` the data set's labels."""
    value = loss.value(z, t, classification).mean(-1)
    if not classification:
        return value, None
    return value, (loss.decide(z, num_classes) == y.to(z.dtype)).to(z.dtype).mean(-1)

