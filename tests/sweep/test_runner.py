"""The runner: the same numbers as plain training, on one process or a pool; resumes run only what is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from relulab.sweep.grouping import groups, plan
from relulab.sweep.runner import SweepIncomplete, run_sweep
from relulab.sweep.store import SweepStore
from relulab.training import train

from ._grids import assert_same_numbers, small

ROOT = Path(__file__).resolve().parents[2]


def test_records_equal_plain_training_run_by_run():
    spec = small(seeds=2)
    recs = run_sweep(spec, workers=1)
    assert [r.config for r in recs] == [c.model_dump(mode="json") for c in spec.configs()]
    for r, cfg in zip(recs, spec.configs(), strict=True):
        alone = train(cfg)
        m = alone.metrics()
        assert r.status == alone.status == "completed"
        assert r.metrics["test_acc"] == m["test_acc"] and r.metrics["epoch"] == cfg.epochs
        assert r.metrics["test_loss"] == pytest.approx(m["test_loss"], abs=1e-12)
        assert r.history["test_loss"] == pytest.approx(alone.history.test_loss, abs=1e-12)
        assert r.relulab_version and r.torch_version and r.seconds > 0 and r.chunk_size == 2


def test_process_pool_gives_the_numbers_of_one_process(tmp_path):
    spec = small()
    serial = run_sweep(spec, workers=1)
    pooled = run_sweep(spec, tmp_path / "p.db", workers=2)
    assert_same_numbers(serial, pooled)
    assert all(not r.worker.endswith(f":{os.getpid()}") for r in pooled), "trained in the pool's processes"
    assert all(r.worker.endswith(f":{os.getpid()}") for r in serial), "one worker: trained in this process"


def test_a_pool_after_numbas_parallel_pool_started(tmp_path):
    # numba's OpenMP pool aborts a forked child ("fork() called from a process already using GNU OpenMP"):
    # once a compiled many-model run has happened in this process, the pool must spawn its workers.
    code = f"""
import numba, numpy as np
from relulab.sweep.runner import run_sweep
from tests.sweep._grids import small

@numba.njit(parallel=True)
def total(a):
    s = 0.0
    for i in numba.prange(a.size):
        s += a[i]
    return s

assert total(np.ones(1000)) == 1000.0
recs = run_sweep(small(), {str(tmp_path / "p.db")!r}, workers=2)
print(len(recs), sorted({{r.status for r in recs}}))
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT),
                                                                     os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[0] == str(len(small().configs())) and "['completed']" in out.stdout


def test_resume_runs_only_what_is_missing(tmp_path):
    db = tmp_path / "s.db"
    part = run_sweep(small(grid={"activation": ["relu"], "hidden": [[3], [4, 2]]}), db, workers=1)
    seen = []
    full = run_sweep(small(), db, workers=1, progress=lambda done, total: seen.append((done, total)))
    assert seen[0][0] > len(part) and seen[-1] == (12, 12)  # the bar starts at the 6 stored runs
    with SweepStore(db) as store:
        assert store.count() == 12 and len(store.specs()) == 2
    assert_same_numbers([r for r in full if r.key in {p.key for p in part}], part)
    again = []
    run_sweep(small(), db, workers=1, progress=lambda d, t: again.append(d))
    assert again == [], "nothing left to run: no task, no progress"


def test_grouping_stacks_by_key_and_splits_for_the_workers():
    cfgs = small(seeds=10).configs()
    assert [len(g) for g in groups(cfgs)] == [10, 10, 10, 10]
    tasks = plan(cfgs, workers=2)
    assert sorted(len(t) for t in tasks) == [10] * 4
    one = plan(cfgs[:10], workers=3)
    assert sorted(len(t) for t in one) == [3, 3, 4]
    assert sum(len(t) for t in plan(cfgs, workers=2, max_chunk=3)) == 40
    assert max(len(t) for t in plan(cfgs, workers=2, max_chunk=3)) == 3


def test_a_failing_run_is_stored_as_an_error_and_the_others_complete(monkeypatch):
    import relulab.sweep.worker as worker

    real = worker.train_group

    def flaky(cfgs, **kw):
        if any(c.weight_seed == 1 for c in cfgs):
            raise RuntimeError("boom\nsecond line")
        return real(cfgs, **kw)

    monkeypatch.setattr(worker, "train_group", flaky)
    recs = run_sweep(small(), workers=1)
    errors = [r for r in recs if r.status == "error"]
    assert len(errors) == 4 and all(r.config["weight_seed"] == 1 for r in errors)
    assert errors[0].message == "RuntimeError: boom" and errors[0].metrics == {}
    assert sum(r.status == "completed" for r in recs) == 8


