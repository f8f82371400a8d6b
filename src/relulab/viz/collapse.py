"""Figures of the claims (moved from their modules: every figure is drawn in ``viz``)."""

from __future__ import annotations

import torch
from matplotlib.figure import Figure


def plot_collapse(first, rows) -> Figure:
    """Left: the deep identity net's outputs against the single affine map's. Right: the singular values of W', the
    narrowest width marked."""
    net, r, x, y, y1 = first
    fig = Figure(figsize=(9, 3.8), layout="constrained")
    (a, b) = fig.subplots(1, 2)
    a.scatter(y.ravel(), y1.ravel(), s=4, alpha=0.5)
    lim = float(y.abs().max()) * 1.05
    a.plot([-lim, lim], [-lim, lim], "k--", lw=0.8)
    a.set(xlabel="original 20-layer net f(x)", ylabel="one nn.Linear: W'x + b'",
          title=f"max |difference| = {r.max_abs_diff:.1e}")
    s = torch.linalg.svdvals(r.layer.weight.detach().cpu())
    b.semilogy(range(1, len(s) + 1), s.clamp_min(1e-300), "o-")
    b.axvline(rows[0]["narrowest"] + 0.5, color="r", ls=":", label=f"narrowest width {rows[0]['narrowest']}")
    b.set(xlabel="index", ylabel="singular value of W'", title=f"rank W' = {r.rank}")
    b.legend()
    return fig
