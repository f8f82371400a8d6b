"""The task every backend runs: train a chunk of stackable runs, return one plain record per run.

Records are plain dicts (picklable, JSON-able) so that a process pool or a Dask cluster ships them
back to the one process that writes the store. A run that raises is recorded as ``error`` with its
message, after the chunk is retried one run at a time so that one bad run does not take the others.
"""

from __future__ import annotations

import ctypes
import math
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from typing import Any

import torch

from ..config import RunConfig
from ..training.stacked import train_group
from .spec import run_key


def torch_threads_one() -> None:
    """One torch thread per worker (the pool already uses every core)."""
    torch.set_num_threads(1)


def init_worker(parent: int | None = None) -> None:
    """A pool worker's initializer: one torch thread; the worker ends when ``parent`` (the sweep) dies."""
    torch_threads_one()
    if parent is not None:
        die_with_parent(parent)


PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """End this process when ``parent`` dies, even by SIGKILL: the kernel's parent-death signal on Linux
    (set from here, the worker, so it names the process that started it), else a watching thread."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the signal was armed
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="relulab-parent-watch").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


@cache
def versions() -> dict[str, str]:
    """relulab's and torch's versions (read once per process: the package metadata is slow to read)."""
    try:
        rl = metadata.version("relulab")
    except metadata.PackageNotFoundError:  # a source checkout on PYTHONPATH
        rl = "unknown"
    return {"relulab_version": rl, "torch_version": torch.__version__}


def _finite_or_none(v: Any) -> Any:
    return v if not isinstance(v, float) or math.isfinite(v) else None


def record(cfg: RunConfig, *, status: str, message: str = "", metrics: dict | None = None,
           history: dict | None = None, seconds: float, chunk_seconds: float, chunk_size: int) -> dict[str, Any]:
    return {"key": run_key(cfg), "config": cfg.model_dump(mode="json"), "status": status, "message": message,
            "metrics": {k: _finite_or_none(v) for k, v in (metrics or {}).items()}, "history": history,
            "seconds": seconds, "chunk_seconds": chunk_seconds, "chunk_size": chunk_size,
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "worker": f"{socket.gethostname()}:{os.getpid()}", **versions()}


def _records(cfgs: Sequence[RunConfig], runs: list, dt: float) -> list[dict[str, Any]]:
    out = []
    for cfg, run in zip(cfgs, runs, strict=True):
        m = {k: v for k, v in run.metrics().items() if k != "status"}
        out.append(record(cfg, status=run.status, message=run.message, metrics=m, history=run.history.to_dict(),
                          seconds=dt / len(cfgs), chunk_seconds=dt, chunk_size=len(cfgs)))
    return out


def run_chunk(cfgs: Sequence[RunConfig]) -> list[dict[str, Any]]:
    """Train ``cfgs`` (stacked when they can be) and return their records, in order."""
    torch.set_num_threads(1)  # Dask workers have no initializer; cheap to repeat
    t0 = time.perf_counter()
    try:
        return _records(cfgs, train_group(cfgs), time.perf_counter() - t0)
    except Exception:
        if len(cfgs) == 1:
            return [_error(cfgs[0], time.perf_counter() - t0)]
    out = []
    for cfg in cfgs:
        t1 = time.perf_counter()
        try:
            out += _records([cfg], train_group([cfg]), time.perf_counter() - t1)
        except Exception:
            out.append(_error(cfg, time.perf_counter() - t1))
    return out


def _error(cfg: RunConfig, dt: float) -> dict[str, Any]:
    e = sys.exc_info()[1]
    text = str(e).splitlines()[0] if str(e) else ""
    return record(cfg, status="error", message=f"{type(e).__name__}: {text}", seconds=dt, chunk_seconds=dt,
                  chunk_size=1)


def noop() -> int:
    """Submitted once to start a pool's workers before any progress bar thread exists."""
    return os.getpid()
