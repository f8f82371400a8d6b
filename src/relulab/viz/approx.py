"""Figures for :mod:`relulab.analysis.approx` (claims C4, C5): error vs N, and the fits on a wider interval.

>>> from relulab.analysis.approx import approx
>>> r = approx(["sin"], [4, 8], methods=["constructed"], generator=torch.Generator())
>>> [len(plot_error_vs_n(r).axes), len(plot_extrapolation(r).axes)]
[1, 1]
"""

from __future__ import annotations

import torch
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from ..analysis.approx import Approximation
from ..data.targets import TARGETS

COLORS = {"sin": "#0877bd", "sigmoid": "#f59322", "exp": "#2ca02c"}
STYLE = {"constructed": "-", "trained": "--"}


def plot_error_vs_n(r: Approximation) -> Figure:
    """Max error inside the interval vs N (log-log), both methods, each curve's slope in the legend,
    and the construction's guarantee h^2/8 max|f''| for each target (dotted)."""
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.subplots()
    n = r.units
    for t in r.targets:
        color = COLORS.get(t)
        for m in ("constructed", "trained"):
            if not any(f.method == m for f in r.fits):
                continue
            ax.loglog(n, r.errors(t, m), STYLE[m], marker="o", ms=3, color=color,
                      label=f"{t}, {m} (slope {r.slope(t, m):.2f})")
        bounds = [next(f.bound for f in r.fits if (f.target, f.units) == (t, k)) for k in n]
        ax.loglog(n, bounds, ":", color=color, lw=1)
    ax.set_xticks(n, [str(k) for k in n])  # the N measured, plainly: log-axis labels like 3x10^0 overlap
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("N (ReLU units)")
    ax.set_ylabel(f"max |error| on [{r.interval[0]:g}, {r.interval[1]:g}]")
    ax.set_title("error vs N (dotted: h²/8·max|f''|)")
    ax.legend(fontsize=7)
    return fig


def plot_extrapolation(r: Approximation, units: int | None = None) -> Figure:
    """Each target and its fits with ``units`` units (default the largest N) on the outer interval,
    the fitted interval shaded and every kink marked (all inside: the net is affine outside)."""
    units = units or max(r.units)
    targets = r.targets
    fig = Figure(figsize=(4.0 * len(targets), 3.6), layout="constrained")
    axes = fig.subplots(1, len(targets), squeeze=False)[0]
    x = torch.linspace(r.outer[0], r.outer[1], 1601, dtype=torch.float64)
    for ax, t in zip(axes, targets, strict=True):
        y = TARGETS.get(t).fn(x)
        ax.axvspan(*r.interval, color="#eeeeee", zorder=0)
        ax.plot(x, y, color="black", lw=1.5, label=t)
        for m in ("constructed", "trained"):
            fits = [f for f in r.fits if (f.target, f.method, f.units) == (t, m, units)]
            if not fits:
                continue
            f = fits[0]
            color = "#0877bd" if m == "constructed" else "#c0392b"
            ax.plot(x, f(x), STYLE[m], color=color, lw=1.2,
                    label=f"{m}: {f.inside:.1e} in, {f.outside:.1e} out")
            k = f.kinks()
            ax.plot(k, f(k), "|", color=color, ms=8)
        lo, hi = float(y.min()), float(y.max())
        pad = 0.25 * (hi - lo)
        ax.set_ylim(lo - pad, hi + pad)
        ax.set_xlim(*r.outer)
        ax.set_title(f"{t}, N = {units}")
        ax.set_xlabel("x")
        ax.legend(fontsize=7, loc="upper left")
    return fig
