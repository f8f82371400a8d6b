"""A slice of a sweep: its axes, a filter over axis values and metric ranges, the success-rate grid of
two axes, and the selected runs as CSV -- what ``relulab sweep serve`` shows, on plain records.

A value is matched by its label (``str`` of the value; ``hidden`` ``[8, 8]`` is ``8,8``), the same text
the page shows and sends back. Filters are ``FIELD=LABEL`` (the run's FIELD has one of the given
labels; repeat for several) and ``METRIC=LOW:HIGH`` (either end may be empty).

>>> from relulab.sweep.records import SweepRecord
>>> rs = [SweepRecord(str(i), {"hidden": [3], "activation": a}, "completed", "", {"test_acc": acc})
...       for i, (a, acc) in enumerate([("relu", 0.95), ("tanh", 0.5), ("relu", 0.7)])]
>>> axes(rs)
{'activation': ['relu', 'tanh']}
>>> [r.key for r in Selection.parse(["activation=relu", "test_acc=0.8:"], rs).apply(rs)]
['0']
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..i18n import Refusal
from .fields import ALIASES, METRICS, known_field
from .stats import summarize

MAX_TERMS = 200


def label(v: Any) -> str:
    """The text of a value: lists and tuples joined by commas, everything else ``str``."""
    return ",".join(map(str, v)) if isinstance(v, list | tuple) else str(v)


def _sort_key(text: str) -> tuple:
    try:
        return (0, tuple(float(p) for p in text.split(",")), "")
    except ValueError:
        return (1, (), text)


def sort_labels(labels: Iterable[str]) -> list[str]:
    """Labels of numbers in numeric order (``3`` before ``10``, ``8`` before ``8,8``), then the others."""
    return sorted(labels, key=_sort_key)


def values(records: Iterable[Any], order: Sequence[str] = ()) -> dict[str, list[str]]:
    """Every config field of ``records`` -> its labels (:func:`sort_labels`); the fields of ``order``
    (a spec's axes) first, the others by name."""
    seen: dict[str, set[str]] = {}
    for r in records:
        for k, v in r.config.items():
            seen.setdefault(k, set()).add(label(v))
    return {k: sort_labels(seen[k]) for k in dict.fromkeys([*order, *sorted(seen)]) if k in seen}


def axes(records: Iterable[Any], order: Sequence[str] = (), *,
         known: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """The fields of :func:`values` (or of ``known``, values already gathered) with more than one
    value: the sweep's axes."""
    return {k: v for k, v in (known if known is not None else values(records, order)).items() if len(v) > 1}


def metrics(records: Iterable[Any]) -> list[str]:
    """The metrics some record holds, the standard ones first."""
    names = {k for r in records for k in r.metrics}
    return [m for m in METRICS if m in names] + sorted(names - set(METRICS))


@dataclass(frozen=True)
class Selection:
    values: dict[str, frozenset[str]] = field(default_factory=dict)  # field -> allowed labels
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)  # metric -> [low, high]

    @classmethod
    def parse(cls, terms: Sequence[str], records: Sequence[Any], *,
              known: dict[str, list[str]] | None = None) -> Selection:
        """The filter of ``terms``; ValueError (one line) on an unknown field, a label no run has, or a
        range that is not ``LOW:HIGH`` numbers with LOW <= HIGH. ``known``: :func:`values` of the records."""
        if len(terms) > MAX_TERMS:
            raise Refusal("at most {n} filter terms, got {got}", n=MAX_TERMS, got=len(terms))
        have = known if known is not None else values(records)
        mets = metrics(records) if terms else []
        chosen: dict[str, set[str]] = {}
        ranges: dict[str, tuple[float, float]] = {}
        for term in terms:
            name, eq, text = term.partition("=")
            name = ALIASES.get(name.strip(), name.strip())
            if not eq or not name:
                raise Refusal("a filter is FIELD=VALUE or METRIC=LOW:HIGH, got {got}", got=repr(term[:80]))
            if name in mets or (name in METRICS and name not in have):
                ranges[name] = _range(name, text)
            elif name in have:
                if text not in have[name]:
                    raise Refusal("filter {name}: no run has the value {got}; allowed: {allowed}", name=name,
                                  got=repr(text[:60]), allowed=", ".join(have[name][:20]))
                chosen.setdefault(name, set()).add(text)
            else:
                raise Refusal("filter: unknown field {name}; allowed: the config fields ({fields}) and the metrics "
                              "({metrics})", name=repr(name[:60]), fields=", ".join(have) or "none stored yet",
                              metrics=", ".join(mets))
        return cls({k: frozenset(v) for k, v in chosen.items()}, ranges)

    def keep(self, r: Any) -> bool:
        if any(label(r.get(k)) not in v for k, v in self.values.items()):
            return False
        for k, (lo, hi) in self.ranges.items():
            v = r.metrics.get(k)
            if not isinstance(v, int | float) or not math.isfinite(v) or not lo <= v <= hi:
                return False
        return True

    def apply(self, records: Iterable[Any]) -> list[Any]:
        return [r for r in records if self.keep(r)]


def _range(name: str, text: str) -> tuple[float, float]:
    lo, colon, hi = text.partition(":")
    try:
        if not colon:
            raise ValueError
        low = float(lo) if lo.strip() else -math.inf
        high = float(hi) if hi.strip() else math.inf
    except ValueError:
        raise Refusal("filter {name}: a range is LOW:HIGH (either may be empty), got {got}", name=name,
                      got=repr(text[:60])) from None
    if math.isnan(low) or math.isnan(high) or low > high:
        raise Refusal("filter {name}: the range {got} is empty; LOW must be <= HIGH", name=name, got=repr(text[:60]))
    return low, high


def grid(records: Sequence[Any], x: str, y: str, *, metric: str, success: float,
         order: dict[str, list[str]]) -> list[dict[str, Any]]:
    """One cell per (x, y) pair present: runs, successes, rate with its Wilson interval, mean metric
    with its t interval (:func:`relulab.sweep.stats.summarize`), keyed by the labels."""
    for name in (x, y):
        if name not in order:
            raise Refusal("unknown axis {name}; axes of this sweep: {axes}", name=repr(name[:60]),
                          axes=", ".join(order) or "none")
    if x == y:
        raise Refusal("the grid needs two different axes, got {name} twice", name=repr(x))
    if not known_field(metric) and metric not in metrics(records):
        raise Refusal("unknown metric {name}; allowed: {allowed}", name=repr(metric[:60]),
                      allowed=", ".join(metrics(records) or METRICS))
    rows = summarize(records, by=(x, y), metric=metric, success=success)
    return [{"x": label(g.group[x]), "y": label(g.group[y]), **{k: v for k, v in g.to_dict().items()
                                                                 if k != "group"}} for g in rows]


def csv_text(records: Iterable[Any]) -> str:
    """One line per run: key, status, every config field, every metric (a union over the runs)."""
    records = list(records)
    cfg_cols = list(dict.fromkeys(k for r in records for k in r.config))
    met_cols = metrics(records)
    with io.StringIO(newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "status", *cfg_cols, *met_cols])
        for r in records:
            w.writerow([r.key, r.status, *(label(r.config[k]) if k in r.config else "" for k in cfg_cols),
                        *("" if r.metrics.get(m) is None else repr(r.metrics[m]) for m in met_cols)])
        return fh.getvalue()
