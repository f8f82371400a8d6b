r"""Paired comparisons: is the reference (relu) better than, as good as, or worse than each variant?

Every cell (data set, architecture, weight seed, learning rate) is run once per activation, so the
comparison is on the *paired* differences ``reference - variant``, cell by cell:

- a numeric outcome (accuracy, loss): a percentile interval of the mean difference from a paired
  bootstrap (whole cells are resampled, so both members of a pair travel together; the random
  generator is passed in);
- a success/failure outcome: Newcombe's (1998, method 10) interval for the difference of matched
  proportions, Wilson's interval for each margin combined with the continuity-corrected correlation
  :math:`\phi` of the 2x2 table of pairs.

Across the ``m`` variants compared, Holm's step-down keeps the family's error at 5 %: sorted by the
one-sided p-value of "reference is worse by the margin or more", the k-th (k = 1..m) is judged on a
:math:`1 - 0.05/(m-k+1)` interval; after the first that does not show non-inferiority, the rest are
judged at that same level. The interval then reads (:func:`outcome_of`): *better* when its low end is
above 0, *non-inferior* ("as well as") when above ``-margin``, *worse* when its high end is below
``-margin`` (worse by more than the margin), and *inconclusive* otherwise: an interval that straddles
``-margin`` cannot tell, even when it lies below 0.

>>> newcombe(59, 6, 16, 80)  # Fagerland, Lydersen & Laake (2017) ch. 8, Cavo et al. (2012)
(-0.1186..., -0.0046...)
>>> [outcome_of(*ci).value for ci in [(-0.03, 0.02), (-0.08, 0.02), (0.01, 0.2), (-0.3, -0.1), (-0.3, -0.01)]]
['non-inferior', 'inconclusive', 'better', 'worse', 'inconclusive']
"""

from __future__ import annotations

import math
import numbers
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from .stats import wilson

MARGIN = 0.05  # absolute, on success rates and accuracies
LEVEL = 0.95
N_BOOT = 10_000


class Outcome(StrEnum):
    BETTER = "better"
    NON_INFERIOR = "non-inferior"
    WORSE = "worse"
    INCONCLUSIVE = "inconclusive"


def outcome_of(low: float, high: float, margin: float = MARGIN) -> Outcome:
    """What an interval on ``reference - variant`` shows (see the module's docstring)."""
    if low > 0:
        return Outcome.BETTER
    if low > -margin:
        return Outcome.NON_INFERIOR
    if high < -margin:
        return Outcome.WORSE
    return Outcome.INCONCLUSIVE


def _z(level: float) -> float:
    return statistics.NormalDist().inv_cdf(0.5 + level / 2)


