"""Where tasks run: one ``concurrent.futures.Executor`` interface for every backend.

``--scheduler`` picks the backend by its scheme (a registry, not an if-chain):

- none / ``process`` -- a process pool over the machine's cores, one torch thread per worker (``serial``
  when there is one worker: in this process, no pool);
- ``local-dask:N`` -- a Dask ``LocalCluster`` of N single-thread workers on 127.0.0.1 (with its
  dashboard when bokeh is installed);
- ``tcp://HOST:8786`` (or ``tls://``) -- an existing Dask scheduler, through ``Client.get_executor()``.

Dask is an optional extra (``pip install 'relulab[dask]'``), imported only here and only when used.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..registry import Registry
from .worker import init_worker, noop

DASK_HINT = "the Dask backend needs dask distributed: pip install 'relulab[dask]'"


@dataclass
class Backend:
    executor: Executor
    workers: int  # tasks that run at once
    description: str


class SerialExecutor(Executor):
    """Runs each task in this process when it is submitted (one worker: no pool to start)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as e:
            fut.set_exception(e)
        return fut


BACKENDS: Registry[Callable[[str, int], Any]] = Registry("scheduler")


@contextmanager
def _serial(arg: str, workers: int) -> Iterator[Backend]:
    init_worker()
    yield Backend(SerialExecutor(), 1, "this process")


@contextmanager
def _process(arg: str, workers: int) -> Iterator[Backend]:
    n = int(arg) if arg else workers
    if n <= 1:
        with _serial("", 1) as b:
            yield b
        return
    # fork starts workers at once; it is safe only while this process has no other thread -- numba's
    # OpenMP pool (a compiled many-model run or a regions call) counts too: its workers abort a forked child.
    forkable = threading.active_count() == 1 and "numba" not in sys.modules
    method = "fork" if forkable and "fork" in mp.get_all_start_methods() else "spawn"
    ex = ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context(method), initializer=init_worker)
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


@contextmanager
def _client_backend(client: Any, description: str) -> Iterator[Backend]:
    n = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()) or 1
    yield Backend(client.get_executor(pure=False), n, f"{description} ({n} worker threads)")


@contextmanager
def _local_dask(arg: str, workers: int) -> Iterator[Backend]:
    n = int(arg) if arg else workers
    distributed = _distributed()
    try:
        import bokeh  # noqa: F401  (the dashboard needs it)

        dashboard: str | None = "127.0.0.1:8787"
    except ImportError:
        dashboard = None
    with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=dashboard) as cluster, distributed.Client(cluster) as client:
        where = f", dashboard {client.dashboard_link}" if dashboard else ""
        with _client_backend(client, f"local Dask cluster {cluster.scheduler_address}{where}") as b:
            yield b


def _remote(scheme: str) -> Callable[[str, int], Any]:
    @contextmanager
    def backend(arg: str, workers: int) -> Iterator[Backend]:
        distributed = _distributed()
        address = f"{scheme}:{arg}"
        try:
            client = distributed.Client(address, timeout=os.environ.get("RELULAB_DASK_TIMEOUT", "10s"))
        except (OSError, TimeoutError) as e:
            raise ValueError(f"cannot reach the Dask scheduler at {address!r}: {e}") from None
        with client, _client_backend(client, f"Dask scheduler {address}") as b:
            yield b

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


def open_backend(scheduler: str | None, workers: int | None = None):
    """A context manager giving a :class:`Backend` for ``scheduler`` (see the module docstring)."""
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n < 1:
        raise ValueError(f"workers must be >= 1, got {n}")
    scheme, arg = check_scheduler(scheduler)
    return BACKENDS.get(scheme)(arg, n)
