"""A stored run trained again from its config, checked against the stored numbers.

The database keeps a run's config, final metrics and per-epoch history, not its weights. Training is
deterministic for a config (its seeds are in it), so :func:`replay` trains the config again -- alone,
on the engine :func:`relulab.training.stacked.train_group` picks -- and gives the run only when its
status and every stored final metric come back equal (to ``TOLERANCE``: a run trained in a stack may
differ from one trained alone in the last bits). Otherwise it refuses, naming the first difference and
the versions that wrote the row.
"""

from __future__ import annotations

import math
from typing import Any

from ..i18n import Refusal
from ..training.run import Run
from ..training.stacked import train_group
from .records import SweepRecord
from .worker import versions

TOLERANCE = 1e-9


def _same(a: Any, b: Any) -> bool:
    a = None if isinstance(a, float) and not math.isfinite(a) else a
    b = None if isinstance(b, float) and not math.isfinite(b) else b
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0, abs_tol=TOLERANCE)


def replay(record: SweepRecord) -> Run:
    """The run of ``record`` trained again, or ValueError (one line) when it cannot be or differs."""
    if record.status == "error":
        raise Refusal("run {key} is stored as an error ({why}); there are no weights to show", key=record.key,
                      why=record.message[:200])
    run = train_group([record.run_config()])[0]
    got = run.metrics()
    diffs = [(k, v, got.get(k)) for k, v in record.metrics.items() if not _same(v, got.get(k))]
    if run.status != record.status or diffs:
        what = (f"status {run.status!r}, stored {record.status!r}" if run.status != record.status else
                f"{diffs[0][0]} = {diffs[0][2]!r}, stored {diffs[0][1]!r}")
        here = versions()
        raise Refusal("run {key}: training its config again gives {what}; the weights would not be the stored "
                      "run's (stored by relulab {stored}, torch {stored_torch}; here relulab {here}, torch "
                      "{here_torch})", key=record.key, what=what, stored=record.relulab_version,
                      stored_torch=record.torch_version, here=here["relulab_version"], here_torch=here["torch_version"])
    return run
