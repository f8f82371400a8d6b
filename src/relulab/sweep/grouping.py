"""Group runs that can share one stacked model, and cut the groups into tasks for the workers.

Runs with equal :func:`~relulab.training.engines.stack_key` train as one stack; stacking many models
costs little more than one (tiny networks are bound by per-call overhead), so a group is split only
when it is larger than an equal share of the sweep per worker -- then into near-equal chunks so that
no worker waits for a straggler. ``max_chunk`` bounds the work a lost task takes with it.

>>> from relulab.config import RunConfig
>>> cfgs = [RunConfig(activation=a, weight_seed=s, epochs=3) for a in ("relu", "tanh") for s in range(5)]
>>> [len(c) for c in plan(cfgs, workers=2)]
[5, 5]
>>> [len(c) for c in plan(cfgs[:5], workers=2)]
[3, 2]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..config import RunConfig
from ..training.engines import choose_engine, stack_key

MAX_CHUNK = 500


def groups(cfgs: Sequence[RunConfig]) -> list[list[RunConfig]]:
    """Runs that may share a stack, in first-seen order."""
    out: dict[tuple, list[RunConfig]] = {}
    for c in cfgs:
        out.setdefault(stack_key(c), []).append(c)
    return list(out.values())


def _cost(chunk: Sequence[RunConfig]) -> float:
    # A stack costs about one run plus a little per model (per-call overhead dominates tiny nets);
    # a group the stacked engine cannot take (e.g. PReLU, GELU: autograd) costs one run per model.
    c = chunk[0]
    per_run = c.epochs * c.num_points() * (1 + sum(c.hidden))
    return per_run * (len(chunk) if choose_engine(chunk).name == "sequential" else 1 + len(chunk) / 16)


def plan(cfgs: Sequence[RunConfig], *, workers: int, max_chunk: int = MAX_CHUNK) -> list[list[RunConfig]]:
    """Tasks: each a list of stackable runs; the most expensive first (longest-processing-time order)."""
    if not cfgs:
        return []
    share = max(1, min(max_chunk, math.ceil(len(cfgs) / max(1, workers))))
    tasks: list[list[RunConfig]] = []
    for g in groups(cfgs):
        k = math.ceil(len(g) / share)
        size, extra = divmod(len(g), k)
        start = 0
        for i in range(k):
            end = start + size + (i < extra)
            tasks.append(g[start:end])
            start = end
    return sorted(tasks, key=_cost, reverse=True)
