"""Backends: a pool never larger than its tasks or the machine, and pool workers that end with their parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from relulab.sweep.executors import check_deadline, open_backend
from relulab.sweep.runner import run_sweep

from ._grids import small

ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_more_workers_than_tasks_starts_no_more_workers_than_tasks():
    lines = []
    spec = small(grid={"activation": ["relu"], "hidden": [[3], [4, 2]]}, seeds=1)  # 2 runs, 2 stack groups: 2 tasks
    recs = run_sweep(spec, workers=8, log=lines.append)
    n = min(2, os.cpu_count() or 1)
    where = f"{n} worker processes" if n > 1 else "this process"
    assert lines == [f"2 runs, 0 already stored, 2 to run in 2 tasks on {where}"]
    assert len({r.worker for r in recs}) <= n
    with open_backend("process:64", tasks=3) as b:
        assert b.workers == min(3, os.cpu_count() or 1)
        assert len(b.executor._processes) <= b.workers
    with open_backend(None, 1000) as b:
        assert b.workers <= (os.cpu_count() or 1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_pool_workers_end_when_the_sweep_process_is_killed(tmp_path):
    code = f"""
from relulab.sweep.runner import run_sweep
from tests.sweep._grids import small
spec = small(base={{**small().base, "epochs": 3000}}, seeds=4)
run_sweep(spec, {str(tmp_path / "k.db")!r}, workers=2, max_chunk=1)
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(kids := _children(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(kids) >= 2, "the pool started"
    time.sleep(1.0)  # the workers are past their initializer, training
    proc.send_signal(signal.SIGKILL)  # the parent alone: its workers are not signalled
    proc.wait(timeout=60)
    deadline = time.monotonic() + 120
    while any(_alive(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [k for k in kids if _alive(k)]
    for k in left:
        os.kill(k, signal.SIGKILL)
    assert left == [], "pool workers outlived the sweep"


def test_the_scheduler_deadline_is_checked():
    assert check_deadline("2.5") == 2.5
    for bad in ("0", "-1", "nan", "inf", "soon", "1e9"):
        with pytest.raises(ValueError, match=r"--scheduler-deadline must be a number of seconds in \(0, 86400\]"):
            check_deadline(bad)
