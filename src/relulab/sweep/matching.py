"""Stored runs matched into cells for a paired comparison: ``activation=relu,gelu`` paired by
``dataset,hidden,weight_seed`` -> ``relu - gelu`` over the cells that hold both (:mod:`.paired`).

A cell is one value of the ``paired_by`` fields; it must hold at most one run of each compared value
(else the pairing is ambiguous: the message names the field that differs, to add to ``paired_by``).
Runs stored as ``error`` are left out (no result). A numeric metric is compared by the paired bootstrap
(losses negated, so that + means the reference's loss is lower); cells where either run has no finite
value (diverged) are dropped and counted. With a ``success`` threshold the outcome is success/failure
(a diverged run fails) and the interval Newcombe's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .fields import ALIASES, check_fields
from .paired import PairedDiff, compare_pairs
from .stats import is_success

SEED = 0  # the bootstrap's generator: the same database gives the same intervals


@dataclass(frozen=True)
class Matched:
    """One variant's comparison with the reference and the cells it dropped for a missing value."""

    result: PairedDiff
    dropped: int

    def to_dict(self) -> dict[str, Any]:
        return {**self.result.to_dict(), "dropped": self.dropped}


def matches(stored: Any, text: str) -> bool:
    """Whether a stored value is the command line's ``text`` (``3,3`` for hidden (3, 3), ``1`` for 1.0)."""
    if isinstance(stored, tuple | list):
        return ",".join(map(str, stored)) == text.replace(" ", "")
    if isinstance(stored, int | float) and not isinstance(stored, bool):
        try:
            return float(text) == stored
        except ValueError:
            return False
    return str(stored) == text


def _cells(records: Sequence[Any], field: str, value: str, paired_by: Sequence[str]) -> dict[tuple, Any]:
    out: dict[tuple, Any] = {}
    for r in records:
        if r.status == "error" or not matches(r.get(field), value):
            continue
        cell = tuple(r.get(f) for f in paired_by)
        if cell in out:
            other = out[cell]
            differ = sorted(k for k in {*r.config, *other.config} if r.config.get(k) != other.config.get(k))
            where = ", ".join(f"{f}={v}" for f, v in zip(paired_by, cell, strict=True))
            raise ValueError(f"the cell {where} holds more than one run of {field}={value} (they differ in "
                             f"{', '.join(differ) or 'their seeds'}): add that to --paired-by")
        out[cell] = r
    if not out:
        raise ValueError(f"no stored run has {field}={value}")
    return out


def compare_runs(records: Sequence[Any], field: str, values: Sequence[str], paired_by: Sequence[str], *,
                 metric: str = "test_acc", success: float | None = None, seed: int = SEED) -> list[Matched]:
    """``values[0] - v`` for each later value ``v`` of ``field``, over the cells of ``paired_by`` that hold
    both, Holm-corrected across the variants (see the module's docstring)."""
    metric = ALIASES.get(metric, metric)
    check_fields([field, *paired_by, metric])
    if len(values) < 2 or len(set(values)) != len(values):
        raise ValueError(f"--compare wants FIELD=REFERENCE,VARIANT[,...] with at least two different values, "
                         f"got {field}={','.join(values)}")
    if field in paired_by or not paired_by or len(set(paired_by)) != len(paired_by):
        raise ValueError(f"--paired-by wants distinct fields other than {field!r}, got {','.join(paired_by)!r}")
    if success is not None and not math.isfinite(success):
        raise ValueError(f"the success threshold must be a finite number, got {success}")
    ref = _cells(records, field, values[0], paired_by)
    sign = -1.0 if "loss" in metric else 1.0

    def value(r: Any) -> float | None:
        v = r.get(metric)
        if success is not None:
            return float(is_success(metric, v, success))
        ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        return sign * float(v) if ok else None

    pairs, dropped = {}, {}
    for v in values[1:]:
        var = _cells(records, field, v, paired_by)
        both = [(value(ref[c]), value(var[c])) for c in ref if c in var]
        kept = [(a, b) for a, b in both if a is not None and b is not None]
        if not kept:
            raise ValueError(f"no matched cells: no {', '.join(paired_by)} holds a result for both "
                             f"{field}={values[0]} and {field}={v}")
        pairs[v], dropped[v] = ([a for a, _ in kept], [b for _, b in kept]), len(both) - len(kept)
    rows = compare_pairs(pairs, binary=success is not None, rng=np.random.default_rng(seed))
    return [Matched(r, dropped[r.variant]) for r in rows]
