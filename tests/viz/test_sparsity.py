from __future__ import annotations

from relulab.analysis.sparsity import SparsityTable
from relulab.viz.sparsity import plot_sparsity


def test_bars_are_the_per_layer_means():
    t = SparsityTable({"relu": [[0.5, 0.3], [0.7, 0.5]], "elu": [[0.0, 0.0], [0.0, 0.0]]})
    ax = plot_sparsity(t).axes[0]
    heights = [p.get_height() for p in ax.patches]
    assert heights == [0.6, 0.0, 0.4, 0.0]  # layer 1 for relu, elu; then layer 2
    assert [x.get_text() for x in ax.get_xticklabels()] == ["relu", "elu"]
