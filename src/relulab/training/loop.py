"""``Trainer`` (step by step, for the playground) and ``train(config, on_step=...) -> Run``.

Training is model-agnostic: small plain MLPs take the compiled engine (:mod:`relulab.training.compiled`,
SGD or momentum, float64), others whose activations have a closed-form derivative the fused path
(:mod:`relulab.training.fused`), everything else (PReLU, any ``nn.Module`` passed in) autograd.
All give the same numbers (tested). Progress bars and the web stream are ``on_step`` callbacks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import partial

import torch
from torch import Tensor, nn

from ..activations import get_activation
from ..config import RunConfig
from ..data import Dataset
from ..models import MLP
from ..objectives import LOSSES, OPTIMIZERS, REGULARIZERS, Loss
from .build import DTYPES, build_model, make_dataset
from .compiled import compiled_engine
from .fused import FusedNet, fusable
from .history import EpochStats, History, Resumable
from .run import Run
from .step import TrainingDiverged, Update, autograd_gradients, divergence_message, metrics_from_logits

OnStep = Callable[["Trainer", EpochStats], None]


def encode(data: Dataset, loss: Loss, dtype: torch.dtype) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """What a trainer feeds the network: train inputs and targets, test inputs and targets."""
    def cast(y: Tensor) -> Tensor:
        return y.to(dtype) if y.is_floating_point() else y

    k = data.num_classes
    return (data.train_inputs.to(dtype), loss.targets(cast(data.y_train), k),
            data.test_inputs.to(dtype), loss.targets(cast(data.y_test), k))


class Trainer(Resumable):
    """One run, advanced an epoch at a time. ``model`` may be any module taking the feature inputs."""

    def __init__(self, cfg: RunConfig, *, data: Dataset | None = None, model: nn.Module | None = None) -> None:
        self.cfg = cfg
        self.data = data if data is not None else make_dataset(cfg)
        self.model = model if model is not None else build_model(cfg, self.data)
        dtype = DTYPES[cfg.dtype]
        self.loss = LOSSES.get(cfg.loss)
        self.classification = self.data.problem == "classification"
        self.x_train, self.t_train, self.x_test, self.t_test = encode(self.data, self.loss, dtype)
        self.net = self._fused_view()
        if self.net is not None:
            params, weights = self.net.params, list(self.net.weights)
            grads = partial(self.net.gradients, loss=self.loss, classification=self.classification)
        else:
            params = [p for p in self.model.parameters() if p.requires_grad]
            weights = [m.weight for m in self.model.modules() if isinstance(m, nn.Linear)]
            grads = autograd_gradients(self.model, params, self.loss, self.classification)
        self.update = Update(params, weights, lambda x, t, mean: grads(x, t, mean=mean),
                             optimizer=OPTIMIZERS.get(cfg.optimizer), reg=REGULARIZERS.get(cfg.regularization),
                             lr=cfg.lr, reg_rate=cfg.reg_rate, momentum=cfg.momentum)
        self.weights = weights
        self.shuffler = torch.Generator().manual_seed(cfg.weight_seed + 0x5EED)
        self.epoch = 0
        self.history = History()
        self.history.append(self.evaluate())
        self.compiled = compiled_engine(self)  # small plain MLPs: the numba loop (same numbers)

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
        return "compiled" if self.compiled is not None else "fused" if self.net is not None else "autograd"

    def logits(self, x: Tensor) -> Tensor:
        with torch.no_grad():
            return self.net.forward(x)[0] if self.net is not None else self.model(x)

    @property
    def dead(self) -> list[Tensor]:
        """L1's frozen links: one boolean mask per weight matrix (kept when the server swaps trainers)."""
        return self.update.dead

    @dead.setter
    def dead(self, masks: list[Tensor]) -> None:
        self.update.dead = masks

    # ---- epochs ---------------------------------------------------------------------------------
    def evaluate(self) -> EpochStats:
        def metrics(x: Tensor, t: Tensor, y: Tensor) -> tuple[float, float | None]:
            if len(x) == 0:
                return math.nan, None
            loss, acc = metrics_from_logits(self.loss, self.logits(x), t, y, self.classification,
                                            self.data.num_classes)
            return float(loss), None if acc is None else float(acc)

        tl, ta = metrics(self.x_train, self.t_train, self.data.y_train)
        vl, va = metrics(self.x_test, self.t_test, self.data.y_test)
        return EpochStats(self.epoch, tl, vl, ta, va)

    def step_epoch(self) -> EpochStats:
        """One pass over the training points in batches; raises :class:`TrainingDiverged` on NaN/inf."""
        if self.compiled is not None:
            self.epoch += 1
            stats = self.compiled.step_epoch(self)
        else:
            n, batch = len(self.x_train), self.cfg.batch_size
            x, t = self.x_train, self.t_train
            if self.cfg.shuffle:
                perm = torch.randperm(n, generator=self.shuffler)
                x, t = x[perm], t[perm]
            for start in range(0, n, batch):
                self.update(x[start:start + batch], t[start:start + batch])
            self.epoch += 1
            stats = self.evaluate()
        self.history.append(stats)
        if not math.isfinite(stats.train_loss):
            raise TrainingDiverged(divergence_message(self.cfg, self.epoch, stats.train_loss))
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
    if trainer.compiled is not None and not callbacks and not cfg.shuffle:  # nothing to call between epochs
        return trainer.to_run(*trainer.compiled.run(trainer))
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
