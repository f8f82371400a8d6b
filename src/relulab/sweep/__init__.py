"""Sweeps: a grid over RunConfig fields x seeds, run as stacks on a process pool or a Dask cluster,
stored run by run in SQLite (resumable), summarised with t and Wilson intervals; activations compared
pairwise, cell by cell, by :func:`compare_paired` (paired bootstrap / Newcombe, Holm-corrected).

``relulab.sweep`` is itself callable -- ``rl.sweep(spec, db=...)`` is :func:`run_sweep` -- and
``rl.load_sweep(db)`` reads a database back as records.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

from .paired import PairedDiff as PairedDiff
from .paired import compare_paired as compare_paired
from .records import SweepRecord as SweepRecord
from .records import SweepRecords as SweepRecords
from .runner import SweepIncomplete as SweepIncomplete
from .runner import run_sweep as run_sweep
from .spec import SweepSpec as SweepSpec
from .spec import load_spec as load_spec
from .spec import run_key as run_key
from .stats import GroupSummary as GroupSummary
from .stats import summarize as summarize
from .stats import wilson as wilson
from .store import SweepStore as SweepStore


def sweep(spec: SweepSpec | dict | str | Path, db: str | Path | None = None, **kwargs: Any) -> SweepRecords:
    """Run a sweep (a :class:`SweepSpec`, a dict, or a YAML/JSON path); see :func:`run_sweep`."""
    return run_sweep(spec, db, **kwargs)


def load_sweep(db: str | Path) -> SweepRecords:
    """Every run stored in a sweep database, as records (``.to_frame()`` gives a DataFrame with pandas)."""
    with SweepStore(db, create=False) as store:
        return store.records()


class _CallableModule(types.ModuleType):
    # `relulab.sweep` is both this package and the function `rl.sweep(...)`, whichever the facade binds.
    def __call__(self, *args: Any, **kwargs: Any) -> SweepRecords:
        return sweep(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
