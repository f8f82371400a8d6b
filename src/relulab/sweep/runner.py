"""Run a sweep: what is missing from the store, grouped into stacks, on any backend, committed as it lands.

>>> from relulab.sweep.spec import SweepSpec
>>> spec = SweepSpec.from_dict({"base": {"dataset": "xor", "hidden": [2], "epochs": 2, "n_points": 40},
...                             "grid": {"lr": [0.03, 0.1]}, "seeds": 2})
>>> recs = run_sweep(spec, workers=1)
>>> len(recs), {r.status for r in recs}
(4, {'completed'})
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import RunConfig
from ..training.stacked import stack_key
from .executors import BackendLost, check_scheduler, open_backend
from .grouping import MAX_CHUNK, share_of, stream_tasks, task_sizes
from .records import SweepRecords
from .spec import SweepSpec, load_spec, run_key
from .store import SweepStore
from .worker import run_chunk

Progress = Callable[[int, int], None]  # (runs stored so far, total)
BATCH = 500  # runs looked up in the store at once
TICK_S = 1.0  # how often a wait for tasks looks at the backend's health


class SweepIncomplete(RuntimeError):
    """Some tasks were lost (a dead worker, a broken pool); everything else is stored -- rerun to resume."""

    def __init__(self, message: str, missing: int) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass
class Plan:
    """What a sweep has to do, counted in one pass over its spec (no config is kept)."""

    runs: int  # distinct runs in the spec
    stored: int  # already in the store (not run again)
    pending: dict[tuple, int]  # runs to do per stack group
    groups: int  # stack groups among all runs
    keys: bytearray = field(repr=False)  # the runs' keys, 16 bytes each, in spec order
    retry_errors: bool = False

    @property
    def to_run(self) -> int:
        return sum(self.pending.values())

    def share(self, workers: int, max_chunk: int = MAX_CHUNK) -> int:
        return share_of(self.to_run, workers=workers, max_chunk=max_chunk)

    def tasks(self, workers: int, max_chunk: int = MAX_CHUNK) -> int:
        share = self.share(workers, max_chunk)
        return sum(len(task_sizes(n, share)) for n in self.pending.values() if n)

    def run_keys(self) -> Iterator[str]:
        return (self.keys[i:i + 16].hex() for i in range(0, len(self.keys), 16))


def as_spec(spec: SweepSpec | dict | str | Path) -> SweepSpec:
    if isinstance(spec, SweepSpec):
        return spec
    if isinstance(spec, dict):
        return SweepSpec.from_dict(spec)
    return load_spec(spec)


def _batches(spec: SweepSpec, store: SweepStore, retry_errors: bool) -> Iterator[list[tuple[RunConfig, str, bool]]]:
    """The spec's runs in batches: ``(config, key, stored)`` (a run stored as ``error`` counts as not
    stored with ``retry_errors``)."""
    it = spec.iter_configs()
    while batch := list(itertools.islice(it, BATCH)):
        keys = [run_key(c) for c in batch]
        have = store.present(keys, errors=not retry_errors)
        yield [(c, k, k in have) for c, k in zip(batch, keys, strict=True)]


def make_plan(spec: SweepSpec, store: SweepStore, *, retry_errors: bool = False) -> Plan:
    """Count what ``spec`` asks of ``store`` -- validating every run on the way, before anything runs."""
    keys, stored, pending, all_groups = bytearray(), 0, {}, set()
    for batch in _batches(spec, store, retry_errors):
        for cfg, key, have in batch:
            keys += bytes.fromhex(key)
            sk = stack_key(cfg)
            all_groups.add(sk)
            stored += have
            if not have:
                pending[sk] = pending.get(sk, 0) + 1
    return Plan(len(keys) // 16, stored, pending, len(all_groups), keys, retry_errors)


def run_sweep(spec: SweepSpec | dict | str | Path, db: str | Path | None = None, *, workers: int | None = None,
              scheduler: str | None = None, progress: bool | Progress = False, max_chunk: int = MAX_CHUNK,
              log: Callable[[str], None] | None = None, deadline: float | None = None,
              retry_errors: bool = False, records: bool = True) -> SweepRecords:
    """Run every missing run of ``spec`` and return the records of all its runs, in spec order.

    ``db``: a SQLite file (resumable; ``None`` keeps results in memory). ``workers``: processes
    (default: all cores; 1 runs here). ``scheduler``: see :mod:`relulab.sweep.executors` (``deadline``:
    seconds without the Dask scheduler before the sweep ends with what is stored).
    ``progress``: ``True`` for a rich bar on a terminal, or a callback ``(done, total)``.
    ``retry_errors``: run again the runs stored as ``error`` (a diverged run is a result, not an error).
    ``records=False``: return no records (an empty list with ``.ran`` and ``.total``) -- the sweep itself
    keeps none: plan and records stream, so a sweep of any size runs in the same memory.
    Raises :class:`SweepIncomplete` when tasks were lost (the rest is stored).
    """
    spec = as_spec(spec)
    check_scheduler(scheduler)
    next(spec.iter_configs(), None)  # the axes are checked before the store is opened
    new = db is None or not Path(db).exists()
    if new:  # every run is validated before the file is created
        with SweepStore(":memory:") as empty:
            p = make_plan(spec, empty, retry_errors=retry_errors)
    # A forked worker inherits this connection but never uses it (and leaves through os._exit).
    with SweepStore(":memory:" if db is None else db) as store:
        if not new:  # every run validated before any worker starts
            p = make_plan(spec, store, retry_errors=retry_errors)
        ran = 0
        if p.to_run:
            asked = workers if workers is not None else (os.cpu_count() or 1)
            with open_backend(scheduler, workers, tasks=p.tasks(asked, max_chunk), deadline=deadline,
                              log=log) as backend:
                store.add_spec(spec.to_dict())
                if log:
                    log(f"{p.runs} runs, {p.stored} already stored, {p.to_run} to run in "
                        f"{p.tasks(backend.workers, max_chunk)} tasks on {backend.description}")
                ran = execute(spec, p, backend, store, progress, max_chunk)
        out = SweepRecords(store.iter_records(p.run_keys()) if records else ())
        out.ran, out.total, out.skipped = ran, p.runs, store.skipped  # runs this call trained and stored
        out.keys = p.keys
        return out


def execute(spec: SweepSpec, p: Plan, backend: Any, store: SweepStore, progress: bool | Progress,
            max_chunk: int = MAX_CHUNK) -> int:
    """Run the plan's tasks, storing each task's records as it lands; returns how many runs were stored."""
    share = p.share(backend.workers, max_chunk)
    todo = (c for batch in _batches(spec, store, p.retry_errors) for c, _, have in batch if not have)
    with _progress(progress, p.runs, p.stored) as advance:
        done, error, added = _drive(stream_tasks(todo, p.pending, share), backend, store, advance, p.retry_errors)
    lost = p.to_run - done
    if lost > 0:
        raise SweepIncomplete(f"{lost} runs were lost ({error}); the others are stored -- run the same sweep again "
                              "to run only what is missing", lost)
    return added


def _drive(tasks: Iterator[list[RunConfig]], backend: Any, store: SweepStore, advance: Callable[[int], None],
           retry_errors: bool = False) -> tuple[int, str, int]:
    """Keep ``2 x workers`` tasks in flight; returns (runs done or found stored, first error, runs added)."""
    inflight: dict[Future, list[RunConfig]] = {}
    done_runs, error, added = 0, "", 0
    limit = 2 * backend.workers
    more = True
    while more or inflight:
        while more and len(inflight) < limit:
            chunk = next(tasks, None)
            if chunk is None:
                more = False
                break
            have = store.present([run_key(c) for c in chunk], errors=not retry_errors)
            if have:  # another sweep on this file may have run them
                advance(len(have))
                done_runs += len(have)
                chunk = [c for c in chunk if run_key(c) not in have]
            if not chunk:
                continue
            try:
                inflight[backend.executor.submit(run_chunk, chunk)] = chunk
            except Exception as e:  # a broken pool, a closed Dask client: the rest is lost
                error = error or f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
                more = False
        if not inflight:
            break
        done, _ = wait(list(inflight), timeout=TICK_S, return_when=FIRST_COMPLETED)
        if not done and backend.check is not None:
            try:
                backend.check()
            except BackendLost as e:
                return done_runs, str(e), added
        for fut in done:
            chunk = inflight.pop(fut)
            try:
                records = fut.result()
            except Exception as e:  # the task never finished: a lost worker, a broken pool
                error = error or f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
                continue
            added += store.add(records)
            done_runs += len(records)
            advance(len(records))
            del records
    return done_runs, error, added


class _progress:
    """A rich bar (runs done / total, runs/s, ETA) on a terminal's stderr, a callback, or nothing."""

    def __init__(self, progress: bool | Progress, total: int, done: int) -> None:
        self.progress, self.total, self.done = progress, total, done
        self.bar = None

    def __enter__(self) -> Callable[[int], None]:
        if callable(self.progress):
            cb = self.progress

            def advance(k: int) -> None:
                self.done += k
                cb(self.done, self.total)

            return advance
        if not self.progress:
            return lambda k: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        console = Console(stderr=True)
        self.bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                            TextColumn("ETA"), TimeRemainingColumn(), console=console, transient=True,
                            disable=not console.is_terminal)
        self.bar.__enter__()
        task = self.bar.add_task("sweep", total=self.total, completed=self.done, rate="")
        start, first = time.perf_counter(), self.done

        def advance_bar(k: int) -> None:
            self.done += k
            rate = (self.done - first) / max(time.perf_counter() - start, 1e-9)
            self.bar.update(task, advance=k, rate=f"{rate:.1f} runs/s")

        return advance_bar

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
