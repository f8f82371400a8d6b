"""Reading a user's files safely, and checking where the CLI writes.

``read_text`` reads only regular files (a FIFO or ``/dev/zero`` would hang or fill memory), at most
``max_bytes``, as UTF-8 with or without a byte-order mark. ``out_dir`` turns an ``--out`` value into a
path, refusing the empty string (which would mean "here").
"""

from __future__ import annotations

import json
import os
import stat
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
