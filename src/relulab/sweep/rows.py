"""A run's row in the sweep database: to and from the plain record a worker returns."""

from __future__ import annotations

import json
import sys
import zlib
from collections.abc import Sequence
from typing import Any

from .dbfile import TABLES
from .records import SweepRecord

COLUMNS = TABLES["runs"]

UPSERT = (f"INSERT INTO runs ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))}) "
          f"ON CONFLICT(key) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in COLUMNS[1:])} "
          "WHERE runs.status = 'error'")  # a key is stored once; an error is replaced by a new result


def to_row(r: dict[str, Any]) -> tuple:
    hist = None if r.get("history") is None else zlib.compress(json.dumps(r["history"]).encode(), 6)
    return (r["key"], json.dumps(r["config"], sort_keys=True), r["status"], r.get("message", ""),
            json.dumps(r.get("metrics") or {}), hist, r.get("seconds"), r.get("chunk_seconds"), r.get("chunk_size"),
            r.get("finished"), r.get("worker"), r.get("relulab_version"), r.get("torch_version"))


_SLIM: dict[tuple, dict[str, Any]] = {}  # the distinct slim configs seen (a sweep has few)


def from_row(row: tuple, fields: Sequence[str] | None = None, history: bool = True) -> SweepRecord | None:
    """A record, or None when the row is malformed (config or metrics not the JSON objects relulab writes)."""
    d = dict(zip(COLUMNS, row, strict=True))
    try:
        config, metrics = json.loads(d["config"]), json.loads(d["metrics"])
    except (ValueError, TypeError, RecursionError):
        return None
    if not (isinstance(d["key"], str) and isinstance(d["status"], str) and isinstance(config, dict)
            and isinstance(config.get("hidden"), list) and all(isinstance(h, int) for h in config["hidden"])
            and isinstance(metrics, dict)
            and all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in metrics.values())):
        return None
    if fields is not None:  # a slim record for a summary: shared config dicts, no per-run texts
        slim = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in config.items()
                     if k in fields or k == "hidden")
        if len(_SLIM) > 10_000:
            _SLIM.clear()
        try:
            config = _SLIM.setdefault(slim, {k: list(v) if k == "hidden" else v for k, v in slim})
        except TypeError:  # an unhashable value (a mapping): not shared
            config = {k: v for k, v in config.items() if k in fields or k == "hidden"}
        metrics = {k: v for k, v in metrics.items() if k in fields}
        return SweepRecord(key=d["key"], config=config, status=sys.intern(d["status"]), message="", metrics=metrics)
    return SweepRecord(key=d["key"], config=config, status=sys.intern(d["status"]), message=d["message"] or "",
                       metrics=metrics, seconds=d["seconds"], chunk_seconds=d["chunk_seconds"],
                       chunk_size=d["chunk_size"], finished=d["finished"], worker=d["worker"],
                       relulab_version=d["relulab_version"], torch_version=d["torch_version"],
                       history_blob=d["history"] if history else None)