def test_a_lost_task_is_reported_and_the_rest_stored(tmp_path, monkeypatch):
    import relulab.sweep.runner as runner

    real = runner.run_chunk

    def dies(cfgs):
        if cfgs[0].activation == "tanh":
            raise OSError("worker lost")
        return real(cfgs)

    monkeypatch.setattr(runner, "run_chunk", dies)
    with pytest.raises(SweepIncomplete, match="6 runs were lost .OSError: worker lost.; the others are stored") as e:
        run_sweep(small(), tmp_path / "l.db", workers=1)
    assert e.value.missing == 6
    with SweepStore(tmp_path / "l.db") as store:
        assert store.count() == 6
    monkeypatch.setattr(runner, "run_chunk", real)
    assert len(run_sweep(small(), tmp_path / "l.db", workers=1)) == 12


def test_bad_spec_or_scheduler_is_refused_before_anything_runs(tmp_path):
    db = tmp_path / "x.db"
    with pytest.raises(ValueError, match="empty axis 'lr'"):
        run_sweep({"grid": {"lr": []}}, db)
    assert not db.exists()
    with pytest.raises(ValueError, match="unknown scheduler 'udp://x'"):
        run_sweep(small(), db, scheduler="udp://x")
    with pytest.raises(ValueError, match="local-dask:N wants a worker count"):
        run_sweep(small(), db, scheduler="local-dask:zero")
    assert not db.exists()


def test_retry_errors_runs_again_only_the_runs_stored_as_error(tmp_path, monkeypatch):
    import sqlite3

    import relulab.sweep.worker as worker

    real = worker.train_group

    def flaky(cfgs, **kw):
        if any(c.weight_seed == 1 for c in cfgs):
            raise RuntimeError("out of luck")
        return real(cfgs, **kw)

    db = tmp_path / "r.db"
    monkeypatch.setattr(worker, "train_group", flaky)
    first = run_sweep(small(), db, workers=1)
    assert sum(r.status == "error" for r in first) == 4
    monkeypatch.setattr(worker, "train_group", real)
    with sqlite3.connect(db) as c:  # a diverged run is a result: never retried
        c.execute("UPDATE runs SET status = 'diverged' WHERE json_extract(config, '$.weight_seed') = 2")
    assert run_sweep(small(), db, workers=1).ran == 0, "a plain resume leaves errors stored"
    again = run_sweep(small(), db, workers=1, retry_errors=True)
    assert again.ran == 4 and len(again) == 12
    assert sorted(r.status for r in again) == ["completed"] * 8 + ["diverged"] * 4
    assert_same_numbers([r for r in again if r.config["weight_seed"] == 1],
                        [r for r in run_sweep(small(), workers=1) if r.config["weight_seed"] == 1])
    with SweepStore(db) as store:
        assert store.count() == 12


def test_tasks_stream_without_holding_the_sweep():
    from relulab.sweep.grouping import stream_tasks

    cfgs = small(seeds=10).configs()  # 4 groups of 10, in spec order
    pulled = []

    def source():
        for c in cfgs:
            pulled.append(c)
            yield c

    sizes = {}
    for g in groups(cfgs):
        sizes[__import__("relulab.training.stacked", fromlist=["stack_key"]).stack_key(g[0])] = len(g)
    tasks = stream_tasks(source(), sizes, share=4)
    first = next(tasks)
    assert len(first) == 4 and len(pulled) == 4, "a task leaves as soon as it is full"
    rest = list(tasks)
    assert sorted(len(t) for t in [first, *rest]) == sorted(len(t) for t in plan(cfgs, workers=10, max_chunk=4))
    assert sorted(c.model_dump_json() for t in [first, *rest] for c in t) == sorted(c.model_dump_json() for c in cfgs)


def test_a_sweep_asked_for_no_records_returns_none(tmp_path):
    done = run_sweep(small(), tmp_path / "n.db", workers=1, records=False)
    assert list(done) == [] and (done.ran, done.total) == (12, 12)
    assert [done.keys[i:i + 16].hex() for i in range(0, 12 * 16, 16)] == [r.key for r in
                                                                              run_sweep(small(), tmp_path / "n.db")]
