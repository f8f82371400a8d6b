"""Figures of the claims (moved from their modules: every figure is drawn in ``viz``)."""

from __future__ import annotations

import torch
from matplotlib.figure import Figure

from ..activations import get_activation


def plot_linearity(rows, seed: int) -> Figure:
    """Left: relu(a+b) against relu(a)+relu(b) (identity beside). Right: every activation's additivity and
    homogeneity gaps."""
    g = torch.Generator().manual_seed(seed)
    a, b = (torch.randn(400, generator=g, dtype=torch.float64) * 3 for _ in range(2))
    relu = get_activation("relu")
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    (ax0, ax1) = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.6]})
    ax0.scatter(relu(a) + relu(b), relu(a + b), s=6, alpha=0.6, label="relu")
    ax0.scatter(a + b, a + b, s=4, alpha=0.4, label="identity")
    ax0.plot([-10, 10], [-10, 10], "k--", lw=0.8)
    ax0.set(xlabel="f(a) + f(b)", ylabel="f(a + b)", title="additivity: points off the diagonal break it")
    ax0.legend()
    y = range(len(rows))
    for key, mark in (("additivity", "o"), ("homogeneity", "s"), ("positive_homogeneity", "^")):
        ax1.scatter([max(getattr(r, key), 1e-18) for r in rows], y, marker=mark, label=key.replace("_", " "))
    ax1.set_xscale("log")
    ax1.set_yticks(list(y), [f"{r.name} ({r.classification})" for r in rows], fontsize=7)
    ax1.axvline(1e-12, color="grey", ls=":")
    ax1.set(xlabel="largest violation (1e-18 = exactly 0)", title="linearity identities per activation")
    ax1.legend(fontsize=7, loc="lower right")
    return fig
