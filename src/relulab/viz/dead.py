"""The dead-units figure (claim C9): dead fraction over training, one panel per learning rate.

>>> import torch
>>> from relulab.analysis.dead import DeadHistory
>>> h = DeadHistory(["1"], torch.tensor([[0, 0], [1, 0], [1, 1]], dtype=torch.bool))
>>> fig = plot_dead_fraction({(0.3, "relu"): [h], (0.3, "elu"): [h]})
>>> [ax.get_title() for ax in fig.axes]
['lr = 0.3']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from ..analysis.dead import DeadHistory

COLORS = {"relu": "#0877bd", "leaky_relu": "#17becf", "prelu": "#9467bd", "elu": "#2ca02c"}


def plot_dead_fraction(histories: Mapping[tuple[float, str], Sequence[DeadHistory]]) -> Figure:
    """``histories[(lr, activation)]``: one :class:`DeadHistory` per seed. Thin lines: each seed; thick:
    the mean; the legend gives, per activation, how many units were ever dead and how many revived."""
    lrs = sorted({lr for lr, _ in histories})
    acts = list(dict.fromkeys(a for _, a in histories))
    fig = Figure(figsize=(3.3 * len(lrs) + 1, 3.4), layout="constrained")
    axes = fig.subplots(1, len(lrs), squeeze=False, sharey=True)[0]
    for ax, lr in zip(axes, lrs, strict=True):
        for a in acts:
            hs = histories.get((lr, a), [])
            if not hs:
                continue
            color = COLORS.get(a)
            fr = [np.array(h.fraction()) for h in hs]
            for f in fr:
                ax.plot(np.arange(len(f)), f, color=color, lw=0.5, alpha=0.5)
            n = min(len(f) for f in fr)
            ever, rev = sum(h.ever_dead() for h in hs), sum(h.revived() for h in hs)
            ax.plot(np.arange(n), np.mean([f[:n] for f in fr], axis=0), color=color, lw=2,
                    label=f"{a}: {ever} ever dead, {rev} revived")
        ax.set_title(f"lr = {lr:g}")
        ax.set_xlabel("epoch")
        ax.set_ylim(-0.02, 1.0)
        ax.legend(fontsize=6, loc="upper left")
    axes[0].set_ylabel("dead fraction of hidden units")
    return fig
