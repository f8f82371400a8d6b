"""Read a sweep database again and again while a sweep may still be writing it.

Each :meth:`SweepReader.records` opens the file read-only (WAL: a reader never blocks the writer,
nor sees half a transaction), reads only the rows added since the last call, and keeps the runs
without their histories; a row replaced in place (an ``error`` run trained again) makes it read
everything again. :meth:`SweepReader.get` reads one run whole, history included.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from .records import SweepRecord
from .rows import COLUMNS, from_row
from .store import SweepStore


class SweepReader:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._runs: dict[str, SweepRecord] = {}
        self._last = 0  # the largest rowid read
        self._errors = -1  # rows stored as error at the last read
        self.skipped = 0
        self.specs: list[dict[str, Any]] = []
        with SweepStore(self.path, create=False):  # a missing or foreign file is refused now, in one line
            pass

    def records(self) -> list[SweepRecord]:
        """Every stored run (no histories), in storage order, as of now."""
        with self._lock, SweepStore(self.path, create=False) as store:
            db = store.db
            db.execute("BEGIN")  # one snapshot for the checks and the rows
            try:
                errors = db.execute("SELECT COUNT(*) FROM runs WHERE status = 'error'").fetchone()[0]
                if errors != self._errors:  # an error row may have been replaced in place: read all again
                    self._runs, self._last, self.skipped = {}, 0, 0
                cur = db.execute(f"SELECT rowid, {', '.join(COLUMNS)} FROM runs WHERE rowid > ? ORDER BY rowid",
                                 (self._last,))
                while rows := cur.fetchmany(1000):
                    for row in rows:
                        r = from_row(row[1:], history=False)
                        if r is None:
                            self.skipped += 1
                        else:
                            self._runs[r.key] = r
                    self._last = rows[-1][0]
                self._errors = errors
            finally:
                db.execute("COMMIT")
            self.specs = store.specs()
            return list(self._runs.values())

    def axis_order(self) -> list[str]:
        """The stored specs' axes (grid fields), oldest spec first."""
        return list(dict.fromkeys(k for s in self.specs for k in s["grid"]))

    def get(self, key: str) -> SweepRecord | None:
        """One run with its history, or None if the key is not stored."""
        with SweepStore(self.path, create=False) as store:
            return next(store.iter_records([key]), None)
