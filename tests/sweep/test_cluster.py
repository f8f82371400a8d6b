"""A real Dask cluster -- a scheduler and two workers started as separate processes with the ``dask``
command line on 127.0.0.1 -- driven by ``relulab sweep --scheduler tcp://...`` in another process:
a worker killed with SIGKILL, the client killed and run again, the scheduler killed. Only the client
writes the database; every (config, seed) ends up stored exactly once with a local run's numbers."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from relulab.sweep.runner import run_sweep
from relulab.sweep.store import SweepStore

from ._cluster import Cluster, distributed, env
from ._grids import assert_same_numbers, small

pytestmark = pytest.mark.slow
RUNS = 16


def _spec():
    return small(base={**small().base, "epochs": 150, "n_points": 100}, seeds=4)  # 16 runs, ~0.3 s each


@pytest.fixture(scope="module")
def local():
    return run_sweep(_spec(), workers=1)


@pytest.fixture
def cluster(tmp_path):
    distributed()
    c = Cluster(tmp_path)
    try:
        c.add_workers(2)
        yield c
    finally:
        c.stop()


def _cmd(tmp_path, cluster, *extra: str) -> list[str]:
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(_spec().to_dict()))
    return [sys.executable, "-c", "from relulab.cli import main; main()", "sweep", str(spec_file), "--db",
            str(tmp_path / "c.db"), "--scheduler", cluster.address, "--max-chunk", "1", "--json", *extra]


def _count(db) -> int:
    deadline = time.monotonic() + 60
    while True:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
                return c.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        except sqlite3.OperationalError:  # not created yet, or busy for a moment (a killed writer's WAL)
            if not db.exists() or time.monotonic() > deadline:
                return 0
            time.sleep(0.1)


def _wait_for_runs(db, n: int, proc: subprocess.Popen) -> int:
    deadline = time.monotonic() + 300
    while (have := _count(db)) < n and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    return have


def _stored_once(db, local, expect: int = RUNS):
    with SweepStore(db, create=False) as store:
        keys = [r[0] for r in store.db.execute("SELECT key FROM runs")]
        assert len(keys) == len(set(keys)) == expect
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = store.records()
    mine = {r.key for r in stored}
    assert_same_numbers([r for r in local if r.key in mine], stored)
    return stored


def test_a_worker_killed_mid_sweep_loses_nothing(tmp_path, cluster, local):
    proc = subprocess.Popen(_cmd(tmp_path, cluster), env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        assert 2 <= _wait_for_runs(tmp_path / "c.db", 2, proc) < RUNS, "the kill must land mid-sweep"
        cluster.kill(cluster.workers[0])  # SIGKILL: its tasks go to the other worker
        out, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err + cluster.logs()
    assert json.loads(out)["runs"] == RUNS
    stored = _stored_once(tmp_path / "c.db", local)
    pids = {str(w.pid) for w in cluster.workers}
    assert {r.worker.rsplit(":", 1)[1] for r in stored} <= pids, "the workers trained every run; the client none"


def test_the_client_killed_then_run_again_stores_each_run_once(tmp_path, cluster, local):
    proc = subprocess.Popen(_cmd(tmp_path, cluster), env=env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    have = _wait_for_runs(tmp_path / "c.db", 3, proc)
    exited = proc.poll()
    os.killpg(proc.pid, signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    before = _count(tmp_path / "c.db")
    assert exited is None and 3 <= have <= before < RUNS, \
        f"the kill must land mid-sweep (stored {have}, then {before} of {RUNS}; exit {exited}): {err[-1500:]}"
    res = subprocess.run(_cmd(tmp_path, cluster), env=env(), capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr + cluster.logs()
    assert json.loads(res.stdout)["ran"] == RUNS - before, "the second run trains only what is missing"
    _stored_once(tmp_path / "c.db", local)


def test_the_scheduler_killed_ends_the_sweep_with_the_resume_command(tmp_path, cluster, local):
    proc = subprocess.Popen(_cmd(tmp_path, cluster, "--scheduler-deadline", "3"), env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert 2 <= _wait_for_runs(tmp_path / "c.db", 2, proc) < RUNS, "the kill must land mid-sweep"
        cluster.kill(cluster.scheduler)
        _, err = proc.communicate(timeout=300)  # guards a hang; no timing asserted
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode not in (0, None), err
    lines = err.strip().splitlines()
    assert any(line.startswith("error: ") and "the others are stored" in line for line in lines), err
    assert lines[-1].startswith("resume: relulab sweep ") and f"--scheduler {cluster.address}" in lines[-1], err
    assert "--db " + str(tmp_path / "c.db") in lines[-1]
    stored = _count(tmp_path / "c.db")
    assert 2 <= stored < RUNS
    _stored_once(tmp_path / "c.db", local, expect=stored)


def test_a_cluster_without_workers_says_so_and_how_long_it_has_waited(tmp_path, local):
    distributed()
    cluster = Cluster(tmp_path)  # a scheduler, no worker yet
    proc = subprocess.Popen(_cmd(tmp_path, cluster), env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        seen = []
        for line in proc.stderr:  # blocks until the notice (or the end of the process)
            seen.append(line)
            if "has no worker" in line:
                break
        assert seen and seen[-1].strip().startswith(f"the Dask cluster at {cluster.address} has no worker: waited "), \
            seen
        assert f"(start one with: dask worker {cluster.address})" in seen[-1]
        cluster.add_workers(1)
        out, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        cluster.stop()
    assert proc.returncode == 0, err
    assert json.loads(out)["ran"] == RUNS
    _stored_once(tmp_path / "c.db", local)
