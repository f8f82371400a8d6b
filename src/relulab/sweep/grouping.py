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
from collections.abc import Iterable, Iterator, Sequence

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
    share = share_of(len(cfgs), workers=workers, max_chunk=max_chunk)
    tasks: list[list[RunConfig]] = []
    for g in groups(cfgs):
        start = 0
        for size in task_sizes(len(g), share):
            tasks.append(g[start:start + size])
            start += size
    return sorted(tasks, key=_cost, reverse=True)


def share_of(runs: int, *, workers: int, max_chunk: int = MAX_CHUNK) -> int:
    """The largest task: an equal share of ``runs`` per worker, at most ``max_chunk``."""
    return max(1, min(max_chunk, math.ceil(runs / max(1, workers))))


def task_sizes(n: int, share: int) -> list[int]:
    """A group of ``n`` runs cut into near-equal tasks of at most ``share`` (as :func:`plan` cuts it)."""
    k = math.ceil(n / share)
    size, extra = divmod(n, k)
    return [size + (i < extra) for i in range(k)]


def stream_tasks(cfgs: Iterable[RunConfig], sizes: dict[tuple, int], share: int) -> Iterator[list[RunConfig]]:
    """:func:`plan`'s tasks without holding the sweep: ``cfgs`` (the runs to do, in any order) are
    buffered per stack group, and a task leaves as soon as it is full. ``sizes``: runs per group."""
    cuts = {key: task_sizes(n, share) for key, n in sizes.items() if n}
    open_: dict[tuple, list[RunConfig]] = {}
    for c in cfgs:
        key = stack_key(c)
        buf = open_.setdefault(key, [])
        buf.append(c)
        if cuts.get(key) and len(buf) == cuts[key][0]:
            cuts[key].pop(0)
            yield open_.pop(key)
    yield from (buf for buf in open_.values() if buf)  # only if the runs differ from ``sizes``
