"""``Trainer`` (step by step, for the playground) and ``train(config, on_step=...) -> Run``.

The Trainer is a thin epoch driver: :func:`~.engines.choose_engine` picks its engine, which trains
epochs and returns stats rows; the Trainer owns the history. ``on_step`` callbacks (the web stream,
monitors) see every epoch; ``on_progress`` (a bar) every chunk, keeping the compiled whole-run speed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import torch
from torch import Tensor, nn

from ..config import RunConfig
from ..data import Dataset
from ..objectives import LOSSES
from .build import DTYPES, build_model, make_dataset
from .compiled import kernels as K
from .engines import act_pairs, choose_engine
from .fused import FusedNet
from .history import COMPLETED, DIVERGED, EpochStats, History, Resumable
from .run import Run, TrainingDiverged, divergence_message
from .single import TorchRun, evaluate_row
from .step import AutogradNet, Rule, encode

OnStep = Callable[["Trainer", EpochStats], None]
OnProgress = Callable[[int, EpochStats], None]  # (epochs just trained, the last epoch's stats)


def fused_view(model: nn.Module) -> FusedNet:
    """An MLP's parameters as a :class:`FusedNet` (views: the fused step trains the model itself)."""
    return FusedNet([m.weight.detach() for m in model.linears], [m.bias.detach() for m in model.linears],
                    act_pairs(model.activation_names, model.activation_params))


def _torch_run(cfg: RunConfig, model: nn.Module, data: Dataset, enc: tuple[Tensor, ...],
               shuffler: torch.Generator | None, fused: bool) -> TorchRun:
    """The torch engine on the model's tensors: a :func:`fused_view` of them, or the module and its parameters."""
    net = fused_view(model) if fused else AutogradNet(model, [p for p in model.parameters() if p.requires_grad],
                                                      [m.weight for m in model.modules() if isinstance(m, nn.Linear)])
    return TorchRun(net, Rule.of([cfg], DTYPES[cfg.dtype]), enc, data, shuffler)


class _Flat:
    """The compiled engine driven on a model: its weights (and L1's dead links) copied into flat arrays
    before each engine call and back after, so that edits between calls (the page's) are trained on."""

    def __init__(self, cfg: RunConfig, model: nn.Module, data: Dataset, shuffler: torch.Generator | None) -> None:
        from .compiled.engine import CompiledRun, kernel_inputs  # numba loads only when a compiled run starts

        lay, hyper, modes, sets, _ = kernel_inputs([cfg], [data], model.widths)
        self.engine, self.model = CompiledRun(lay, hyper[0], modes[0], sets[0], shuffler), model
        self.P, self.D, self.chunk = np.empty(lay.size), np.zeros(lay.size, dtype=np.uint8), self.engine.chunk
        self.params = list(zip(lay.views(self.P), [t for m in model.linears for t in (m.weight, m.bias)], strict=True))
        self.dead = [torch.zeros(lin.weight.shape, dtype=torch.bool) for lin in model.linears]
        self.dead_flat = lay.views(self.D)[0::2] if modes[0][1] == K.REG_L1 else []  # L1's links only

    def train(self, epochs: int, stop_at_target: bool) -> tuple[np.ndarray, int]:
        dead = list(zip(self.dead_flat, self.dead, strict=False))  # none unless L1
        for flat, p in self.params:
            flat[...] = p.detach().numpy()
        for flat, d in dead:
            flat[...] = d.numpy()
        _, rows, code = self.engine.train(self.P, self.D, epochs, stop_at_target)
        with torch.no_grad():  # in place, so that autograd's version counters see the change
            for flat, p in self.params:
                p.copy_(torch.from_numpy(flat))
        for flat, d in dead:
            d.copy_(torch.from_numpy(flat != 0))
        return rows, code

    def logits(self, x: Tensor) -> Tensor:
        with torch.no_grad():
            return self.model(x)


