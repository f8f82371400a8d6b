"""A real Dask cluster for the tests: a scheduler and workers started as separate processes with the
``dask`` command line on 127.0.0.1 (free ports: port 0, the address read back from the scheduler file)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", ""), "RELULAB_THREADS": "1"}


def distributed():
    """dask.distributed, or a skip -- a failure under CI, whose set-up installs relulab[dev,dask]."""
    try:
        import distributed
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("dask[distributed] is missing: scripts/setup.sh dev installs relulab[dev,dask]")
        pytest.skip("dask[distributed] is not installed (pip install 'relulab[dask]')")
    return distributed


class Cluster:
    """``dask scheduler`` and ``dask worker`` processes (no nanny: a killed worker stays dead)."""

    def __init__(self, tmp: Path) -> None:
        self.tmp, self.workers = tmp, []
        self.log = open(tmp / "cluster.log", "wb")  # noqa: SIM115 (closed in stop)
        file = tmp / "scheduler.json"
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                     "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(file))
        deadline = time.monotonic() + 120
        while not file.is_file() or not file.read_text().strip().endswith("}"):
            if self.scheduler.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the Dask scheduler did not start: {self.logs()}")
            time.sleep(0.1)
        self.address = json.loads(file.read_text())["address"]

    def _start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "dask", *args], env=env(), cwd=self.tmp,
                                stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def add_workers(self, n: int) -> None:
        for _ in range(n):
            self.workers.append(self._start("worker", self.address, "--nthreads", "1", "--no-nanny", "--host",
                                            "127.0.0.1", "--no-dashboard", "--dashboard-address", "127.0.0.1:0"))
        self.wait_for_workers(len(self.workers))

    def wait_for_workers(self, n: int) -> None:
        with distributed().Client(self.address, timeout="60s") as client:
            client.wait_for_workers(n, timeout=300)

    def kill(self, proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)

    def logs(self) -> str:
        self.log.flush()
        return (self.tmp / "cluster.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=60)
        self.log.close()
