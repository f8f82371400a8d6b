"""Where tasks run: one ``concurrent.futures.Executor`` interface for every backend.

``--scheduler`` picks the backend by its scheme (a registry, not an if-chain):

- none / ``process`` -- a process pool over the machine's cores, one torch thread per worker (``serial``
  when there is one worker: in this process, no pool);
- ``local-dask:N`` -- a Dask ``LocalCluster`` of N single-thread workers on 127.0.0.1 (with its
  dashboard when bokeh is installed);
- ``tcp://HOST:8786`` (or ``tls://``) -- an existing Dask scheduler, through ``Client.get_executor()``.

A pool starts no more workers than there are tasks, nor more than the machine's cores (``local-dask:N``
too); a pool worker ends when the process that started it dies (Linux: ``PR_SET_PDEATHSIG``; elsewhere
a thread in the worker watches its parent). With Dask, workers only train and return records; the
client -- this process -- writes the database. While waiting, :class:`DaskWatch` checks the client:
the scheduler unreachable for longer than the deadline (``--scheduler-deadline``,
``RELULAB_DASK_DEADLINE``, default 60 s; the connect timeout is ``RELULAB_DASK_TIMEOUT``, default 10 s)
ends the sweep with what is stored; a cluster with no worker is said, with how long it has waited.

Dask is an optional extra (``pip install 'relulab[dask]'``), imported only here and only when used.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..registry import Registry
from .worker import init_worker, noop, torch_threads_one

DASK_HINT = "the Dask backend needs dask distributed: pip install 'relulab[dask]'"


DEFAULT_DEADLINE_S = 60.0


class BackendLost(RuntimeError):
    """The cluster can no longer run tasks (its scheduler is gone past the deadline)."""


@dataclass
class Backend:
    executor: Executor
    workers: int  # tasks that run at once
    description: str
    check: Callable[[], None] | None = None  # called while waiting for tasks; raises BackendLost


@dataclass(frozen=True)
class Options:
    workers: int  # asked for (--workers, or all cores)
    tasks: int | None = None  # tasks to run, when known: no more pool workers than that
    deadline: float = DEFAULT_DEADLINE_S  # seconds without the Dask scheduler before giving up
    log: Callable[[str], None] | None = None

    def pool_size(self, asked: int) -> int:
        return max(1, min(asked, os.cpu_count() or 1, self.tasks if self.tasks is not None else asked))


class SerialExecutor(Executor):
    """Runs each task in this process when it is submitted (one worker: no pool to start)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as e:
            fut.set_exception(e)
        return fut


BACKENDS: Registry[Callable[[str, Options], Any]] = Registry("scheduler")


@contextmanager
def _serial(arg: str, opts: Options) -> Iterator[Backend]:
    torch_threads_one()
    yield Backend(SerialExecutor(), 1, "this process")


@contextmanager
def _process(arg: str, opts: Options) -> Iterator[Backend]:
    n = opts.pool_size(int(arg) if arg else opts.workers)
    if n <= 1:
        with _serial("", opts) as b:
            yield b
        return
    # fork starts workers at once; it is safe only while this process has no other thread -- numba's
    # OpenMP pool (a compiled many-model run or a regions call) counts too: its workers abort a forked child.
    forkable = threading.active_count() == 1 and "numba" not in sys.modules
    method = "fork" if forkable and "fork" in mp.get_all_start_methods() else "spawn"
    ex = ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context(method), initializer=init_worker,
                             initargs=(os.getpid(),))
    try:
        ex.submit(noop).result()  # start the workers now, before any progress-bar thread
        yield Backend(ex, n, f"{n} worker processes")
    except BaseException:
        # Ctrl-C or an error: stop at once; the tasks in flight are lost (a resumed sweep reruns them).
        _terminate(ex)
        raise
    ex.shutdown(wait=True)


def _terminate(ex: ProcessPoolExecutor) -> None:
    stop = getattr(ex, "terminate_workers", None)  # Python >= 3.14
    if stop is not None:
        stop()
        return
    for proc in list((getattr(ex, "_processes", None) or {}).values()):
        proc.terminate()
    ex.shutdown(wait=False, cancel_futures=True)


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ValueError(DASK_HINT) from None
    return distributed


