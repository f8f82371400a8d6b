from __future__ import annotations

from relulab.analysis.speed import speed
from relulab.viz.speed import plot_speed


def test_one_bar_group_per_row():
    s = speed(["relu", "gelu"], numel=256, repeats=1)
    ax = plot_speed(s).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["copy", "relu", "gelu"]
    assert len(ax.patches) == 3 * 3  # gelu's in-place bar is drawn as nan (no in-place form)
