r"""Summary statistics of a sweep: mean with a Student-t interval, success rate with a Wilson interval.

Both are closed forms (no scipy needed). Student's t CDF for integer :math:`\nu` is a finite series in
:math:`\theta = \arctan(t/\sqrt\nu)` (Abramowitz & Stegun 26.7.3-4), inverted by bisection; above
:math:`\nu = 2000` the Cornish-Fisher expansion (A&S 26.7.5) is exact to ~1e-10. Paired comparisons
between activations (bootstrap, Newcombe, Holm) are in :mod:`relulab.sweep.paired`.

>>> round(t_quantile(0.975, 9), 4), round(t_quantile(0.975, 19), 4)
(2.2622, 2.093)
>>> tuple(round(v, 4) for v in wilson(5, 10))
(0.2366, 0.7634)
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

Z_975 = statistics.NormalDist().inv_cdf(0.975)


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with ``df`` (integer >= 1) degrees of freedom."""
    if df < 1 or int(df) != df:
        raise ValueError(f"degrees of freedom must be an integer >= 1, got {df}")
    theta = math.atan(abs(t) / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    if df % 2:  # A = 2/pi (theta + sin cos (1 + 2/3 cos^2 + 2*4/(3*5) cos^4 + ...)), powers up to df-2
        term = s = 1.0
        for k in range(1, (df - 1) // 2):
            term *= c2 * (2 * k) / (2 * k + 1)
            s += term
        a = 2 / math.pi * (theta + (math.sin(theta) * math.cos(theta) * s if df > 1 else 0.0))
    else:  # A = sin (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 + ...), powers up to df-2
        term = s = 1.0
        for k in range(1, df // 2):
            term *= c2 * (2 * k - 1) / (2 * k)
            s += term
        a = math.sin(theta) * s
    return 0.5 + math.copysign(0.5 * a, t)


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (0 < p < 1)."""
    if not 0 < p < 1:
        raise ValueError(f"a quantile needs 0 < p < 1, got {p}")
    if p < 0.5:
        return -t_quantile(1 - p, df)
    if df > 2000:
        z = statistics.NormalDist().inv_cdf(p)
        g = [(z**3 + z) / 4, (5 * z**5 + 16 * z**3 + 3 * z) / 96,
             (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384,
             (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160]
        return z + sum(gk / df ** (k + 1) for k, gk in enumerate(g))
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        lo, hi = hi, hi * 2
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if t_cdf(mid, df) < p else (lo, mid)
        if hi - lo < 1e-13 * hi:
            break
    return (lo + hi) / 2


def mean_ci(values: Sequence[float], level: float = 0.95) -> tuple[float, float] | None:
    """Student-t interval of the mean: ``mean ± t(1-α/2, n-1) s/√n``; ``None`` below two values."""
    n = len(values)
    if n < 2:
        return None
    m, s = statistics.fmean(values), statistics.stdev(values)
    h = t_quantile(0.5 + level / 2, n - 1) * s / math.sqrt(n)
    return m - h, m + h


def wilson(k: int, n: int, level: float = 0.95) -> tuple[float, float] | None:
    r"""Wilson score interval of a proportion ``k/n``:
    :math:`\frac{\hat p + z^2/2n \pm z\sqrt{\hat p(1-\hat p)/n + z^2/4n^2}}{1 + z^2/n}`; ``None`` for n = 0."""
    if n == 0:
        return None
    if not 0 <= k <= n:
        raise ValueError(f"successes must be within 0..n, got k={k}, n={n}")
    z = statistics.NormalDist().inv_cdf(0.5 + level / 2)
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z / den * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, mid - half), min(1.0, mid + half)


@dataclass(frozen=True)
class GroupSummary:
    group: dict[str, Any]  # the value of each --by field
    n: int  # runs (errors excluded)
    n_values: int  # runs with a finite metric
    mean: float | None
    std: float | None
    min: float | None
    max: float | None
    ci_low: float | None
    ci_high: float | None
    successes: int
    success_rate: float | None
    wilson_low: float | None
    wilson_high: float | None
    diverged: int
    errors: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Summary(list):
    """What :func:`summarize` returns: the :class:`GroupSummary` rows (a list), with the fields they are
    grouped ``by``, the ``metric`` and the ``success`` threshold; in a notebook it displays itself (a table
    and the success-rate figure, :mod:`.show`)."""

    def __init__(self, rows: Sequence[GroupSummary], by: Sequence[str], metric: str, success: float) -> None:
        super().__init__(rows)
        self.by, self.metric, self.success = tuple(by), metric, success

    def _repr_html_(self) -> str:
        from .show import summary_html

        return summary_html(self)


def is_success(metric: str, value: Any, threshold: float) -> bool:
    """Accuracies succeed at or above the threshold; losses at or below it. Missing or NaN: failure."""
    if value is None or not math.isfinite(value):
        return False
    return value <= threshold if "loss" in metric else value >= threshold


def _rank(v: Any, known: Sequence[Any]) -> tuple:
    if v in known:
        return (0, known.index(v), "")
    return (1, 0, str(v))


def summarize(records: Sequence[Any], *, by: Sequence[str] = (), metric: str = "test_acc",
              success: float = 0.9, order: dict[str, Sequence[Any]] | None = None) -> Summary:
    """One :class:`GroupSummary` per combination of the ``by`` fields, in first-seen order -- or, with
    ``order`` (field -> values, e.g. a spec's grid), in that order, unlisted values last by name."""
    from .fields import ALIASES, known_field

    metric = ALIASES.get(metric, metric)
    for name in (*by, metric):
        if not known_field(name, list(records)):
            raise ValueError(f"unknown field {name!r}; allowed: RunConfig fields, depth, width, status, seconds, "
                             "and the metrics test_acc, train_acc, test_loss, train_loss, epoch")
    groups: dict[tuple, list[Any]] = {}
    for r in records:
        groups.setdefault(tuple(r.get(b) for b in by), []).append(r)
    out = []
    for key, rs in groups.items():
        ok = [r for r in rs if r.status != "error"]
        vals = [float(v) for r in ok if isinstance(v := r.get(metric), int | float) and math.isfinite(v)]
        k = sum(is_success(metric, r.get(metric), success) for r in ok)
        ci, wi = mean_ci(vals), wilson(k, len(ok))
        out.append(GroupSummary(
            dict(zip(by, key, strict=True)), len(ok), len(vals),
            statistics.fmean(vals) if vals else None, statistics.stdev(vals) if len(vals) > 1 else None,
            min(vals, default=None), max(vals, default=None), *(ci or (None, None)),
            k, k / len(ok) if ok else None, *(wi or (None, None)),
            sum(r.status == "diverged" for r in rs), len(rs) - len(ok)))
    if order:
        out.sort(key=lambda g: tuple(_rank(g.group[b], list(order.get(b, ()))) for b in by))
    return Summary(out, by, metric, success)
