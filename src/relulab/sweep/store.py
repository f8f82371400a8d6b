"""The sweep database: SQLite (stdlib) in WAL mode, one row per finished run, keyed by the run's hash.

Every task's records are committed as soon as they arrive, in one short ``BEGIN IMMEDIATE``
transaction with ``INSERT OR IGNORE`` on the key: a killed sweep loses only the tasks in flight, a
resumed one skips what is stored, and two sweeps writing one file at once neither corrupt it nor
store a run twice (the busy timeout makes the second writer wait its turn).

Table ``runs``: ``key`` (hash of the full config), ``config`` (RunConfig JSON), ``status``
(completed / diverged / target_loss / error), ``message``, ``metrics`` (final metrics JSON),
``history`` (per-epoch history, zlib-compressed JSON), ``seconds`` (this run's share of its task),
``chunk_seconds``, ``chunk_size``, ``finished`` (UTC), ``worker`` (host:pid), ``relulab_version``,
``torch_version``. Table ``sweeps``: the specs that wrote to the file.
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .records import SweepRecord, SweepRecords

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    key TEXT PRIMARY KEY, config TEXT NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL,
    metrics TEXT NOT NULL, history BLOB, seconds REAL, chunk_seconds REAL, chunk_size INTEGER,
    finished TEXT, worker TEXT, relulab_version TEXT, torch_version TEXT);
CREATE TABLE IF NOT EXISTS sweeps (id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL, spec TEXT NOT NULL);
"""
_COLUMNS = ("key", "config", "status", "message", "metrics", "history", "seconds", "chunk_seconds", "chunk_size",
            "finished", "worker", "relulab_version", "torch_version")
BUSY_TIMEOUT_S = 60.0


class SweepStore:
    """One connection to a sweep database (``":memory:"`` for a throw-away sweep)."""

    def __init__(self, path: str | Path = ":memory:", *, create: bool = True) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            p = Path(self.path)
            if not create and not p.is_file():
                raise FileNotFoundError(f"no sweep database at {self.path!r}")
            p.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                tables = self._prepare(create)
                break
            except sqlite3.OperationalError as e:
                # Two sweeps creating one database: switching it to WAL can answer "locked" at once,
                # without waiting for the busy timeout; the set-up is idempotent, so try again.
                if "locked" in str(e) and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                self.db.close()
                raise ValueError(f"{self.path!r} is not a sweep database: {e}") from None
            except sqlite3.DatabaseError as e:
                self.db.close()
                raise ValueError(f"{self.path!r} is not a sweep database: {e}") from None
        if "runs" not in tables:
            self.db.close()
            raise ValueError(f"{self.path!r} is not a sweep database (no 'runs' table)")

    def _prepare(self, create: bool) -> set[str]:
        self.db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if create:
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.executescript(SCHEMA)
        return {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing --------------------------------------------------------------------------------
    def add(self, records: Iterable[dict[str, Any]]) -> int:
        """Insert records (from :func:`relulab.sweep.worker.run_chunk`) at once; returns how many were new."""
        rows = [_row(r) for r in records]
        self.db.execute("BEGIN IMMEDIATE")
        try:
            before = self.db.total_changes
            self.db.executemany(f"INSERT OR IGNORE INTO runs ({', '.join(_COLUMNS)}) "
                                f"VALUES ({', '.join('?' * len(_COLUMNS))})", rows)
            added = self.db.total_changes - before
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return added

    def add_spec(self, spec: dict[str, Any]) -> None:
        self.db.execute("INSERT INTO sweeps (created, spec) VALUES (?, ?)",
                        (datetime.now(UTC).isoformat(timespec="seconds"), json.dumps(spec, sort_keys=True)))

    # ---- reading --------------------------------------------------------------------------------
    def present(self, keys: Sequence[str]) -> set[str]:
        """Which of ``keys`` are stored."""
        out: set[str] = set()
        keys = list(keys)
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            q = f"SELECT key FROM runs WHERE key IN ({', '.join('?' * len(part))})"
            out.update(r[0] for r in self.db.execute(q, part))
        return out

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]

    def specs(self) -> list[dict[str, Any]]:
        return [json.loads(r[0]) for r in self.db.execute("SELECT spec FROM sweeps ORDER BY id")]

    def records(self, keys: Sequence[str] | None = None) -> SweepRecords:
        """Stored runs (all, or those of ``keys`` in that order); histories are decoded on access."""
        q = f"SELECT {', '.join(_COLUMNS)} FROM runs"
        if keys is None:
            return SweepRecords(_record(r) for r in self.db.execute(q + " ORDER BY rowid"))
        found: dict[str, SweepRecord] = {}
        keys = list(keys)
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            for r in self.db.execute(q + f" WHERE key IN ({', '.join('?' * len(part))})", part):
                found[r[0]] = _record(r)
        return SweepRecords(found[k] for k in keys if k in found)


def _row(r: dict[str, Any]) -> tuple:
    hist = None if r.get("history") is None else zlib.compress(json.dumps(r["history"]).encode(), 6)
    return (r["key"], json.dumps(r["config"], sort_keys=True), r["status"], r.get("message", ""),
            json.dumps(r.get("metrics") or {}), hist, r.get("seconds"), r.get("chunk_seconds"), r.get("chunk_size"),
            r.get("finished"), r.get("worker"), r.get("relulab_version"), r.get("torch_version"))


def _record(row: tuple) -> SweepRecord:
    d = dict(zip(_COLUMNS, row, strict=True))
    return SweepRecord(key=d["key"], config=json.loads(d["config"]), status=d["status"], message=d["message"],
                       metrics=json.loads(d["metrics"]), seconds=d["seconds"], chunk_seconds=d["chunk_seconds"],
                       chunk_size=d["chunk_size"], finished=d["finished"], worker=d["worker"],
                       relulab_version=d["relulab_version"], torch_version=d["torch_version"],
                       history_blob=d["history"])


def decode_history(blob: bytes | None) -> dict[str, Any] | None:
    return None if blob is None else json.loads(zlib.decompress(blob))
