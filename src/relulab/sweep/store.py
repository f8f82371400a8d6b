"""The sweep database: SQLite (stdlib) in WAL mode, one row per finished run, keyed by the run's hash.

Every task's records are committed as soon as they arrive, in one short ``BEGIN IMMEDIATE``
transaction that inserts each key once (a key stored as ``error`` is replaced by a new result): a
killed sweep loses only the tasks in flight, a resumed one skips what is stored, and two sweeps
writing one file at once neither corrupt it nor store a run twice (the busy timeout makes the second
writer wait its turn). Only the process that runs the sweep writes the file: workers, local or on a
Dask cluster, return their records to it, so no shared file system is needed.

The file carries relulab's mark and schema version; what may be opened is :mod:`relulab.sweep.dbfile`'s
rule (a foreign or newer file is refused before anything is written). Malformed rows are skipped and
counted (``SweepStore.skipped``, ``SweepRecords.skipped``), never a crash.

Table ``runs``: ``key`` (hash of the full config), ``config`` (RunConfig JSON), ``status``
(completed / diverged / target_loss / error), ``message``, ``metrics`` (final metrics JSON),
``history`` (per-epoch history, zlib-compressed JSON), ``seconds`` (this run's share of its task),
``chunk_seconds``, ``chunk_size``, ``finished`` (UTC), ``worker`` (host:pid), ``relulab_version``,
``torch_version``. Table ``sweeps``: the specs that wrote to the file.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .dbfile import APPLICATION_ID, SCHEMA_VERSION, check_path, check_schema, read_only
from .records import SweepRecord, SweepRecords
from .rows import COLUMNS, UPSERT, from_row, to_row

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    key TEXT PRIMARY KEY, config TEXT NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL,
    metrics TEXT NOT NULL, history BLOB, seconds REAL, chunk_seconds REAL, chunk_size INTEGER,
    finished TEXT, worker TEXT, relulab_version TEXT, torch_version TEXT);
CREATE TABLE IF NOT EXISTS sweeps (id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL, spec TEXT NOT NULL);
"""
BUSY_TIMEOUT_S = 60.0


