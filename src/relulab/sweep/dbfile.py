"""What a ``--db`` path may be, checked before the store writes a byte to it.

relulab marks its sweep databases in the SQLite header: ``PRAGMA application_id`` = ``APPLICATION_ID``
("RLSW") and ``PRAGMA user_version`` = the schema version. An existing file is opened only if it is

- a database with relulab's mark and a schema version this relulab reads (a newer one is refused
  with a message naming both versions), or
- an unmarked database that holds nothing, or only relulab's tables with relulab's columns (a sweep
  database written before the mark existed: it opens, and gets the mark the next time a sweep writes it).

Anything else -- another program's SQLite file, a file that is not SQLite, a directory, a FIFO or a
device, a read-only file opened to write -- is one ``ValueError`` line, and the file is left as it was:
the check reads through a read-only connection (which never checkpoints a WAL or rolls back a journal).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

APPLICATION_ID = 0x524C5357  # "RLSW"
SCHEMA_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
TABLES = {
    "runs": ("key", "config", "status", "message", "metrics", "history", "seconds", "chunk_seconds", "chunk_size",
             "finished", "worker", "relulab_version", "torch_version"),
    "sweeps": ("id", "created", "spec"),
}


def check_path(path: str, *, create: bool) -> bool:
    """Whether ``path`` exists as a file a store may open; ValueError/FileNotFoundError otherwise."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        if not create:
            raise FileNotFoundError(f"no sweep database at {path!r}") from None
        if p.parent.exists() and not p.parent.is_dir():
            raise ValueError(f"cannot create the sweep database {path!r}: {str(p.parent)!r} is not a "
                             "directory") from None
        return False
    except OSError as e:  # a symlink loop, a name too long, a directory we may not search
        raise ValueError(f"cannot open the sweep database {path!r}: {e.strerror or e}") from None
    if stat.S_ISDIR(st.st_mode):
        raise ValueError(f"the sweep database {path!r} is a directory; give a file (e.g. {str(p / 'sweep.db')!r})")
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"the sweep database {path!r} is not a regular file (a pipe or a device?); give a file")
    if create and not os.access(p, os.W_OK):
        raise ValueError(f"the sweep database {path!r} is read-only; a sweep writes its runs there "
                         "(`relulab sweep show` reads it)")
    if st.st_size:
        try:
            with open(p, "rb") as f:
                head = f.read(len(SQLITE_MAGIC))
        except OSError as e:
            raise ValueError(f"cannot read the sweep database {path!r}: {e.strerror or e}") from None
        if head != SQLITE_MAGIC:
            raise ValueError(f"{path!r} is not a sweep database (not an SQLite file)")
    return True


def read_only(path: str, timeout: float) -> sqlite3.Connection:
    """A connection that cannot write ``path`` (an existing file)."""
    return sqlite3.connect(f"file:{quote(os.path.abspath(path))}?mode=ro", uri=True, timeout=timeout,
                           isolation_level=None)


def check_schema(db: sqlite3.Connection, path: str) -> tuple[bool, bool]:
    """``(marked, has_runs)`` of an open database, or ValueError if relulab must not touch it."""
    db.execute("BEGIN")  # one snapshot: another sweep may be creating the file right now
    try:
        app_id, version = db.execute("SELECT * FROM pragma_application_id(), pragma_user_version()").fetchone()
        tables = {r[0]: tuple(c[0] for c in db.execute("SELECT name FROM pragma_table_info(?)", (r[0],)))
                  for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                  if not r[0].startswith("sqlite_")}
    finally:
        db.execute("COMMIT")
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise ValueError(f"{path!r} was written by a newer relulab (sweep schema {version}; this relulab reads "
                             f"up to {SCHEMA_VERSION}): upgrade relulab to open it")
        return True, "runs" in tables
    if app_id != 0:
        raise ValueError(f"{path!r} is not a sweep database: it belongs to another program "
                         f"(SQLite application_id {app_id:#x}; relulab's is {APPLICATION_ID:#x})")
    for name, cols in sorted(tables.items()):
        if TABLES.get(name) != cols:
            raise ValueError(f"{path!r} is not a sweep database: it has a table {name!r} that relulab did not write "
                             f"(relulab's tables: {', '.join(TABLES)})")
    if version != 0:
        raise ValueError(f"{path!r} is not a sweep database (unmarked, user_version {version})")
    return False, "runs" in tables
