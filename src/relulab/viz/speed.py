"""Bars for :func:`relulab.analysis.speed.speed` (claim C7): each activation's time as a multiple of a copy.

>>> from relulab.analysis.speed import speed
>>> fig = plot_speed(speed(["relu", "tanh"], numel=2**10, repeats=1))
>>> [ax.get_title() for ax in fig.axes]
['time / copy (log scale; 1 = as cheap as moving the tensor)']
"""

from __future__ import annotations

import numpy as np
import torch  # noqa: F401  (doctest namespace)
from matplotlib.figure import Figure

from ..analysis.speed import KINDS, Speed

COLORS = {"forward": "#0877bd", "inplace": "#2ca02c", "forward_backward": "#f59322"}
LABELS = {"forward": "forward, fresh output", "inplace": "forward, in place", "forward_backward": "forward+backward"}


def plot_speed(s: Speed) -> Figure:
    """Grouped bars per activation (the copy row first), log scale, with the copy's level at 1."""
    ratios = s.ratios()
    names = list(ratios)
    fig = Figure(figsize=(max(6.0, 0.45 * len(names) + 2), 4.2), layout="constrained")
    ax = fig.subplots()
    x = np.arange(len(names))
    for i, kind in enumerate(KINDS):
        vals = [ratios[n][kind] for n in names]
        shown = [np.nan if v is None else max(v, 1e-3) for v in vals]
        ax.bar(x + (i - 1) * 0.27, shown, width=0.27, color=COLORS[kind], label=LABELS[kind])
    ax.axhline(1.0, color="black", lw=0.8, ls=":")
    ax.set_yscale("log")
    ax.set_xticks(x, names, rotation=45, ha="right", fontsize=8)
    ax.set_title("time / copy (log scale; 1 = as cheap as moving the tensor)")
    ax.set_xlabel(f"{s.numel:,} {s.dtype} values on {s.device}, {s.threads} thread(s)")
    ax.legend(fontsize=8)
    return fig
