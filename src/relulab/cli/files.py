"""Reading a user's files safely, and checking where the CLI writes.

``read_text`` reads only regular files (a FIFO or ``/dev/zero`` would hang or fill memory), at most
``max_bytes``, as UTF-8 with or without a byte-order mark. ``out_dir`` turns an ``--out`` value into a
path, refusing the empty string (which would mean "here"). ``out_file`` and ``check_out_dir`` check an
output before anything runs: never a directory holding files relulab did not write, never one of the
command's inputs (by file identity), never an SQLite database, never a FIFO; the writes themselves go
through :mod:`relulab.atomic` (whole or not at all).
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_TEXT_BYTES = 64 * 2**20  # a CSV of a million points is about 30 MB


def read_text(path: str | Path, what: str = "file", max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The text of a regular file of at most ``max_bytes`` (UTF-8, a leading BOM dropped)."""
    p = Path(path)
    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        raise FileNotFoundError(f"{what} not found: {str(p)!r}") from None
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(f"{what} {str(p)!r} is a directory; a file is needed")
    if not stat.S_ISREG(mode):
        raise ValueError(f"{what} {str(p)!r} is not a regular file (a pipe or a device?); give a file")
    with open(p, "rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"{what} {str(p)!r} is larger than {max_bytes // 2**20} MB; allowed: at most "
                         f"{max_bytes // 2**20} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"{what} {str(p)!r} is not UTF-8 text (byte {e.start}: {data[e.start:e.start + 1]!r})") \
            from None


def read_json(path: str | Path, what: str = "JSON file") -> Any:
    """The JSON value of a file read with :func:`read_text`; errors as one-line ``ValueError``s."""
    text = read_text(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{what} {str(path)!r} is not valid JSON: {e.msg} at line {e.lineno}") from None
    except RecursionError:
        raise ValueError(f"{what} {str(path)!r} is nested too deeply to read") from None


def out_dir(value: str | None, option: str = "--out") -> Path | None:
    """``--out`` as a path; ``''`` (which would write into the current directory) is refused."""
    if value is None:
        return None
    if not value.strip():
        raise ValueError(f"{option} must name a directory, got {value!r}; e.g. {option} runs/my-run")
    return Path(value)


# ---- where a command may write ----------------------------------------------------------------------
SQLITE_HEADER = b"SQLite format 3\x00"


def _stat(p: Path, option: str) -> os.stat_result | None:
    """``os.stat`` of ``p`` (following links), None if nothing is there; a link loop is bad input."""
    try:
        return os.stat(p)
    except FileNotFoundError:
        if p.is_symlink():
            raise ValueError(f"{option} {str(p)!r} is a symbolic link to nothing; give another path") from None
        return None
    except OSError as e:
        if e.errno == 40:  # ELOOP
            raise ValueError(f"{option} {str(p)!r} goes through a loop of symbolic links; give another path") \
                from None
        if e.errno == 20:  # ENOTDIR: a file in the middle of the path
            raise ValueError(f"{option} {str(p)!r}: a part of the path is a file, not a directory") from None
        raise


def is_sqlite(p: Path) -> bool:
    """Whether ``p`` is an SQLite database, or the ``-wal``/``-shm``/``-journal`` file of one."""
    for suffix in ("-wal", "-shm", "-journal"):
        if p.name.endswith(suffix) and is_sqlite(p.with_name(p.name[: -len(suffix)])):
            return True
    try:
        with open(p, "rb") as fh:
            return stat.S_ISREG(os.fstat(fh.fileno()).st_mode) and fh.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _with_db_files(inputs: tuple[str | Path, ...]) -> list[Path]:
    out = []
    for i in inputs:
        p = Path(i)
        out += [p] + [p.with_name(p.name + s) for s in ("-wal", "-shm", "-journal")]
    return out


def out_file(value: str | Path | None, option: str, inputs: tuple[str | Path, ...] = ()) -> Path | None:
    """``value`` as a file the command may write whole (:func:`relulab.atomic.write_file`): refused when
    it is a directory, a FIFO or a device, a link loop, one of the command's ``inputs`` (by file
    identity: links and ``./`` aliases, a database's ``-wal``/``-shm`` included), or any SQLite database."""
    if value is None:
        return None
    if not str(value).strip():
        raise ValueError(f"{option} must name a file, got {str(value)!r}")
    p = Path(value)
    st = _stat(p, option)
    for i in _with_db_files(inputs):
        if _same(p, i):
            raise ValueError(f"{option} {str(p)!r} is the command's input {str(i)!r}; writing it would destroy "
                             "the input: give another path")
    if st is None:
        return p
    if stat.S_ISDIR(st.st_mode):
        raise ValueError(f"{option} {str(p)!r} is a directory; give a file path")
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"{option} {str(p)!r} is not a regular file (a pipe or a device?); give a file path")
    if is_sqlite(p):
        raise ValueError(f"{option} {str(p)!r} is an SQLite database; relulab never overwrites one: give another path")
    return p


def distinct_outputs(*given: tuple[str, Path | None]) -> None:
    """Refuse two options naming one file (``--csv x --plot x``): the second would replace the first."""
    seen: list[tuple[str, Path]] = []
    for option, p in given:
        if p is None:
            continue
        for other, q in seen:
            if _same(p, q):
                raise ValueError(f"{other} and {option} name the same file {str(p)!r}; give two paths")
        seen.append((option, p))


def check_out_dir(value: str | Path, option: str, allowed: Callable[[str], bool],
                  inputs: tuple[str | Path, ...] = (), keep: bool = False) -> Path:
    """``value`` as a directory relulab may replace whole (:func:`relulab.atomic.replace_dir`): new, empty,
    or holding only files ``allowed`` says relulab writes there (paths relative to it, ``/``-separated).
    A directory with anything else is refused, never replaced; so is one that holds an input of the
    command (unless ``keep``: its files are carried into the new directory)."""
    from ..atomic import recover

    p = Path(value)
    if not str(value).strip():
        raise ValueError(f"{option} must name a directory, got {str(value)!r}; e.g. {option} out/result")
    st = _stat(p, option)
    if st is not None:
        recover(Path(os.path.realpath(p)))
    if st is None:
        return p
    if not stat.S_ISDIR(st.st_mode):
        raise ValueError(f"{option} {str(p)!r} exists and is not a directory; give a new or empty directory")
    if os.path.realpath(p) == os.path.realpath("."):
        raise ValueError(f"{option} {str(p)!r} is the current directory; give a directory of its own")
    foreign: list[str] = []
    for root, dirs, files in os.walk(p):
        rel = Path(root).relative_to(p)
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            r = (rel / name).as_posix()
            if os.path.islink(os.path.join(root, name)) or not allowed(r):
                foreign.append(r)
    if foreign:
        shown = ", ".join(sorted(foreign)[:5]) + (", ..." if len(foreign) > 5 else "")
        raise ValueError(f"{option} {str(p)!r} holds files relulab did not write ({shown}); relulab replaces "
                         "only its own output: give a new or empty directory")
    if not keep:
        inputs_outside(p, option, inputs)
    return p


def inputs_outside(p: Path, option: str, inputs: tuple[str | Path | None, ...]) -> None:
    """Refuse a directory ``p`` that is or holds one of the command's inputs (replacing it removes them)."""
    top = os.path.realpath(p)
    for i in inputs:
        if i is not None and os.path.exists(i) and (os.path.realpath(i) + os.sep).startswith(top + os.sep):
            raise ValueError(f"{option} {str(p)!r} holds the command's input {str(i)!r}, which writing it "
                             "would remove: give another directory")
