"""relulab.sweep.reader: a database read again and again while another process is writing it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from relulab.sweep.reader import SweepReader
from relulab.sweep.selection import axes, values
from relulab.sweep.store import SweepStore

BATCH = 5
WRITER = textwrap.dedent("""
    import sys
    from relulab.sweep.store import SweepStore
    store = SweepStore(sys.argv[1])
    print("ready", flush=True)
    for i, line in enumerate(sys.stdin):
        seeds = range(i * 5, i * 5 + 5)
        store.add({"key": f"{s:032x}", "config": {"hidden": [3], "activation": "relu", "weight_seed": s},
                   "status": "completed", "metrics": {"test_acc": s / 100},
                   "history": {"epoch": [0, 1], "test_loss": [1.0, 0.5]}} for s in seeds)
        print("ok", flush=True)
""")


def record(key: str, status: str, acc: float | None) -> dict:
    return {"key": key, "config": {"hidden": [3], "activation": "tanh"}, "status": status,
            "message": "boom" if status == "error" else "", "metrics": {} if acc is None else {"test_acc": acc}}


def test_reads_what_a_writing_process_has_committed_batch_by_batch(tmp_path):
    db = tmp_path / "live.db"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        reader = SweepReader(db)
        assert reader.records() == []
        for i in range(1, 9):
            writer.stdin.write("go\n")
            writer.stdin.flush()
            assert writer.stdout.readline().strip() == "ok"  # the batch is committed
            got = reader.records()
            assert len(got) == BATCH * i
            assert [r.config["weight_seed"] for r in got] == list(range(BATCH * i))
            assert all(dict(r.config) == {"hidden": [3], "activation": "relu", "weight_seed": s}
                       for s, r in enumerate(got))  # kept as a difference from the first run's config
            assert reader.values() == values(got) and axes(got) == {"weight_seed": values(got)["weight_seed"]}
            assert reader.get(got[-1].key).history == {"epoch": [0, 1], "test_loss": [1.0, 0.5]}
        writer.stdin.close()
        assert writer.wait(timeout=60) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()


def test_an_error_replaced_in_place_is_read_again(tmp_path):
    db = tmp_path / "retry.db"
    with SweepStore(db) as store:
        store.add([record("a" * 32, "error", None), record("b" * 32, "completed", 0.5)])
        reader = SweepReader(db)
        assert [r.status for r in reader.records()] == ["error", "completed"]
        store.add([record("a" * 32, "completed", 0.75)])  # --retry-errors: same key, same rowid
        got = reader.records()
    assert [(r.key[0], r.status, r.metrics) for r in got] == [("a", "completed", {"test_acc": 0.75}),
                                                              ("b", "completed", {"test_acc": 0.5})]
    assert reader.get("c" * 32) is None


def test_a_missing_or_foreign_file_is_refused_in_one_line(tmp_path):
    with pytest.raises(FileNotFoundError, match="^no sweep database at"):
        SweepReader(tmp_path / "none.db")
    (tmp_path / "text.db").write_text("hello")
    with pytest.raises(ValueError, match=r"is not a sweep database \(not an SQLite file\)$"):
        SweepReader(tmp_path / "text.db")
