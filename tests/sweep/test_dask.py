"""The Dask backend runs the same tasks through the same runner: same numbers as the local backends."""

from __future__ import annotations

import sys

import pytest

from relulab.sweep.executors import DASK_HINT
from relulab.sweep.runner import run_sweep
from relulab.sweep.store import SweepStore

from ._cluster import distributed as _distributed
from ._grids import assert_same_numbers, small


@pytest.mark.slow
def test_local_cluster_of_two_workers_gives_the_local_numbers(tmp_path):
    distributed = _distributed()
    spec = small()
    local = run_sweep(spec, workers=1)
    # Two single-thread workers in this process (processes=False keeps the test fast), reached over TCP on
    # 127.0.0.1 through the same --scheduler path a remote cluster takes.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, host="127.0.0.1",
                                  protocol="tcp://", dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        dasked = run_sweep(spec, tmp_path / "d.db", scheduler=cluster.scheduler_address)
    assert_same_numbers(local, dasked)
    with SweepStore(tmp_path / "d.db") as store:
        assert store.count() == 12


def test_an_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    _distributed()
    monkeypatch.setenv("RELULAB_DASK_TIMEOUT", "1s")
    with pytest.raises(ValueError, match="cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'"):
        run_sweep(small(), tmp_path / "u.db", scheduler="tcp://127.0.0.1:9")


def test_missing_dask_says_which_pip_command(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    for scheduler in ("tcp://127.0.0.1:8786", "local-dask:2"):
        with pytest.raises(ValueError) as err:
            run_sweep(small(), tmp_path / "m.db", scheduler=scheduler)
        assert str(err.value) == DASK_HINT == "the Dask backend needs dask distributed: pip install 'relulab[dask]'"
