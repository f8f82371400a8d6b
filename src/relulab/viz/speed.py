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
from ..analysis.speed_noise import SpeedCurve

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


def plot_speed_curve(c: SpeedCurve, cheap: float = 0.5) -> Figure:
    """relu / sigmoid and relu / tanh (median over rounds, each round's ratio as a dot) against tensor size,
    with the copy's own spread as a band around 1 and the threshold ``cheap``."""
    sizes = sorted(c.times)
    x = [s.bit_length() - 1 for s in sizes]
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.subplots()
    noise = [c.noise(s) for s in sizes]
    ax.fill_between(x, [1 / n for n in noise], noise, color="#dddddd", label="copy vs copy: max/min spread")
    for other, color in (("sigmoid", "#f59322"), ("tanh", "#9467bd")):
        ax.semilogy(x, [c.median_ratio(s, "relu", other) for s in sizes], "o-", color=color, label=f"relu / {other}")
        for xi, s in zip(x, sizes, strict=True):
            r = c.ratios(s, "relu", other)
            ax.plot([xi] * len(r), r, ".", color=color, alpha=0.35, ms=3)
    ax.axhline(cheap, color="black", ls=":", lw=0.9, label=f"{cheap} (much cheaper)")
    ax.set_xticks(x, [f"2^{k}" for k in x])
    ax.set_xlabel("tensor size (float32 values)")
    ax.set_ylabel("time ratio (log)")
    ax.set_title(f"relu's forward time over the others' ({c.device}, {c.threads} thread(s))")
    ax.legend(fontsize=7)
    return fig
