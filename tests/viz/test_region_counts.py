"""C14's local-complexity figure (viz/region_counts.py): regions and local complexity over training, two axes."""

from __future__ import annotations

from relulab.viz.region_counts import plot_local_complexity


def test_local_complexity_plots_both_series_against_the_epochs():
    local = {"epochs": [0, 10, 20], "regions": [12, 30, 41], "local_complexity": [1.5, 2.25, 3.0], "radius": 0.125}
    fig = plot_local_complexity(local, 8)
    left, right = fig.axes
    assert left.get_title() == "width 8 on the circle: regions over training"
    assert [list(ln.get_xdata()) for ln in (*left.get_lines(), *right.get_lines())] == [[0, 10, 20]] * 2
    assert list(left.get_lines()[0].get_ydata()) == [12, 30, 41]
    assert list(right.get_lines()[0].get_ydata()) == [1.5, 2.25, 3.0]
    assert "r = 0.12" in right.get_ylabel()
    assert [t.get_text() for t in left.get_legend().get_texts()] == ["regions on the box", "local complexity"]
