r"""Arithmetic inside and outside the training square (claim C12).

A model trained on pairs :math:`(a, b) \in [-1, 1]^2` (``relulab.data`` sets ``add``, ``sub``, ``mul``) is
scored by its root-mean-square error on held-out pairs of the same square (``inside``) and on pairs of
:math:`[-2, 2]^2` with at least one coordinate outside :math:`[-1, 1]` (``outside``,
:func:`relulab.data.sample_outside`). A linear model represents :math:`a \pm b` exactly, so it can be exact
everywhere; a ReLU network is piecewise linear with finitely many pieces, so it can only approximate,
and beyond its last kinks it continues linearly.

>>> from relulab.config import RunConfig
>>> from relulab.training import train
>>> run = train(RunConfig(dataset="add", hidden=(), lr=0.1, epochs=40))
>>> s = arithmetic_errors(run, generator=torch.Generator().manual_seed(0))
>>> s.inside < 1e-9 and s.outside < 1e-9
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from ..data import OPERATIONS, sample_outside


@dataclass(frozen=True)
class ArithmeticErrors:
    op: str
    inside: float  # RMSE on the run's test pairs (inside the training square)
    outside: float  # RMSE on pairs outside it
    target_range: float  # max - min of the targets inside (the scale the inside error is judged on)

    def to_dict(self) -> dict:
        return {"op": self.op, "inside": self.inside, "outside": self.outside, "target_range": self.target_range}


def rmse(pred: Tensor, target: Tensor) -> float:
    return float(((pred.reshape(-1) - target.reshape(-1)) ** 2).mean().sqrt())


def arithmetic_errors(run: Any, *, n_outside: int = 2000, generator: torch.Generator) -> ArithmeticErrors:
    """RMSE of a trained :class:`~relulab.training.Run` on an arithmetic set, inside and outside the square."""
    op = run.data.name
    if op not in OPERATIONS:
        raise ValueError(f"not an arithmetic run: data set {op!r}; allowed: {OPERATIONS.names()}")
    x_out, y_out = sample_outside(op, n_outside, generator=generator)
    y_in = run.data.y_test
    return ArithmeticErrors(op, rmse(run.predict(run.data.x_test), y_in), rmse(run.predict(x_out), y_out),
                            float(y_in.max() - y_in.min()))
