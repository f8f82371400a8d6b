"""What a sweep database path may be: relulab's mark, earlier unmarked files; foreign, newer, odd ones refused."""

from __future__ import annotations

import os
import sqlite3

import pytest

from relulab.sweep.dbfile import APPLICATION_ID, SCHEMA_VERSION
from relulab.sweep.runner import run_sweep
from relulab.sweep.store import SweepStore

from ._grids import small

OLD_SCHEMA = """
CREATE TABLE runs (
    key TEXT PRIMARY KEY, config TEXT NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL,
    metrics TEXT NOT NULL, history BLOB, seconds REAL, chunk_seconds REAL, chunk_size INTEGER,
    finished TEXT, worker TEXT, relulab_version TEXT, torch_version TEXT);
CREATE TABLE sweeps (id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL, spec TEXT NOT NULL);
"""


def _pragmas(path) -> tuple[int, int]:
    with sqlite3.connect(path) as c:
        return c.execute("PRAGMA application_id").fetchone()[0], c.execute("PRAGMA user_version").fetchone()[0]


def test_a_new_database_carries_relulabs_mark(tmp_path):
    SweepStore(tmp_path / "new.db").close()
    assert _pragmas(tmp_path / "new.db") == (APPLICATION_ID, SCHEMA_VERSION) == (0x524C5357, 1)


def test_an_earlier_unmarked_relulab_database_opens_and_is_marked_when_written(tmp_path):
    db = tmp_path / "old.db"
    recs = run_sweep(small(seeds=1), workers=1)
    with sqlite3.connect(db) as c:  # the file a relulab without the mark wrote
        c.executescript(OLD_SCHEMA)
        c.execute("INSERT INTO runs (key, config, status, message, metrics) VALUES (?, ?, ?, ?, ?)",
                  (recs[0].key, __import__("json").dumps(recs[0].config), "completed", "", '{"test_acc": 0.5}'))
    assert _pragmas(db) == (0, 0)
    with SweepStore(db, create=False) as store:  # reading leaves it as it is
        assert [r.key for r in store.records()] == [recs[0].key]
    assert _pragmas(db) == (0, 0)
    run_sweep(small(seeds=1), db, workers=1)
    assert _pragmas(db) == (APPLICATION_ID, SCHEMA_VERSION)
    with SweepStore(db, create=False) as store:
        assert store.count() == 4 and store.records([recs[0].key])[0].metrics == {"test_acc": 0.5}


def _foreign(path) -> bytes:
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        c.execute("INSERT INTO notes (text) VALUES ('keep me')")
    return path.read_bytes()


def _newer(path) -> bytes:
    SweepStore(path).close()
    with sqlite3.connect(path) as c:
        c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        c.execute("PRAGMA journal_mode = DELETE")
    return path.read_bytes()


def _other_app(path) -> bytes:
    with sqlite3.connect(path) as c:
        c.execute("PRAGMA application_id = 1234")
        c.execute("CREATE TABLE runs (key TEXT)")
    return path.read_bytes()


@pytest.mark.parametrize(("make", "message"), [
    (_foreign, "is not a sweep database: it has a table 'notes' that relulab did not write"),
    (_newer, f"was written by a newer relulab (sweep schema {SCHEMA_VERSION + 1}; this relulab reads up to "
             f"{SCHEMA_VERSION}): upgrade relulab"),
    (_other_app, "belongs to another program (SQLite application_id 0x4d2"),
], ids=["foreign", "newer", "other-application-id"])
def test_a_foreign_or_newer_database_is_refused_and_left_byte_for_byte(tmp_path, make, message):
    db = tmp_path / "x.db"
    before = make(db)
    for create in (True, False):
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            SweepStore(db, create=create)
    with pytest.raises(ValueError, match="upgrade relulab|not a sweep database"):
        run_sweep(small(seeds=1), db, workers=1)
    assert db.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["x.db"], "no -wal or -shm left beside it"


def test_odd_paths_are_one_line_and_nothing_is_created(tmp_path):
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(ValueError, match="is a directory; give a file"):
        SweepStore(tmp_path / "dir.db")
    os.mkfifo(tmp_path / "fifo.db")
    with pytest.raises(ValueError, match=r"is not a regular file \(a pipe or a device\?\)"):
        SweepStore(tmp_path / "fifo.db")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="cannot open the sweep database .*: Not a directory"):
        SweepStore(tmp_path / "file" / "s.db")
    os.symlink(tmp_path / "loop", tmp_path / "loop")
    with pytest.raises(ValueError, match="cannot open the sweep database"):
        SweepStore(tmp_path / "loop")
    assert sorted(os.listdir(tmp_path)) == ["dir.db", "fifo.db", "file", "loop"]
    assert os.listdir(tmp_path / "dir.db") == []


def test_a_read_only_database_is_read_but_not_written(tmp_path, monkeypatch):
    import relulab.sweep.dbfile as dbfile

    db = tmp_path / "ro.db"
    run_sweep(small(seeds=1), db, workers=1)
    db.chmod(0o444)
    try:
        if os.access(db, os.W_OK):  # root may write any file: its access check says so, ours believes it
            monkeypatch.setattr(dbfile.os, "access", lambda p, mode: mode != os.W_OK)
        before = db.read_bytes()
        with pytest.raises(ValueError, match="is read-only; a sweep writes its runs there"):
            SweepStore(db)
        with SweepStore(db, create=False) as store:
            assert store.count() == 4
        assert db.read_bytes() == before
    finally:
        db.chmod(0o644)


def test_a_corrupted_page_is_one_line(tmp_path):
    db = tmp_path / "bad.db"
    run_sweep(small(seeds=2), db, workers=1)
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA journal_mode = DELETE")
        page = c.execute("PRAGMA page_size").fetchone()[0]
        root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = 'runs'").fetchone()[0]
    data = bytearray(db.read_bytes())
    data[(root - 1) * page:(root - 1) * page + 200] = b"\xff" * 200  # the runs table's root page
    db.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="cannot be used: .*malformed"), SweepStore(db, create=False) as store:
        store.records()


def test_malformed_stored_rows_are_skipped_and_counted(tmp_path):
    db = tmp_path / "m.db"
    run_sweep(small(seeds=1), db, workers=1)
    with sqlite3.connect(db) as c:
        keys = [r[0] for r in c.execute("SELECT key FROM runs ORDER BY rowid")]
        c.execute("UPDATE runs SET metrics = 'not json' WHERE key = ?", (keys[0],))
        c.execute("UPDATE runs SET config = '[1, 2]' WHERE key = ?", (keys[1],))
        c.execute("UPDATE runs SET metrics = '{\"test_acc\": \"high\"}' WHERE key = ?", (keys[2],))
        c.execute("INSERT INTO sweeps (created, spec) VALUES ('now', '{\"grid\": 5}')")
    with SweepStore(db, create=False) as store:
        recs = store.records()
        assert [r.key for r in recs] == keys[3:] and recs.skipped == 3
        assert len(store.specs()) == 1 and store.skipped_specs == 1
