"""The store: one row per run whatever happens -- kill -9 mid-sweep then resume, two sweeps writing at once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from relulab.sweep.runner import run_sweep
from relulab.sweep.spec import SweepSpec
from relulab.sweep.store import SweepStore

from ._grids import assert_same_numbers, small

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _sweep_cmd(spec_file: Path, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-c", "from relulab.cli import main; main()", "sweep", str(spec_file), "--db", str(db),
            "--json", *extra]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as c:
            return c.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_add_ignores_a_key_already_stored_and_reads_back(tmp_path):
    recs = run_sweep(small(seeds=1), workers=1)
    with SweepStore(tmp_path / "s.db") as store:
        rows = [{"key": r.key, "config": r.config, "status": r.status, "message": r.message, "metrics": r.metrics,
                 "history": r.history, "seconds": r.seconds} for r in recs]
        assert store.add(rows) == 4 and store.add(rows[:2]) == 0 and store.count() == 4
        back = store.records([r.key for r in reversed(recs)])
        assert [b.key for b in back] == [r.key for r in reversed(recs)]
        assert back[0].history == recs[-1].history and back[0].metrics == recs[-1].metrics
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_opening_refuses_what_is_not_a_sweep_database(tmp_path):
    with pytest.raises(FileNotFoundError, match="no sweep database at"):
        SweepStore(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()
    (tmp_path / "text.db").write_text("hello, this is not SQLite at all" * 10)
    with pytest.raises(ValueError, match="is not a sweep database"):
        SweepStore(tmp_path / "text.db", create=False)
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ValueError, match="has a table 't' that relulab did not write"):
        SweepStore(tmp_path / "other.db", create=False)
    sqlite3.connect(tmp_path / "empty.db").execute("VACUUM").connection.close()
    with pytest.raises(ValueError, match="no 'runs' table"):
        SweepStore(tmp_path / "empty.db", create=False)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_interrupted_mid_sweep_then_resumed_stores_each_run_once_with_the_same_numbers(tmp_path, sig):
    spec = small(base={**small().base, "epochs": 150, "n_points": 100}, seeds=4)  # 16 runs, ~0.3 s each
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec.to_dict()))
    db = tmp_path / "killed.db"
    proc = subprocess.Popen(_sweep_cmd(spec_file, db, "--workers", "2", "--max-chunk", "1"), env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 300
    while _count(db) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, sig)  # the driver and its worker processes, mid-way (Ctrl-C signals the whole group)
    _, err = proc.communicate(timeout=120)
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "interrupted: finished runs are stored" in err.decode(), err
    before = _count(db)
    assert 3 <= before < 16, f"the kill must land mid-way (stored {before} of 16)"
    res = subprocess.run(_sweep_cmd(spec_file, db, "--workers", "2"), env=_env(), capture_output=True, text=True,
                         timeout=600)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["ran"] == 16 - before, "the resumed sweep trains only the missing runs"
    with SweepStore(db) as store:
        assert store.count() == 16
        keys = [r[0] for r in store.db.execute("SELECT key FROM runs")]
        assert len(keys) == len(set(keys)) == 16
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        resumed = store.records()
    uninterrupted = run_sweep(spec, workers=1)
    assert_same_numbers(uninterrupted, resumed)


@pytest.mark.slow
def test_two_sweeps_writing_one_database_at_once(tmp_path):
    db = tmp_path / "shared.db"
    a = small(grid={"activation": ["relu", "tanh"], "hidden": [[3]]}, seeds=6)
    b = small(grid={"activation": ["tanh", "sigmoid"], "hidden": [[3]]}, seeds=6)  # tanh overlaps
    files = []
    for name, s in (("a", a), ("b", b)):
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(json.dumps(s.to_dict()))
    procs = [subprocess.Popen(_sweep_cmd(f, db, "--workers", "1", "--max-chunk", "1"), env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    results = [json.loads(o[0]) for o in outs]
    assert [r["runs"] for r in results] == [12, 12]
    assert sum(r["ran"] for r in results) == 18  # an overlapping run may be trained twice, it is stored once
    with SweepStore(db) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        keys = [r[0] for r in store.db.execute("SELECT key FROM runs")]
        assert len(keys) == len(set(keys)) == 18  # relu 6 + tanh 6 + sigmoid 6
        stored = store.records()
    union = SweepSpec.from_dict({**a.to_dict(), "grid": {"activation": ["relu", "tanh", "sigmoid"],
                                                         "hidden": [[3]]}})
    assert_same_numbers(run_sweep(union, workers=1), stored)


def test_many_sweeps_creating_one_database_at_once_all_open_it(tmp_path):
    # Switching a new database to WAL can answer "database is locked" at once (no busy wait): without a
    # retry, about one opener in 60 failed here with "... is not a sweep database: database is locked".
    failures = []
    for trial in range(40):
        path = tmp_path / f"s{trial}.db"
        barrier = threading.Barrier(6)

        def opener(path=path, barrier=barrier):
            barrier.wait()
            try:
                SweepStore(path).close()
            except ValueError as e:
                failures.append(str(e))

        threads = [threading.Thread(target=opener) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert failures == []
