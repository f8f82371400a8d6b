"""``PerceptronTrainer``: the playground's perceptron mode, an epoch at a time, like :class:`Trainer`.

One step unit on the data's input features, ``ŷ = sign(w·x + b)``, trained with Rosenblatt's rule
(:func:`relulab.models.perceptron.perceptron_epoch`): on each mistake ``w += lr·y·x``, ``b += lr·y``.
The unit lives in ``model``, an :class:`~relulab.models.MLP` without hidden layers (one ``nn.Linear``),
so everything that draws or exports a network takes it as it is. Its "loss" is the error rate.

The API is the part of ``Trainer``'s that a page needs:

- ``PerceptronTrainer(cfg, data=None, model=None)``: the data from ``cfg`` unless given; the unit
  ``model`` or a fresh one with zero weights and bias; ``cfg.lr`` is the rule's rate.
- ``step_epoch() -> EpochStats``: one pass over the training points in order; ``epoch`` counts them.
- ``history``: an :class:`EpochStats` per epoch, epoch 0 included; train/test loss = error rate,
  accuracy = 1 - error rate. ``evaluate()`` gives the current ones without recording them.
- ``logits(x)``: ``w·x + b`` for feature inputs ``(n, F)``, shape ``(n, 1)``; ``predict(x)``: ±1.
- ``data``, ``model``, ``x_train``, ``x_test``, ``dead`` (always empty: no L1), ``engine`` ("perceptron"),
  ``to_run()``.

>>> from relulab.config import RunConfig
>>> tr = PerceptronTrainer(RunConfig(dataset="linsep", n_points=40))
>>> tr.history.last().train_acc, tr.step_epoch().epoch
(0.5, 1)
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from ..config import RunConfig
from ..data import Dataset
from ..models import MLP
from ..models.perceptron import perceptron_epoch
from .build import DTYPES, make_dataset
from .history import EpochStats, History, Resumable
from .run import Run


class PerceptronTrainer(Resumable):
    """One step unit trained with the perceptron rule, an epoch at a time (see the module doc)."""

    engine = "perceptron"

    def __init__(self, cfg: RunConfig, *, data: Dataset | None = None, model: MLP | None = None) -> None:
        self.cfg = cfg
        self.data = data if data is not None else make_dataset(cfg)
        if self.data.problem != "classification" or self.data.num_classes != 2:
            raise ValueError(f"the perceptron needs a two-class data set, got {self.data.name!r} "
                             f"({self.data.problem}, {self.data.num_classes} classes)")
        dtype = DTYPES[cfg.dtype]
        if model is None:
            model = MLP(len(self.data.features), (), 1, init="zero", generator=torch.Generator(), dtype=dtype)
            with torch.no_grad():
                model.linears[0].bias.zero_()
        if len(model.linears) != 1 or model.linears[0].out_features != 1:
            raise ValueError(f"the perceptron is one unit (no hidden layer), got a model of widths "
                             f"{[m.in_features for m in model.linears] + [model.linears[-1].out_features]}")
        self.model = model
        self.unit: nn.Linear = model.linears[0]
        self.x_train, self.x_test = self.data.train_inputs.to(dtype), self.data.test_inputs.to(dtype)
        self.dead: list[Tensor] = []
        self.epoch = 0
        self.history = History()
        self.history.append(self.evaluate())

    def logits(self, x: Tensor) -> Tensor:
        with torch.no_grad():
            return self.unit(x)

    def predict(self, x: Tensor) -> Tensor:
        """The unit's labels: +1 where ``w·x + b > 0``, else -1 (the step's ``H(0) = 0``)."""
        return torch.where(self.logits(x)[:, 0] > 0, 1.0, -1.0).to(torch.float64)

    def evaluate(self) -> EpochStats:
        def error(x: Tensor, y: Tensor) -> float:
            return float((self.predict(x) != y.to(torch.float64)).double().mean()) if len(y) else math.nan

        e_tr, e_te = error(self.x_train, self.data.y_train), error(self.x_test, self.data.y_test)
        return EpochStats(self.epoch, e_tr, e_te, 1 - e_tr, 1 - e_te)

    def step_epoch(self) -> EpochStats:
        """One pass of the rule over the training points, in order."""
        with torch.no_grad():
            w, b, _ = perceptron_epoch(self.unit.weight[0].clone(), float(self.unit.bias[0]), self.x_train,
                                       self.data.y_train.to(self.x_train.dtype), self.cfg.lr)
            self.unit.weight[0] = w
            self.unit.bias[0] = b
        self.epoch += 1
        stats = self.evaluate()
        self.history.append(stats)
        return stats

    def to_run(self) -> Run:
        """The unit as a run whose config describes it (no hidden layer), so it loads back."""
        cfg = self.cfg.model_copy(update={"hidden": (), "activation": "identity", "init": "zero"})
        return Run.finished(cfg, self.model, self.data, self.history, 0, ("perceptron", "the playground's "
                                                                                      "perceptron mode"))
