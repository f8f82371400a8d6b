"""Read a sweep database again and again while a sweep may still be writing it.

Each :meth:`SweepReader.records` opens the file read-only (WAL: a reader never blocks the writer,
nor sees half a transaction), reads only the rows added since the last call, and keeps the runs
without their histories; a row replaced in place (an ``error`` run trained again) makes it read
everything again. A kept run's config holds only what differs from the first run's (a ``ChainMap``
over it), so that 100,000 runs stay small. :meth:`SweepReader.get` reads one run whole, history
included.
"""

from __future__ import annotations

import threading
from collections import ChainMap
from pathlib import Path
from typing import Any

from .records import SweepRecord
from .rows import COLUMNS, from_row
from .selection import label, sort_labels
from .store import SweepStore

_MISSING = object()


class SweepReader:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._reset()
        self._errors = -1  # rows stored as error at the last read
        self.specs: list[dict[str, Any]] = []
        self.version = 0  # counts the reads that found something new
        with SweepStore(self.path, create=False):  # a missing or foreign file is refused now, in one line
            pass

    def _reset(self) -> None:
        self._runs: dict[str, SweepRecord] = {}
        self._last = 0  # the largest rowid read
        self._template: dict[str, Any] | None = None
        self._seen: dict[str, set[str]] = {}  # config field -> the labels of its values
        self._list: list[SweepRecord] = []
        self._values: dict[str, list[str]] | None = None
        self.skipped = 0

    def records(self) -> list[SweepRecord]:
        """Every stored run (no histories), in storage order, as of now."""
        with self._lock, SweepStore(self.path, create=False) as store:
            db = store.db
            db.execute("BEGIN")  # one snapshot for the checks and the rows
            try:
                errors = db.execute("SELECT COUNT(*) FROM runs WHERE status = 'error'").fetchone()[0]
                if errors != self._errors:  # an error row may have been replaced in place: read all again
                    self._reset()
                    self.version += 1
                cur = db.execute(f"SELECT rowid, {', '.join(COLUMNS)} FROM runs WHERE rowid > ? ORDER BY rowid",
                                 (self._last,))
                while rows := cur.fetchmany(1000):
                    for row in rows:
                        self._keep(from_row(row[1:], history=False))
                    self._last = rows[-1][0]
                    self._list, self._values = list(self._runs.values()), None
                    self.version += 1
                self._errors = errors
            finally:
                db.execute("COMMIT")
            self.specs = store.specs()
            return self._list

    def _keep(self, r: SweepRecord | None) -> None:
        if r is None:
            self.skipped += 1
            return
        t = self._template = self._template if self._template is not None else r.config
        for k, v in r.config.items():
            self._seen.setdefault(k, set()).add(label(v))
        own = {k: v for k, v in r.config.items() if t.get(k, _MISSING) != v}
        self._runs[r.key] = SweepRecord(r.key, ChainMap(own, t) if r.config is not t else t,  # type: ignore[arg-type]
                                        r.status, r.message, r.metrics, r.seconds)

    def values(self) -> dict[str, list[str]]:
        """Every config field of the runs read -> its labels, like :func:`relulab.sweep.selection.values`
        (kept up to date as runs are read, not recomputed); the specs' axes first."""
        with self._lock:
            if self._values is None:
                names = dict.fromkeys([*self.axis_order(), *sorted(self._seen)])
                self._values = {k: sort_labels(self._seen[k]) for k in names if k in self._seen}
            return self._values

    def axis_order(self) -> list[str]:
        """The stored specs' axes (grid fields), oldest spec first."""
        return list(dict.fromkeys(k for s in self.specs for k in s["grid"]))

    def get(self, key: str) -> SweepRecord | None:
        """One run with its history, or None if the key is not stored."""
        with SweepStore(self.path, create=False) as store:
            return next(store.iter_records([key]), None)
