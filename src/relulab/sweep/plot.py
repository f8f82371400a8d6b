"""The grouped figure of a sweep: success rate per group with its 95 % Wilson interval as error bars.

With one ``--by`` field the groups are bars along x; with two or more, the first field is the x axis
and the others pick the bar colour (e.g. success by activation x depth). Built on
:class:`matplotlib.figure.Figure` directly: no pyplot, no window.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure


def _label(v: object) -> str:
    return ",".join(map(str, v)) if isinstance(v, tuple) else str(v)


def success_figure(rows: Sequence[Any], by: Sequence[str], *, metric: str = "test_acc",
                   success: float = 0.9) -> Figure:
    """Bars of the success rate per group (``rows``: :class:`~.stats.GroupSummary`, read by attribute, so
    that :mod:`.stats` may draw itself with this module), Wilson intervals as error bars; one colour per
    sub-group."""
    xs = list(dict.fromkeys(_label(r.group[by[0]]) if by else "all" for r in rows))
    hues = list(dict.fromkeys(" ".join(f"{b}={_label(r.group[b])}" for b in by[1:]) for r in rows))
    fig = Figure(figsize=(max(5.0, 0.9 + len(xs) * (0.35 + 0.18 * len(hues))), 3.8), layout="constrained")
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(hues))
    for j, hue in enumerate(hues):
        pos, rate, err_lo, err_hi = [], [], [], []
        for r in rows:
            if " ".join(f"{b}={_label(r.group[b])}" for b in by[1:]) != hue or r.success_rate is None:
                continue
            x = xs.index(_label(r.group[by[0]]) if by else "all")
            pos.append(x - 0.4 + width * (j + 0.5))
            rate.append(r.success_rate)
            err_lo.append(r.success_rate - r.wilson_low)
            err_hi.append(r.wilson_high - r.success_rate)
        ax.bar(pos, rate, width=width * 0.92, yerr=[err_lo, err_hi], capsize=2, label=hue or None,
               error_kw={"elinewidth": 0.8})
    ax.set_xticks(range(len(xs)), xs, rotation=30 if len(xs) > 4 else 0, ha="right" if len(xs) > 4 else "center")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(by[0] if by else "")
    op = "<=" if "loss" in metric else ">="
    ax.set_ylabel(f"success rate ({metric} {op} {success})")
    ax.set_title("success rate with 95 % Wilson intervals", fontsize=10)
    if len(hues) > 1:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig
