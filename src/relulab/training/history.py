"""``History``: what a run records per epoch (losses, accuracies, and any series a callback adds)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

STATUSES = ("completed", "diverged", "target_loss")  # how a run ended; an engine reports the index (its code)
COMPLETED, DIVERGED, TARGET = range(len(STATUSES))  # the codes


@dataclass(frozen=True)
class EpochStats:
    """Metrics after an epoch (epoch 0: before training). Accuracy is ``None`` for regression."""

    epoch: int
    train_loss: float
    test_loss: float
    train_acc: float | None = None
    test_acc: float | None = None


@dataclass
class History:
    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_acc: list[float | None] = field(default_factory=list)
    test_acc: list[float | None] = field(default_factory=list)
    extra: dict[str, list[Any]] = field(default_factory=dict)  # filled by on_step callbacks

    def append(self, s: EpochStats) -> None:
        self.epoch.append(s.epoch)
        self.train_loss.append(s.train_loss)
        self.test_loss.append(s.test_loss)
        self.train_acc.append(s.train_acc)
        self.test_acc.append(s.test_acc)

    def extend(self, first_epoch: int, stats: np.ndarray, classification: bool, has_test: bool) -> None:
        """An engine's stats rows ``(epochs, 4)`` (train loss, test loss, train acc, test acc; nan where
        none) as epochs ``first_epoch, …`` (as many appends): accuracies None for regression, the test
        accuracy None without test points."""
        tl, vl, ta, va = np.asarray(stats, dtype=np.float64).reshape(-1, 4).T.tolist()
        none = [None] * len(tl)
        self.epoch.extend(range(first_epoch, first_epoch + len(tl)))
        for mine, new in ((self.train_loss, tl), (self.test_loss, vl), (self.train_acc, ta if classification else none),
                          (self.test_acc, va if classification and has_test else none)):
            mine.extend(new)

    def last(self) -> EpochStats:
        i = len(self.epoch) - 1
        return EpochStats(self.epoch[i], self.train_loss[i], self.test_loss[i], self.train_acc[i], self.test_acc[i])

    def to_dict(self) -> dict[str, Any]:
        """Plain lists (copies), as ``dataclasses.asdict`` gives, without its per-number deep copy (the
        columns hold numbers and None; a sweep stores a thousand of these at a time)."""
        return {"epoch": list(self.epoch), "train_loss": list(self.train_loss), "test_loss": list(self.test_loss),
                "train_acc": list(self.train_acc), "test_acc": list(self.test_acc),
                "extra": copy.deepcopy(self.extra)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        return cls(**d)


class Resumable:
    """What a step-by-step trainer shares: going on from a history (a hot edit in the playground, an
    imported run) instead of from epoch 0."""

    epoch: int
    history: History
    dead: list[Any]

    def continue_from(self, history: History, dead: list[Any] | None = None) -> None:
        """Go on from ``history``'s last epoch; ``dead``: L1's frozen links to keep frozen."""
        self.history, self.epoch = history, history.epoch[-1]
        if dead is not None:
            self.dead = dead