class Trainer(Resumable):
    """One run, advanced an epoch at a time. ``model`` may be any module taking the feature inputs."""

    def __init__(self, cfg: RunConfig, *, data: Dataset | None = None, model: nn.Module | None = None) -> None:
        self.cfg = cfg
        self.data = data if data is not None else make_dataset(cfg)
        self.model = model if model is not None else build_model(cfg, self.data)
        self.loss, self.classification = LOSSES.get(cfg.loss), self.data.problem == "classification"
        self.x_train, self.t_train, self.x_test, self.t_test = enc = encode(self.data, self.loss, DTYPES[cfg.dtype])
        self.engine, self.engine_reason = choose_engine([cfg], [self.data], model=self.model)
        shuffler = torch.Generator().manual_seed(cfg.weight_seed + 0x5EED) if cfg.shuffle else None
        self.run = (_Flat(cfg, self.model, self.data, shuffler) if self.engine == "compiled" else
                    _torch_run(cfg, self.model, self.data, enc, shuffler, self.engine == "fused"))
        self.logits, self.epoch, self.history = self.run.logits, 0, History()
        self.history.append(self.evaluate())

    @property
    def dead(self) -> list[Tensor]:
        """L1's frozen links: one boolean mask per weight matrix (kept when the server swaps trainers);
        the torch engine's :class:`~.step.Update` holds them, the compiled driver (:class:`_Flat`) its own."""
        return getattr(self.run, "update", self.run).dead

    @dead.setter
    def dead(self, masks: list[Tensor]) -> None:
        getattr(self.run, "update", self.run).dead = masks

    def evaluate(self) -> EpochStats:
        row = evaluate_row(self.logits, self.loss, (self.x_train, self.t_train, self.x_test, self.t_test), self.data)
        h = History()
        h.extend(self.epoch, np.array(row), self.classification, len(self.x_test) > 0)
        return h.last()

    def train_epochs(self, epochs: int, stop_at_target: bool = False) -> int:
        """Up to ``epochs`` epochs in one engine call; the history grows; returns the status code."""
        rows, code = self.run.train(epochs, stop_at_target)
        self.history.extend(self.epoch + 1, rows, self.classification, len(self.x_test) > 0)
        self.epoch += len(rows)
        return code

    def step_epoch(self) -> EpochStats:
        """One pass over the training points in batches; raises :class:`TrainingDiverged` on NaN/inf."""
        if self.train_epochs(1) == DIVERGED:
            raise TrainingDiverged(divergence_message(self.cfg, self.epoch, self.history.train_loss[-1]))
        return self.history.last()

    def run_epochs(self, epochs: int, on_progress: OnProgress | None = None, on_step: Iterable[OnStep] = ()) -> int:
        """``epochs`` epochs (or until the target loss or a divergence) in the engine's chunks of epochs, one
        epoch at a time when there are ``on_step`` callbacks (not called on a diverged epoch); the status code."""
        left, code, on_step = epochs, COMPLETED, list(on_step)
        while left > 0 and code == COMPLETED:
            done = self.epoch
            code = self.train_epochs(1 if on_step else min(self.run.chunk, left), stop_at_target=True)
            left -= self.epoch - done
            for cb in on_step if code != DIVERGED else ():
                cb(self, self.history.last())
            if on_progress is not None:
                on_progress(self.epoch - done, self.history.last())
        return code

    def to_run(self, code: int = COMPLETED) -> Run:
        """The run so far with status ``code`` (:data:`~.history.STATUSES`; its message made from the history)."""
        return Run.finished(self.cfg, self.model, self.data, self.history, code, (self.engine, self.engine_reason))


def train(cfg: RunConfig, *, on_step: OnStep | Iterable[OnStep] | None = None, data: Dataset | None = None,
          model: nn.Module | None = None, on_progress: OnProgress | None = None) -> Run:
    """Train ``cfg.epochs`` epochs (or until ``cfg.target_loss``); divergence ends the run with a message.

    >>> from relulab.config import RunConfig
    >>> run = train(RunConfig(dataset="gauss", hidden=(2,), epochs=3))
    >>> run.status, len(run.history.epoch), run.engine
    ('completed', 4, 'compiled')
    """
    callbacks = [] if on_step is None else [on_step] if callable(on_step) else list(on_step)
    trainer = Trainer(cfg, data=data, model=model)
    return trainer.to_run(trainer.run_epochs(cfg.epochs, on_progress, callbacks))
