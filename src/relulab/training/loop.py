"""``Trainer`` (step by step, for the playground) and ``train(config, on_step=...) -> Run``.

Training is model-agnostic: plain MLPs whose activations have a closed-form derivative take the fused
path (:mod:`relulab.training.fused`), everything else (PReLU, any ``nn.Module`` passed in) autograd.
Both give the same numbers (tested). Progress bars and the web stream are ``on_step`` callbacks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import torch
from torch import Tensor, nn

from ..activations import get_activation
from ..config import RunConfig
from ..data import Dataset
from ..models import MLP
from ..objectives import LOSSES, OPTIMIZERS, REGULARIZERS, apply_penalty
from .build import DTYPES, build_model, make_dataset
from .fused import FusedNet, fusable
from .history import EpochStats, History
from .run import Run

OnStep = Callable[["Trainer", EpochStats], None]


class TrainingDiverged(ValueError):
    """The loss became NaN or infinite."""


def _cast(y: Tensor, dtype: torch.dtype) -> Tensor:
    return y.to(dtype) if y.is_floating_point() else y


class Trainer:
    """One run, advanced an epoch at a time. ``model`` may be any module taking the feature inputs."""

    def __init__(self, cfg: RunConfig, *, data: Dataset | None = None, model: nn.Module | None = None) -> None:
        self.cfg = cfg
        self.data = data if data is not None else make_dataset(cfg)
        self.model = model if model is not None else build_model(cfg, self.data)
        dtype = DTYPES[cfg.dtype]
        self.loss = LOSSES.get(cfg.loss)
        self.classification = self.data.problem == "classification"
        self.x_train = self.data.train_inputs.to(dtype)
        self.x_test = self.data.test_inputs.to(dtype)
        k = self.data.num_classes
        self.t_train = self.loss.targets(_cast(self.data.y_train, dtype), k)
        self.t_test = self.loss.targets(_cast(self.data.y_test, dtype), k)
        self.reg = REGULARIZERS.get(cfg.regularization)
        self.net = self._fused_view()
        self.params = list(self.model.parameters())
        self.optimizer = OPTIMIZERS.get(cfg.optimizer)(self.params, cfg)
        self.weights = [m.weight for m in self.model.modules() if isinstance(m, nn.Linear)]
        self.dead = [torch.zeros_like(w, dtype=torch.bool) for w in self.weights]  # L1's dead links
        self.shuffler = torch.Generator().manual_seed(cfg.weight_seed + 0x5EED)
        self.epoch = 0
        self.history = History()
        self.history.append(self.evaluate())

    # ---- engines --------------------------------------------------------------------------------
    def _fused_view(self) -> FusedNet | None:
        if self.cfg.engine == "autograd" or not isinstance(self.model, MLP):
            return None
        acts = [get_activation(n) for n in self.model.activation_names]
        if not fusable(acts):
            if self.cfg.engine == "fused":
                raise ValueError(f"engine 'fused' needs activations with a closed-form derivative and no "
                                 f"learned parameters, got {list(self.model.activation_names)}; use 'auto'")
            return None
        params = [{k: v for k, v in self.model.activation_params.items() if k in a.params} for a in acts]
        lin = self.model.linears
        return FusedNet([m.weight.detach() for m in lin], [m.bias.detach() for m in lin],
                        list(zip(acts, [a.resolve(**p) for a, p in zip(acts, params, strict=True)], strict=True)))

    @property
    def engine(self) -> str:
        return "fused" if self.net is not None else "autograd"

    def logits(self, x: Tensor) -> Tensor:
        with torch.no_grad():
            return self.net.forward(x)[0] if self.net is not None else self.model(x)

    def _step(self, xb: Tensor, tb: Tensor) -> None:
        if self.net is not None and self.cfg.optimizer == "sgd" and self.cfg.regularization in ("none", "l2"):
            with torch.no_grad():  # the hot path of small playground nets
                l2 = self.cfg.reg_rate if self.cfg.regularization == "l2" else 0.0
                self.net.sgd_step(xb, tb, self.loss, self.classification, self.cfg.lr, l2)
            return
        before = [w.detach().clone() for w in self.weights] if self.reg.der is not None else None
        if self.net is not None:
            with torch.no_grad():
                grads = self.net.gradients(xb, tb, self.loss, self.classification)
            for p, g in zip(self.params, self._order(grads), strict=True):
                p.grad = g
        else:
            self.optimizer.zero_grad(set_to_none=True)
            self.loss.value(self.model(xb), tb, self.classification).mean().backward()
        self.optimizer.step()
        if before is not None:
            apply_penalty(self.reg, [w.data for w in self.weights], before, self.dead, self.cfg.lr * self.cfg.reg_rate)
            if self.reg.clip_at_zero:
                with torch.no_grad():
                    for w, d in zip(self.weights, self.dead, strict=True):
                        w.masked_fill_(d, 0.0)

    def _order(self, grads: list[Tensor]) -> list[Tensor]:
        # FusedNet lists weights then biases; nn.Sequential's parameters() alternates them.
        k = len(grads) // 2
        return [g for pair in zip(grads[:k], grads[k:], strict=True) for g in pair]

    # ---- epochs ---------------------------------------------------------------------------------
    def evaluate(self) -> EpochStats:
        def metrics(x: Tensor, t: Tensor, y: Tensor) -> tuple[float, float | None]:
            if len(x) == 0:
                return math.nan, None
            z = self.logits(x)
            loss = float(self.loss.value(z, t, self.classification).mean())
            if not self.classification:
                return loss, None
            return loss, float((self.loss.decide(z, self.data.num_classes) == y.to(z.dtype)).to(z.dtype).mean())

        tl, ta = metrics(self.x_train, self.t_train, self.data.y_train)
        vl, va = metrics(self.x_test, self.t_test, self.data.y_test)
        return EpochStats(self.epoch, tl, vl, ta, va)

    def step_epoch(self) -> EpochStats:
        """One pass over the training points in batches; raises :class:`TrainingDiverged` on NaN/inf."""
        n, bs = len(self.x_train), self.cfg.batch_size
        x, t = self.x_train, self.t_train
        if self.cfg.shuffle:
            perm = torch.randperm(n, generator=self.shuffler)
            x, t = x[perm], t[perm]
        for start in range(0, n, bs):
            self._step(x[start:start + bs], t[start:start + bs])
        self.epoch += 1
        stats = self.evaluate()
        self.history.append(stats)
        if not math.isfinite(stats.train_loss):
            raise TrainingDiverged(
                f"training diverged at epoch {self.epoch}: train loss is {stats.train_loss}; "
                f"lower the learning rate (lr={self.cfg.lr}) or the regularization rate (reg_rate={self.cfg.reg_rate})")
        return stats

    def reached_target(self) -> bool:
        t = self.cfg.target_loss
        return t is not None and self.history.train_loss[-1] <= t

    def to_run(self, status: str = "completed", message: str = "") -> Run:
        return Run(self.cfg, self.model, self.data, self.history, status, message)


def train(cfg: RunConfig, *, on_step: OnStep | Iterable[OnStep] | None = None,
          data: Dataset | None = None, model: nn.Module | None = None) -> Run:
    """Train ``cfg.epochs`` epochs (or until ``cfg.target_loss``); divergence ends the run with a message.

    >>> from relulab.config import RunConfig
    >>> run = train(RunConfig(dataset="gauss", hidden=(2,), epochs=3))
    >>> run.status, len(run.history.epoch)
    ('completed', 4)
    """
    callbacks = [] if on_step is None else [on_step] if callable(on_step) else list(on_step)
    trainer = Trainer(cfg, data=data, model=model)
    for _ in range(cfg.epochs):
        try:
            stats = trainer.step_epoch()
        except TrainingDiverged as e:
            return trainer.to_run("diverged", str(e))
        for cb in callbacks:
            cb(trainer, stats)
        if trainer.reached_target():
            return trainer.to_run("target_loss", f"train loss reached {cfg.target_loss} at epoch {trainer.epoch}")
    return trainer.to_run()
