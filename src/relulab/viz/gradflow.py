"""The gradient-flow figure (claim C6): first/last gradient ratio vs depth, and the derivatives.

>>> from relulab.analysis.gradflow import gradient_flow
>>> fig = plot_gradient_flow(gradient_flow(["sigmoid", "relu"], ["he"], [2, 4], [0], width=4, n=8))
>>> [ax.get_title() for ax in fig.axes]
['||dL/dW_1|| / ||dL/dW_last|| at init (median over seeds)', "derivatives: sigmoid' <= 1/4"]
"""

from __future__ import annotations

import torch
from matplotlib.figure import Figure

from ..activations import get_activation
from ..analysis.gradflow import GradientFlow, TrainingFlow

COLORS = {"sigmoid": "#f59322", "tanh": "#9467bd", "relu": "#0877bd", "leaky_relu": "#17becf", "elu": "#2ca02c",
          "gelu": "#8c564b"}
STYLES = {"torch": ":", "xavier": "--", "he": "-"}


def plot_gradient_flow(r: GradientFlow) -> Figure:
    """Left: the ratio vs depth on a log scale, one colour per activation, one line style per init.
    Right: f'(x) of the activations, with sigmoid's maximum 1/4 marked."""
    fig = Figure(figsize=(11.0, 4.4), layout="constrained")
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.6, 1.0])
    for a in r.activations:
        for i in r.inits:
            vals = [max(v, 1e-300) for v in r.median(a, i)]
            ax.semilogy(r.depths, vals, STYLES.get(i, "-"), color=COLORS.get(a), marker="o", ms=2.5,
                        label=f"{a}, {i}")
    ax.axhspan(0.1, 10, color="#eeeeee", zorder=0)
    ax.axhline(1e-6, color="black", lw=0.8, ls=":")
    ax.set_xlabel("depth (linear layers)")
    ax.set_ylabel("first / last gradient norm")
    ax.set_title("||dL/dW_1|| / ||dL/dW_last|| at init (median over seeds)")
    ax.legend(fontsize=6, ncol=3)
    x = torch.linspace(-6, 6, 601, dtype=torch.float64)
    for a in r.activations:
        ax2.plot(x, get_activation(a).grad(x), color=COLORS.get(a), label=a)
    ax2.axhline(0.25, color="#f59322", lw=0.8, ls=":")
    ax2.text(-6, 0.27, "1/4", color="#f59322", fontsize=8)
    ax2.set_xlabel("x")
    ax2.set_title("derivatives: sigmoid' <= 1/4")
    ax2.legend(fontsize=7)
    return fig


def plot_training_flow(tr: TrainingFlow) -> Figure:
    """One panel per init: each layer's gradient norm (log scale) at init (solid) and after the last epoch
    (dashed), median over seeds, one colour per activation."""
    inits = list(next(iter(tr.norms.values())))
    fig = Figure(figsize=(3.6 * len(inits), 3.6), layout="constrained")
    axes = fig.subplots(1, len(inits), squeeze=False, sharey=True)[0]
    layers = list(range(1, tr.depth + 1))
    for ax, i in zip(axes, inits, strict=True):
        for a in tr.norms:
            for epoch, style in ((0, "-"), (tr.epochs, "--")):
                vals = [max(v, 1e-300) if v == v else float("nan") for v in tr.median_layers(a, i, epoch)]
                ax.semilogy(layers, vals, style, color=COLORS.get(a), lw=1.2,
                            label=f"{a}, {'init' if epoch == 0 else f'epoch {epoch}'}")
        ax.set_title(f"{i} init")
        ax.set_xlabel("layer")
    axes[0].set_ylabel("||dL/dW_k||")
    axes[0].legend(fontsize=6)
    return fig
