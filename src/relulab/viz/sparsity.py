"""The sparsity figure (claim C8): exact-zero fraction per layer and activation, with the spread over models.

>>> from relulab.analysis.sparsity import SparsityTable
>>> fig = plot_sparsity(SparsityTable({"relu": [[0.5, 0.4], [0.6, 0.5]], "tanh": [[0.0, 0.0], [0.0, 0.0]]}))
>>> fig.axes[0].get_title()
'exact zeros per layer (bar: mean over models; ticks: each model)'
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..analysis.sparsity import SparsityTable


def plot_sparsity(t: SparsityTable) -> Figure:
    """Grouped bars: one group per activation, one bar per layer; each model's value as a tick."""
    acts = t.activations
    layers = len(t.values[acts[0]][0]) if acts else 0
    fig = Figure(figsize=(max(6.0, 0.9 * len(acts) + 2), 3.8), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / max(layers, 1)
    colors = ["#0877bd", "#f59322", "#2ca02c", "#9467bd", "#8c564b", "#17becf"]
    for k in range(layers):
        x = np.arange(len(acts)) + (k - (layers - 1) / 2) * width
        ax.bar(x, [t.per_layer(a)[k] for a in acts], width=width, color=colors[k % len(colors)],
               label=f"layer {k + 1}")
        for xi, a in zip(x, acts, strict=True):
            ax.plot([xi] * len(t.values[a]), [v[k] for v in t.values[a]], "_", color="black", ms=6)
    ax.set_xticks(np.arange(len(acts)), acts, rotation=30, ha="right")
    ax.set_ylim(0, 1)
    ax.set_ylabel("fraction of outputs exactly 0")
    ax.set_title("exact zeros per layer (bar: mean over models; ticks: each model)")
    ax.legend(fontsize=8)
    return fig
