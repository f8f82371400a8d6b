"""Run a sweep: what is missing from the store, grouped into stacks, on any backend, committed as it lands.

>>> from relulab.sweep.spec import SweepSpec
>>> spec = SweepSpec.from_dict({"base": {"dataset": "xor", "hidden": [2], "epochs": 2, "n_points": 40},
...                             "grid": {"lr": [0.03, 0.1]}, "seeds": 2})
>>> recs = run_sweep(spec, workers=1)
>>> len(recs), {r.status for r in recs}
(4, {'completed'})
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import RunConfig
from .executors import BackendLost, check_scheduler, open_backend
from .grouping import MAX_CHUNK, groups, plan
from .records import SweepRecords
from .spec import SweepSpec, load_spec, run_key
from .store import SweepStore
from .worker import run_chunk

Progress = Callable[[int, int], None]  # (runs stored so far, total)
TICK_S = 1.0  # how often a wait for tasks looks at the backend's health


class SweepIncomplete(RuntimeError):
    """Some tasks were lost (a dead worker, a broken pool); everything else is stored -- rerun to resume."""

    def __init__(self, message: str, missing: int) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass
class Plan:
    configs: list[RunConfig]
    keys: list[str]
    stored: int  # already in the store
    pending: list[RunConfig]
    groups: int  # stack groups among all runs
    tasks: list[list[RunConfig]] = field(default_factory=list)


def as_spec(spec: SweepSpec | dict | str | Path) -> SweepSpec:
    if isinstance(spec, SweepSpec):
        return spec
    if isinstance(spec, dict):
        return SweepSpec.from_dict(spec)
    return load_spec(spec)


def make_plan(spec: SweepSpec, store: SweepStore, *, workers: int, max_chunk: int = MAX_CHUNK) -> Plan:
    cfgs = spec.configs()  # validates the whole spec first
    keys = [run_key(c) for c in cfgs]
    have = store.present(keys)
    pending = [c for c, k in zip(cfgs, keys, strict=True) if k not in have]
    return Plan(cfgs, keys, len(have), pending, len(groups(cfgs)), plan(pending, workers=workers, max_chunk=max_chunk))


def run_sweep(spec: SweepSpec | dict | str | Path, db: str | Path | None = None, *, workers: int | None = None,
              scheduler: str | None = None, progress: bool | Progress = False, max_chunk: int = MAX_CHUNK,
              log: Callable[[str], None] | None = None, deadline: float | None = None) -> SweepRecords:
    """Run every missing run of ``spec`` and return the records of all its runs, in spec order.

    ``db``: a SQLite file (resumable; ``None`` keeps results in memory). ``workers``: processes
    (default: all cores; 1 runs here). ``scheduler``: see :mod:`relulab.sweep.executors` (``deadline``:
    seconds without the Dask scheduler before the sweep ends with what is stored).
    ``progress``: ``True`` for a rich bar on a terminal, or a callback ``(done, total)``.
    Raises :class:`SweepIncomplete` when tasks were lost (the rest is stored).
    """
    spec = as_spec(spec)
    spec.configs()  # the whole spec is validated before any worker starts
    check_scheduler(scheduler)
    # A forked worker inherits this connection but never uses it (and leaves through os._exit).
    with SweepStore(":memory:" if db is None else db) as store:
        p = make_plan(spec, store, workers=1)
        ran = 0
        if p.pending:
            with open_backend(scheduler, workers, tasks=len(p.tasks), deadline=deadline, log=log) as backend:
                p = make_plan(spec, store, workers=backend.workers, max_chunk=max_chunk)
                store.add_spec(spec.to_dict())
                if log:
                    log(f"{len(p.configs)} runs, {p.stored} already stored, {len(p.pending)} to run in "
                        f"{len(p.tasks)} tasks on {backend.description}")
                ran = execute(p, backend, store, progress)
        records = store.records(p.keys)
        records.ran = ran  # runs this call trained and stored
        return records


def execute(p: Plan, backend: Any, store: SweepStore, progress: bool | Progress) -> int:
    """Run the plan's tasks, storing each task's records as it lands; returns how many runs were stored."""
    total = len(p.configs)
    with _progress(progress, total, p.stored) as advance:
        lost, error, added = _drive(p.tasks, backend, store, advance)
    if lost:
        raise SweepIncomplete(f"{lost} runs were lost ({error}); the others are stored -- run the same sweep again "
                              "to run only what is missing", lost)
    return added


def _drive(tasks: Sequence[list[RunConfig]], backend: Any, store: SweepStore,
           advance: Callable[[int], None]) -> tuple[int, str, int]:
    queue: deque[list[RunConfig]] = deque(tasks)
    inflight: dict[Future, list[RunConfig]] = {}
    lost, error, added = 0, "", 0
    limit = 2 * backend.workers
    while queue or inflight:
        while queue and len(inflight) < limit:
            chunk = queue.popleft()
            have = store.present([run_key(c) for c in chunk])  # another sweep on this file may have run them
            if have:
                advance(len(have))
                chunk = [c for c in chunk if run_key(c) not in have]
            if not chunk:
                continue
            try:
                inflight[backend.executor.submit(run_chunk, chunk)] = chunk
            except Exception as e:  # a broken pool, a closed Dask client
                lost += len(chunk) + sum(len(c) for c in queue)
                queue.clear()
                error = error or f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        if not inflight:
            break
        done, _ = wait(list(inflight), timeout=TICK_S, return_when=FIRST_COMPLETED)
        if not done and backend.check is not None:
            try:
                backend.check()
            except BackendLost as e:
                lost += sum(len(c) for c in inflight.values()) + sum(len(c) for c in queue)
                return lost, str(e), added
        for fut in done:
            chunk = inflight.pop(fut)
            try:
                records = fut.result()
            except Exception as e:  # the task never finished: a lost worker, a broken pool
                lost += len(chunk)
                error = error or f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
                continue
            added += store.add(records)
            advance(len(records))
    return lost, error, added


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
