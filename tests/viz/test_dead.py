from __future__ import annotations

import torch

from relulab.analysis.dead import DeadHistory
from relulab.viz.dead import plot_dead_fraction


def test_one_panel_per_lr_and_counts_in_the_legend():
    h = DeadHistory(["1"], torch.tensor([[0, 0], [1, 0], [0, 1]], dtype=torch.bool))
    fig = plot_dead_fraction({(1.0, "relu"): [h, h], (3.0, "relu"): [h], (3.0, "elu"): [h]})
    assert [ax.get_title() for ax in fig.axes] == ["lr = 1", "lr = 3"]
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["relu: 4 ever dead, 2 revived"]