def newcombe(both: int, only_ref: int, only_var: int, neither: int, level: float = LEVEL) -> tuple[float, float]:
    """Newcombe's interval for ``p(reference succeeds) - p(variant succeeds)`` from the 2x2 table of pairs:
    both succeed, only the reference, only the variant, neither."""
    cells = (both, only_ref, only_var, neither)
    if any(int(c) != c or c < 0 for c in cells) or sum(cells) == 0:
        raise ValueError(f"a 2x2 table of pairs needs counts >= 0, not all 0, got {cells}")
    n = sum(cells)
    p1, p2 = (both + only_ref) / n, (both + only_var) / n
    (l1, u1), (l2, u2) = wilson(both + only_ref, n, level), wilson(both + only_var, n, level)
    margins = (both + only_ref) * (only_var + neither) * (both + only_var) * (only_ref + neither)
    phi = 0.0
    if margins > 0:
        cross = both * neither - only_ref * only_var
        phi = (cross - n / 2 if cross > n / 2 else min(cross, 0)) / math.sqrt(margins)
    d = p1 - p2
    low = d - math.sqrt(max((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2, 0.0))
    high = d + math.sqrt(max((p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2, 0.0))
    return max(low, -1.0), min(high, 1.0)


def bootstrap_means(diffs: Sequence[float], rng: np.random.Generator, n_boot: int = N_BOOT) -> np.ndarray:
    """``n_boot`` means of ``diffs`` resampled with replacement (sorted), drawn from ``rng``."""
    d = np.asarray(diffs, dtype=np.float64)
    out = np.empty(n_boot)
    chunk = max(1, 2_000_000 // max(len(d), 1))
    for start in range(0, n_boot, chunk):
        k = min(chunk, n_boot - start)
        out[start:start + k] = d[rng.integers(0, len(d), size=(k, len(d)))].mean(axis=1)
    out.sort()
    return out


@dataclass(frozen=True)
class PairedDiff:
    """``reference - variant`` over ``n`` matched cells, its interval at ``level`` and what it shows."""

    variant: str
    method: str  # "bootstrap" or "newcombe"
    n: int
    diff: float
    low: float
    high: float
    level: float  # the Holm-adjusted level the interval was taken at (0.95 for a single variant)
    p_noninferior: float  # one-sided p-value of "reference - variant <= -margin", before Holm
    outcome: Outcome
    margin: float = MARGIN

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "outcome": self.outcome.value}

    def text(self) -> str:
        return (f"{self.diff:+.3f} [{self.low:+.3f}, {self.high:+.3f}] ({self.level:.2%} interval, "
                f"n={self.n}): {self.outcome.value}")


Interval = Callable[[float], tuple[float, float]]


def _p_value(interval: Interval, margin: float) -> float:
    """The smallest two-sided alpha at which the interval's low end clears ``-margin``, halved (one-sided)."""
    if interval(1 - 1e-12)[0] > -margin:
        return 0.0
    if interval(1e-9)[0] <= -margin:  # even the point estimate is at or below -margin
        return 1.0
    lo, hi = 1e-12, 1 - 1e-9  # alpha: at lo the low end is <= -margin, at hi it is above
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if interval(1 - mid)[0] > -margin else (mid, hi)
    return hi / 2


def _check(name: str, ref: Sequence[Any], var: Sequence[Any], binary: bool) -> None:
    if len(ref) != len(var):
        raise ValueError(f"{name!r} has {len(var)} cells against {len(ref)}: pairs must match")
    if not ref:
        raise ValueError("a paired comparison needs at least one matched cell, got none")
    vals = [*ref, *var]
    if binary and any(v not in (0, 1) for v in vals):
        raise ValueError(f"success/failure outcomes must be 0/1 or bool; variant {name!r} has other values")
    if not binary and not all(isinstance(v, numbers.Real) and math.isfinite(v) for v in vals):
        raise ValueError(f"paired values must be finite numbers; variant {name!r} has a missing, NaN or infinite "
                         "value (drop those cells or give them a finite value first)")


def mean_interval(values: Sequence[float], rng: np.random.Generator, level: float = LEVEL,
                  n_boot: int = N_BOOT) -> tuple[float, float]:
    """A ``level`` percentile-bootstrap interval of the mean of ``values`` (one sample, e.g. over seeds)."""
    if len(values) < 2:
        return -math.inf, math.inf
    return _percentile(bootstrap_means(values, rng, n_boot), level)


def median_step_interval(before: Sequence[float], after: Sequence[float], rng: np.random.Generator,
                         level: float = LEVEL, n_boot: int = N_BOOT) -> tuple[float, float]:
    """A ``level`` percentile-bootstrap interval of ``median(after) - median(before)``, two independent samples
    (e.g. region counts of random nets of two sizes) each resampled with replacement, drawn from ``rng``."""
    a, b = np.asarray(before, dtype=np.float64), np.asarray(after, dtype=np.float64)
    diffs = (np.median(b[rng.integers(0, len(b), size=(n_boot, len(b)))], axis=1)
             - np.median(a[rng.integers(0, len(a), size=(n_boot, len(a)))], axis=1))
    return _percentile(diffs, level)


def _percentile(means: np.ndarray, level: float) -> tuple[float, float]:
    a = (1 - level) / 2
    return float(np.quantile(means, a)), float(np.quantile(means, 1 - a))


def _interval_fn(ref: Sequence[Any], var: Sequence[Any], binary: bool,
                 rng: np.random.Generator | None, n_boot: int) -> tuple[str, float, Interval]:
    if binary:
        both = sum(bool(a) and bool(b) for a, b in zip(ref, var, strict=True))
        only_ref = sum(bool(a) and not b for a, b in zip(ref, var, strict=True))
        only_var = sum(bool(b) and not a for a, b in zip(ref, var, strict=True))
        table = (both, only_ref, only_var, len(ref) - both - only_ref - only_var)
        return "newcombe", (only_ref - only_var) / len(ref), lambda lvl: newcombe(*table, level=lvl)
    if rng is None:
        raise ValueError("a paired bootstrap needs a random generator (rng=np.random.default_rng(seed))")
    diffs = [float(a) - float(b) for a, b in zip(ref, var, strict=True)]
    if len(diffs) < 2:
        return "bootstrap", diffs[0], lambda lvl: (-math.inf, math.inf)
    means = bootstrap_means(diffs, rng, n_boot)  # drawn once: Holm reads it at several levels
    return "bootstrap", statistics.fmean(diffs), lambda lvl: _percentile(means, lvl)


def compare_paired(reference: Sequence[Any], variants: Mapping[str, Sequence[Any]], *, binary: bool = False,
                   rng: np.random.Generator | None = None, margin: float = MARGIN, level: float = LEVEL,
                   n_boot: int = N_BOOT) -> list[PairedDiff]:
    """``reference - variant`` for each variant over the same cells (same order), Holm-corrected; in the
    variants' order. ``binary``: the outcomes are success (1/True) / failure (0/False) -> Newcombe; else a
    paired bootstrap over the cells drawn from ``rng``. Put the better direction first: pass ``-loss``."""
    if not variants:
        raise ValueError("compare_paired needs at least one variant to compare with the reference")
    return compare_pairs({name: (reference, var) for name, var in variants.items()}, binary=binary, rng=rng,
                         margin=margin, level=level, n_boot=n_boot)


def compare_pairs(pairs: Mapping[str, tuple[Sequence[Any], Sequence[Any]]], *, binary: bool = False,
                  rng: np.random.Generator | None = None, margin: float = MARGIN, level: float = LEVEL,
                  n_boot: int = N_BOOT) -> list[PairedDiff]:
    """A family of paired comparisons ``{name: (a, b)}``, each ``a - b`` over its own matched cells,
    Holm-corrected together (e.g. each variant against relu: ``{v: (variant, relu)}``)."""
    if not pairs:
        raise ValueError("compare_pairs needs at least one pair to compare")
    if not 0 <= margin < 1:
        raise ValueError(f"margin must be within [0, 1), got {margin}")
    if not 0.5 < level < 1:
        raise ValueError(f"level must be within (0.5, 1), got {level}")
    fns, sizes = {}, {}
    for name, (a, b) in pairs.items():
        _check(name, list(a), list(b), binary)
        fns[name], sizes[name] = _interval_fn(list(a), list(b), binary, rng, n_boot), len(a)
    p = {name: _p_value(fn, margin) for name, (_, _, fn) in fns.items()}
    m, alpha, stop = len(fns), 1 - level, None
    out = {}
    for k, name in enumerate(sorted(fns, key=lambda v: p[v])):
        lvl = stop if stop is not None else 1 - alpha / (m - k)
        method, diff, fn = fns[name]
        low, high = fn(lvl)
        verdict = outcome_of(low, high, margin)
        if stop is None and verdict not in (Outcome.BETTER, Outcome.NON_INFERIOR):
            stop = lvl
        out[name] = PairedDiff(name, method, sizes[name], diff, low, high, lvl, p[name], verdict, margin)
    return [out[name] for name in pairs]