class DaskWatch:
    """Called while the runner waits: the scheduler lost past the deadline raises, no worker is said."""

    NOTICES = (10, 30, 60, 120, 300, 600)  # seconds without a worker at which it is said (then every 10 min)

    def __init__(self, client: Any, address: str, opts: Options) -> None:
        self.client, self.address, self.opts = client, address, opts
        self.lost_since: float | None = None
        self.idle_since: float | None = None
        self.notices = 0

    def __call__(self) -> None:
        now = time.monotonic()
        if self.client.status != "running":
            self.lost_since = self.lost_since or now
            if now - self.lost_since >= self.opts.deadline:
                raise BackendLost(f"lost the Dask scheduler at {self.address}: no contact for "
                                  f"{now - self.lost_since:.0f} s (deadline {self.opts.deadline:g} s)")
            return
        self.lost_since = None
        if self.client.scheduler_info().get("workers"):
            self.idle_since, self.notices = None, 0
            return
        self.idle_since = self.idle_since or now
        waited = now - self.idle_since
        due = self.NOTICES[self.notices] if self.notices < len(self.NOTICES) else 600 * (self.notices - 4)
        if waited >= due:
            self.notices += 1
            if self.opts.log:
                self.opts.log(f"the Dask cluster at {self.address} has no worker: waited {waited:.0f} s "
                              f"(start one with: dask worker {self.address})")


@contextmanager
def _client_backend(client: Any, address: str, description: str, opts: Options) -> Iterator[Backend]:
    n = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
    where = f"{n} worker threads" if n else "no worker yet"
    yield Backend(client.get_executor(pure=False), max(n, 1), f"{description} ({where})",
                  DaskWatch(client, address, opts))


@contextmanager
def _local_dask(arg: str, opts: Options) -> Iterator[Backend]:
    n = opts.pool_size(int(arg) if arg else opts.workers)
    distributed = _distributed()
    try:
        import bokeh  # noqa: F401  (the dashboard needs it)

        dashboard: str | None = "127.0.0.1:8787"
    except ImportError:
        dashboard = None
    with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=dashboard) as cluster, distributed.Client(cluster) as client:
        where = f", dashboard {client.dashboard_link}" if dashboard else ""
        with _client_backend(client, cluster.scheduler_address, f"local Dask cluster {cluster.scheduler_address}"
                             f"{where}", opts) as b:
            yield b


def _remote(scheme: str) -> Callable[[str, Options], Any]:
    @contextmanager
    def backend(arg: str, opts: Options) -> Iterator[Backend]:
        distributed = _distributed()
        address = f"{scheme}:{arg}"
        try:
            client = distributed.Client(address, timeout=os.environ.get("RELULAB_DASK_TIMEOUT", "10s"))
        except (OSError, TimeoutError) as e:
            raise ValueError(f"cannot reach the Dask scheduler at {address!r}: {e}") from None
        try:
            with _client_backend(client, address, f"Dask scheduler {address}", opts) as b:
                yield b
        finally:  # a lost scheduler: close without waiting on it
            client.close(timeout=min(opts.deadline, 10) if client.status == "running" else 1)

    return backend


BACKENDS.register("serial", _serial)
BACKENDS.register("process", _process)
BACKENDS.register("local-dask", _local_dask)
for _scheme in ("tcp", "tls"):
    BACKENDS.register(_scheme, _remote(_scheme))


def check_scheduler(scheduler: str | None) -> tuple[str, str]:
    """``(scheme, argument)`` of a ``--scheduler`` value, or one ValueError line (nothing is started)."""
    scheme, _, arg = (scheduler or "process").partition(":")
    if scheme not in BACKENDS.names():
        raise ValueError(f"unknown scheduler {scheduler!r}; allowed: process[:N], serial, local-dask:N, "
                         "tcp://HOST:PORT, tls://HOST:PORT")
    if scheme in ("process", "local-dask") and arg and not (arg.isdigit() and int(arg) >= 1):
        raise ValueError(f"--scheduler {scheme}:N wants a worker count N >= 1, got {scheduler!r}")
    return scheme, arg


def deadline_from_env() -> float:
    """``RELULAB_DASK_DEADLINE`` (seconds, > 0), else the default."""
    text = os.environ.get("RELULAB_DASK_DEADLINE")
    return DEFAULT_DEADLINE_S if not text else check_deadline(text, "RELULAB_DASK_DEADLINE")


def check_deadline(value: float | str, name: str = "--scheduler-deadline") -> float:
    try:
        v = float(value)
    except ValueError:
        v = math.nan
    if not (math.isfinite(v) and 0 < v <= 86400):
        raise ValueError(f"{name} must be a number of seconds in (0, 86400], got {value!r}")
    return v


def open_backend(scheduler: str | None, workers: int | None = None, *, tasks: int | None = None,
                 deadline: float | None = None, log: Callable[[str], None] | None = None):
    """A context manager giving a :class:`Backend` for ``scheduler`` (see the module docstring)."""
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n < 1:
        raise ValueError(f"workers must be >= 1, got {n}")
    scheme, arg = check_scheduler(scheduler)
    opts = Options(n, tasks, deadline_from_env() if deadline is None else check_deadline(deadline), log)
    return BACKENDS.get(scheme)(arg, opts)
