"""The Python entry points: ``rl.sweep(...)``, ``rl.load_sweep(db)``, records, summary, DataFrame."""

from __future__ import annotations

import importlib.util

import pytest

import relulab as rl
from relulab.sweep import SweepRecords, run_sweep, summarize

from ._grids import SMALL, assert_same_numbers


def test_sweep_and_load_sweep(tmp_path):
    db = tmp_path / "api.db"
    recs = rl.sweep(SMALL, db, workers=1)
    assert isinstance(recs, SweepRecords) and len(recs) == 12 and recs.ran == 12
    loaded = rl.load_sweep(db)
    assert_same_numbers(recs, loaded)
    assert sorted({(r.get("hidden"), r.get("depth"), r.get("width")) for r in loaded}) == [((3,), 1, 3), ((4, 2), 2, 4)]
    assert loaded[0].get("test_accuracy") == loaded[0].metrics["test_acc"]
    rows = summarize(loaded, by=["activation"], metric="test_acc", success=0.7)
    assert sorted(r.group["activation"] for r in rows) == ["relu", "tanh"] and sum(r.n for r in rows) == 12
    assert loaded.summarize(by=["activation"], success=0.7) == rows
    ordered = summarize(loaded, by=["activation"], order={"activation": ["tanh", "relu"]})
    assert [r.group["activation"] for r in ordered] == ["tanh", "relu"]
    assert run_sweep(SMALL, db, workers=1).ran == 0


def test_records_as_a_dataframe_only_with_pandas(tmp_path):
    recs = rl.sweep({**SMALL, "seeds": 1}, workers=1)
    if importlib.util.find_spec("pandas") is None:
        with pytest.raises(ImportError, match="to_frame needs pandas"):
            recs.to_frame()
    else:
        df = recs.to_frame()
        assert len(df) == 4 and {"activation", "hidden", "test_acc", "status"} <= set(df.columns)


def test_load_sweep_of_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no sweep database"):
        rl.load_sweep(tmp_path / "nothing.db")