class SweepStore:
    """One connection to a sweep database (``":memory:"`` for a throw-away sweep)."""

    def __init__(self, path: str | Path = ":memory:", *, create: bool = True) -> None:
        self.path = str(path)
        self.skipped = self.skipped_specs = 0  # malformed rows left out by the reads
        exists = self.path == ":memory:" or check_path(self.path, create=create)
        if not exists:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self._open(exists, create)
                return
            except sqlite3.OperationalError as e:
                # Two sweeps creating one database: switching it to WAL can answer "locked" at once,
                # without waiting for the busy timeout; the set-up is idempotent, so try again.
                if "locked" in str(e) and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                raise ValueError(f"{self.path!r} is not a sweep database: {e}") from None
            except sqlite3.DatabaseError as e:
                raise ValueError(f"{self.path!r} is not a sweep database: {e}") from None

    def _open(self, exists: bool, create: bool) -> None:
        marked = False
        if exists and self.path != ":memory:":  # checked read-only first: a foreign file is never written
            ro = read_only(self.path, BUSY_TIMEOUT_S)
            try:
                ro.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
                marked, has_runs = check_schema(ro, self.path)
            finally:
                ro.close()
            if not create and not has_runs:
                raise ValueError(f"{self.path!r} is not a sweep database (no 'runs' table)")
        if create:
            self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        else:
            self.db = read_only(self.path, BUSY_TIMEOUT_S)
        try:
            self.db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            if create:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
                if not marked:
                    self.db.executescript(f"BEGIN IMMEDIATE; {SCHEMA} PRAGMA application_id = {APPLICATION_ID}; "
                                          f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _sql(self) -> Iterator[None]:
        """A damaged file (a corrupted page, a disk error) is one ValueError line that names it."""
        try:
            yield
        except sqlite3.DatabaseError as e:
            raise ValueError(f"the sweep database {self.path!r} cannot be used: {e}") from None

    # ---- writing --------------------------------------------------------------------------------
    def add(self, records: Iterable[dict[str, Any]]) -> int:
        """Insert records (from :func:`relulab.sweep.worker.run_chunk`) at once; returns how many were new.

        A key already stored is kept, unless it is stored as ``error``: then the new record replaces it
        (``--retry-errors``, or another sweep that trained it meanwhile)."""
        rows = [to_row(r) for r in records]
        with self._sql():
            self.db.execute("BEGIN IMMEDIATE")
            try:
                before = self.db.total_changes
                self.db.executemany(UPSERT, rows)
                added = self.db.total_changes - before
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return added

    def add_spec(self, spec: dict[str, Any]) -> None:
        with self._sql():
            self.db.execute("INSERT INTO sweeps (created, spec) VALUES (?, ?)",
                            (datetime.now(UTC).isoformat(timespec="seconds"), json.dumps(spec, sort_keys=True)))

    # ---- reading --------------------------------------------------------------------------------
    def present(self, keys: Sequence[str], *, errors: bool = True) -> set[str]:
        """Which of ``keys`` are stored (``errors=False``: leaving out runs stored as ``error``)."""
        out: set[str] = set()
        keys = list(keys)
        cond = "" if errors else " AND status != 'error'"
        with self._sql():
            for i in range(0, len(keys), 500):
                part = keys[i:i + 500]
                q = f"SELECT key FROM runs WHERE key IN ({', '.join('?' * len(part))}){cond}"
                out.update(r[0] for r in self.db.execute(q, part))
        return out

    def count(self) -> int:
        with self._sql():
            return self.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]

    def specs(self) -> list[dict[str, Any]]:
        """The specs that wrote to the file, oldest first; malformed ones are skipped (``skipped_specs``)."""
        out = []
        with self._sql():
            rows = self.db.execute("SELECT spec FROM sweeps ORDER BY id").fetchall()
        for (text,) in rows:
            try:
                spec = json.loads(text)
                if not (isinstance(spec, dict) and isinstance(spec.get("grid", {}), dict)
                        and all(isinstance(v, list | dict) for v in spec.get("grid", {}).values())):
                    raise ValueError
            except (ValueError, TypeError, RecursionError):
                self.skipped_specs += 1
                continue
            out.append({**spec, "grid": spec.get("grid", {})})
        return out

    def iter_records(self, keys: Iterable[str] | None = None, *, fields: Sequence[str] | None = None,
                     history: bool = True) -> Iterator[SweepRecord]:
        """Stored runs one by one (all in storage order, or those of ``keys`` in that order). ``fields``:
        keep only these config fields and metrics (a slim record for a summary); ``history=False``: drop
        the per-epoch history. Malformed rows are skipped and counted in ``skipped``."""
        q = f"SELECT {', '.join(COLUMNS)} FROM runs"
        if keys is None:
            with self._sql():
                cur = self.db.execute(q + " ORDER BY rowid")
                while rows := cur.fetchmany(500):
                    yield from self._parse(rows, fields, history)
            return
        it = iter(keys)
        while part := list(itertools.islice(it, 500)):
            with self._sql():
                rows = self.db.execute(q + f" WHERE key IN ({', '.join('?' * len(part))})", part).fetchall()
            found = {r.key: r for r in self._parse(rows, fields, history)}
            yield from (found[k] for k in part if k in found)

    def _parse(self, rows: list[tuple], fields: Sequence[str] | None, history: bool) -> Iterator[SweepRecord]:
        for row in rows:
            r = from_row(row, fields, history)
            if r is None:
                self.skipped += 1
            else:
                yield r

    def records(self, keys: Sequence[str] | None = None) -> SweepRecords:
        """Stored runs (all, or those of ``keys`` in that order); histories are decoded on access.
        ``.skipped`` counts the malformed rows left out."""
        before = self.skipped
        out = SweepRecords(self.iter_records(keys))
        out.skipped = self.skipped - before
        return out
