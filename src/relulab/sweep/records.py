"""Stored runs as plain records: a list you can filter in Python, a pandas DataFrame if pandas is there.

A record's :meth:`~SweepRecord.get` reads a config field (``activation``, ``hidden``, ...), a derived
one (``depth``: number of hidden layers, ``width``: widest hidden layer), a final metric
(``test_acc``, ``train_acc``, ``test_loss``, ``train_loss``, ``epoch``) or the run's ``status`` /
``seconds`` -- the names ``relulab sweep show --by/--metric`` accepts.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from .fields import ALIASES, DERIVED, RUN_FIELDS
from .fields import check_fields as check_fields  # the names were defined here first


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


def decode_history(blob: bytes | None) -> dict[str, Any] | None:
    return None if blob is None else json.loads(zlib.decompress(blob))


class SweepRecords(list):
    """A list of :class:`SweepRecord` with a summary and an optional DataFrame."""

    ran: int = 0  # set by run_sweep: how many of these runs that call trained
    skipped: int = 0  # malformed stored rows left out
    total: int = 0  # set by run_sweep: the spec's runs (also when it returns no records)
    keys: bytes = b""  # set by run_sweep: the spec's run keys, 16 bytes each (``bytes.hex()`` of each: run_key)

    def summarize(self, by: tuple[str, ...] | list[str] = (), metric: str = "test_acc", success: float = 0.9):
        from .stats import summarize

        return summarize(self, by=by, metric=metric, success=success)

    def _repr_html_(self) -> str:
        """In a notebook: how the runs ended and the summary over the fields that vary (:mod:`.show`)."""
        from .show import records_html

        return records_html(self)

    def to_frame(self):
        """A pandas DataFrame, one row per run: config fields, metrics, status, seconds (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_frame needs pandas (pip install pandas); the records are a plain list") from None
        rows = [{**{k: (tuple(v) if isinstance(v, list) else v) for k, v in r.config.items()}, **r.metrics,
                 "status": r.status, "message": r.message, "seconds": r.seconds, "key": r.key} for r in self]
        return pd.DataFrame(rows)
