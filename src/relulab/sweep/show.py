"""A sweep in a notebook: its summary (``Summary._repr_html_``) as a table -- per group the runs, the
mean of the metric with its 95 % t interval, the success rate with its 95 % Wilson interval -- and the
success-rate figure of ``relulab sweep show --plot`` (PNG, embedded); a sweep's records
(``SweepRecords._repr_html_``) as how many runs ended how, then the summary over the fields that vary.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from ..display import esc, num, section, table
from ..viz.png import to_png
from .plot import success_figure

SEEDS = ("weight_seed", "data_seed")  # fields a sweep varies to repeat a setting, not to compare


def _interval(lo: float | None, hi: float | None) -> str:
    return "-" if lo is None or hi is None else f"[{num(lo)}, {num(hi)}]"


def figure_uri(rows: Sequence[Any], by: Sequence[str], metric: str, success: float) -> str:
    png = to_png(success_figure(rows, list(by), metric=metric, success=success), dpi=90)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def summary_html(summary: Any) -> str:
    by, metric, success = list(summary.by), summary.metric, summary.success
    op = "<=" if "loss" in metric else ">="
    head = [*by, "runs", f"mean {metric}", "95 % t interval", "successes", "success rate", "95 % Wilson interval",
            "diverged", "errors"]
    rows = [[*(str(g.group[b]) for b in by), g.n, g.mean, _interval(g.ci_low, g.ci_high), g.successes,
             g.success_rate, _interval(g.wilson_low, g.wilson_high), g.diverged, g.errors] for g in summary]
    parts = [f"<p>success: {esc(metric)} {esc(op)} {esc(num(success))}</p>", table(head, rows)]
    if any(g.success_rate is not None for g in summary):
        parts.append(f'<img src="{figure_uri(summary, by, metric, success)}" alt="success rate per group" '
                     'style="max-width:100%;height:auto">')
    return section("sweep-summary", f"Sweep summary of {metric}" + (f" by {', '.join(by)}" if by else ""), *parts)


def varying(records: Sequence[Any]) -> list[str]:
    """The config fields whose value differs between ``records``, seeds left out, in config order."""
    seen: dict[str, set[str]] = {}
    for r in records:
        for k, v in r.config.items():
            seen.setdefault(k, set()).add(repr(v))
    return [k for k, vals in seen.items() if len(vals) > 1 and k not in SEEDS]


def records_html(records: Any) -> str:
    statuses: dict[str, int] = {}
    for r in records:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    ended = ", ".join(f"{n} {s}" for s, n in statuses.items()) or "none"
    summary = records.summarize(by=varying(records)) if len(records) else None
    inner = summary_html(summary) if summary is not None else ""
    return section("sweep", f"Sweep: {len(records)} runs", f"<p>{esc(ended)}</p>", inner)
