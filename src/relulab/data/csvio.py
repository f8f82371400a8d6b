r"""CSV import and export of points: columns ``x1,x2,label`` (``x1,label`` for 1-D sets).

:func:`parse_csv_text` is the validating parser for uploaded text: every problem is a one-line
``ValueError`` naming the line, the bad value and what is allowed; coordinates beyond
``±MAX_COORDINATE`` are refused (a plot of 1e300 is blank). Whether the labels are classes or
regression targets is decided by one rule, :func:`relulab.data.labels.read_labels`. Floats are written with
``repr`` (the shortest text that reads back to the same double), so a save/load round trip is exact.

>>> x, y = parse_csv_text("x1,x2,label\n0.5,-1,1\n2,3e-1,-1\n")
>>> x.tolist(), y.tolist()
([[0.5, -1.0], [2.0, 0.3]], [1.0, -1.0])
>>> parse_csv_text("x1,x2,label\n1e300,0,1\n")
Traceback (most recent call last):
...
ValueError: line 2: coordinate 1e300 is out of range; allowed: coordinates within ±1e+06 (rescale the data)
>>> parse_csv_text("x1,x2,label\n0.5,abc,1\n")
Traceback (most recent call last):
...
ValueError: line 2: 'abc' is not a number; allowed: finite decimal numbers such as -1.5 or 2e-3
>>> to_csv_text(torch.tensor([[0.1], [2.0]], dtype=torch.float64), torch.tensor([1, 0]))
'x1,label\n0.1,1\n2.0,0\n'
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import Literal

import torch
from torch import Tensor

from .core import Dataset

MAX_ROWS = 10_000
MAX_COORDINATE = 1e6
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_ ]*")
_NONFINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_NUMBERS_ALLOWED = "finite decimal numbers such as -1.5 or 2e-3"


def _short(line: str, width: int = 60) -> str:
    return line if len(line) <= width else line[: width - 3] + "..."


def _number(cell: str, lineno: int) -> float:
    if cell.lower() in _NONFINITE:
        raise ValueError(f"line {lineno}: {cell!r} is not a finite number; allowed: {_NUMBERS_ALLOWED}")
    if not _NUMBER.fullmatch(cell):
        raise ValueError(f"line {lineno}: {_short(cell, 30)!r} is not a number; allowed: {_NUMBERS_ALLOWED}")
    value = float(cell)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"line {lineno}: {_short(cell, 30)!r} is too large for a float; "
                         f"allowed: {_NUMBERS_ALLOWED}")
    return value


def parse_csv_text(
    text: str,
    *,
    max_rows: int | None = MAX_ROWS,
    labels: Collection[float] | None = None,
    input_dim: int | None = None,
) -> tuple[Tensor, Tensor]:
    """Read ``x`` ``(n, d)`` and ``y`` ``(n,)`` (float64) from CSV text; ``d`` = columns - 1, 1 or 2.

    An optional header line of names comes first; blank lines and lines starting with ``#`` are
    skipped. ``labels`` restricts the label values (e.g. ``{-1, 1}``), ``input_dim`` the number of
    coordinates, ``max_rows`` the number of data rows (``None``: no limit).
    """
    if not isinstance(text, str):
        raise ValueError(f"CSV text must be a string, got {type(text).__name__}")
    allowed_cols = (2, 3) if input_dim is None else (input_dim + 1,)
    cols_text = " or ".join(str(c) for c in allowed_cols)
    width: int | None = None
    rows: list[list[float]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split(",")]
        if width is None and not rows and all(_NAME.fullmatch(c) for c in cells) \
                and not any(c.lower() in _NONFINITE for c in cells):
            if len(cells) not in allowed_cols:
                raise ValueError(f"line {lineno}: the header {_short(line)!r} has {len(cells)} columns; "
                                 f"allowed: {cols_text} columns (x1[,x2],label)")
            width = len(cells)
            continue
        if width is None:
            width = len(cells)
        if len(cells) != width or width not in allowed_cols:
            raise ValueError(f"line {lineno}: expected {width if width in allowed_cols else cols_text} "
                             f"values, got {len(cells)} in {_short(line)!r}; allowed: {cols_text} "
                             f"comma-separated numbers per line (x1[,x2],label)")
        if max_rows is not None and len(rows) >= max_rows:
            raise ValueError(f"line {lineno}: too many rows, more than {max_rows}; allowed: at most "
                             f"{max_rows} data rows")
        values = [_number(c, lineno) for c in cells]
        far = [c for c, v in zip(cells[:-1], values[:-1], strict=True) if abs(v) > MAX_COORDINATE]
        if far:
            raise ValueError(f"line {lineno}: coordinate {_short(far[0], 30)} is out of range; allowed: "
                             f"coordinates within ±{MAX_COORDINATE:g} (rescale the data)")
        if labels is not None and values[-1] not in labels:
            raise ValueError(f"line {lineno}: label {cells[-1]!r} is not allowed; allowed labels: "
                             f"{sorted(labels)}")
        rows.append(values)
    if not rows:
        raise ValueError("the CSV has no data rows; expected a header 'x1,x2,label' and rows such as "
                         "'0.5,-1.2,1'")
    data = torch.tensor(rows, dtype=torch.float64)
    return data[:, :-1].contiguous(), data[:, -1].contiguous()


def _fmt(v: float | int) -> str:
    return str(v) if isinstance(v, int) else repr(float(v))


def to_csv_text(x: Tensor, y: Tensor) -> str:
    """CSV text of raw points ``x`` ``(n, d)`` and labels ``y`` ``(n,)`` with a header line."""
    if x.dim() != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"need x of shape (n, d) and y of shape (n,), got {tuple(x.shape)} and "
                         f"{tuple(y.shape)}")
    header = ",".join([f"x{k + 1}" for k in range(x.shape[1])] + ["label"])
    lines = [header]
    for point, label in zip(x.tolist(), y.tolist(), strict=True):
        lines.append(",".join([_fmt(float(v)) for v in point] + [_fmt(label)]))
    return "\n".join(lines) + "\n"


def save_csv(
    data: Dataset | Tensor,
    path: str | Path,
    y: Tensor | None = None,
    *,
    split: Literal["all", "train", "test"] = "all",
) -> None:
    """Write a :class:`Dataset` (train then test rows, or one ``split``) or ``x, y`` to ``path``."""
    if isinstance(data, Dataset):
        if split not in ("all", "train", "test"):
            raise ValueError(f"split must be 'all', 'train' or 'test', got {split!r}")
        if split == "train" or (split == "all" and data.x_train is data.x_test):
            x, y = data.x_train, data.y_train
        elif split == "test":
            x, y = data.x_test, data.y_test
        else:
            x, y = torch.cat([data.x_train, data.x_test]), torch.cat([data.y_train, data.y_test])
    else:
        if y is None:
            raise ValueError("save_csv(x, path, y): labels y are needed with raw points x")
        x = data
    Path(path).write_text(to_csv_text(x, y))


def load_csv(
    path: str | Path, *, max_rows: int | None = None, labels: Collection[float] | None = None
) -> tuple[Tensor, Tensor]:
    """Read ``(x, y)`` from a CSV file written by :func:`save_csv` (or any file of that form)."""
    return parse_csv_text(Path(path).read_text(), max_rows=max_rows, labels=labels)
