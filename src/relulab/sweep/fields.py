"""The names a stored run answers to (``--by``, ``--metric``): config fields, derived ones, run fields, metrics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ALIASES = {"test_accuracy": "test_acc", "train_accuracy": "train_acc"}
DERIVED = {"depth": lambda c: len(c["hidden"]), "width": lambda c: max(c["hidden"], default=0)}
RUN_FIELDS = ("status", "seconds", "key")
METRICS = ("test_acc", "train_acc", "test_loss", "train_loss", "epoch")  # every run's final metrics


def known_field(name: str, records: Sequence[Any] = ()) -> bool:
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
