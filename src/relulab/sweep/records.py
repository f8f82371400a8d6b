"""Stored runs as plain records: a list you can filter in Python, a pandas DataFrame if pandas is there.

A record's :meth:`~SweepRecord.get` reads a config field (``activation``, ``hidden``, ...), a derived
one (``depth``: number of hidden layers, ``width``: widest hidden layer), a final metric
(``test_acc``, ``train_acc``, ``test_loss``, ``train_loss``, ``epoch``) or the run's ``status`` /
``seconds`` -- the names ``relulab sweep show --by/--metric`` accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ALIASES = {"test_accuracy": "test_acc", "train_accuracy": "train_acc"}
DERIVED = {"depth": lambda c: len(c["hidden"]), "width": lambda c: max(c["hidden"], default=0)}
RUN_FIELDS = ("status", "seconds", "key")
METRICS = ("test_acc", "train_acc", "test_loss", "train_loss", "epoch")  # every run's final metrics


@dataclass(frozen=True)
class SweepRecord:
    key: str
    config: dict[str, Any]
    status: str
    message: str
    metrics: dict[str, Any]
    seconds: float | None = None
    chunk_seconds: float | None = None
    chunk_size: int | None = None
    finished: str | None = None
    worker: str | None = None
    relulab_version: str | None = None
    torch_version: str | None = None
    history_blob: bytes | None = field(default=None, repr=False)

    @property
    def history(self) -> dict[str, Any] | None:
        """Per-epoch history (``epoch``, ``train_loss``, ``test_loss``, ``train_acc``, ``test_acc`` lists)."""
        from .rows import decode_history

        return decode_history(self.history_blob)

    def run_config(self):
        from ..config import RunConfig

        return RunConfig.model_validate(self.config)

    def get(self, name: str) -> Any:
        name = ALIASES.get(name, name)
        if name in self.config:
            v = self.config[name]
            return tuple(v) if isinstance(v, list) else v
        if name in DERIVED:
            return DERIVED[name](self.config)
        if name in RUN_FIELDS:
            return getattr(self, name)
        return self.metrics.get(name)


def known_field(name: str, records: list[SweepRecord] = ()) -> bool:
    """A name ``--by``/``--metric`` accept: known before anything runs, or a metric some record holds."""
    from ..config import RunConfig

    name = ALIASES.get(name, name)
    return (name in RunConfig.model_fields or name in DERIVED or name in RUN_FIELDS or name in METRICS
            or any(name in r.metrics for r in records))


def check_fields(names: list[str] | tuple[str, ...]) -> None:
    """Refuse a ``--by``/``--metric`` name no run can have -- before a sweep trains anything."""
    for name in names:
        if not known_field(name):
            raise ValueError(f"unknown field {name!r}; allowed: RunConfig fields, depth, width, status, seconds, "
                             "and the metrics test_acc, train_acc, test_loss, train_loss, epoch")


class SweepRecords(list):
    """A list of :class:`SweepRecord` with a summary and an optional DataFrame."""

    ran: int = 0  # set by run_sweep: how many of these runs that call trained
    skipped: int = 0  # malformed stored rows left out

    def summarize(self, by: tuple[str, ...] | list[str] = (), metric: str = "test_acc", success: float = 0.9):
        from .stats import summarize

        return summarize(self, by=by, metric=metric, success=success)

    def to_frame(self):
        """A pandas DataFrame, one row per run: config fields, metrics, status, seconds (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_frame needs pandas (pip install pandas); the records are a plain list") from None
        rows = [{**{k: (tuple(v) if isinstance(v, list) else v) for k, v in r.config.items()}, **r.metrics,
                 "status": r.status, "message": r.message, "seconds": r.seconds, "key": r.key} for r in self]
        return pd.DataFrame(rows)
