from __future__ import annotations

from relulab.analysis.speed import speed
from relulab.viz.speed import plot_speed


def test_one_bar_group_per_row():
    s = speed(["relu", "gelu"], numel=256, repeats=1)
    ax = plot_speed(s).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["copy", "relu", "gelu"]
    assert len(ax.patches) == 3 * 3  # gelu's in-place bar is drawn as nan (no in-place form)


def test_speed_curve_plots_both_ratios_over_the_sizes():
    from relulab.analysis.speed_noise import SpeedCurve
    from relulab.viz.speed import plot_speed_curve

    t = {"copy": [1.0, 1.0], "copy_again": [1.0, 1.2], "relu": [1.0, 1.0], "sigmoid": [2.0, 4.0], "tanh": [4.0, 4.0]}
    c = SpeedCurve("cpu", 1, 2, {2**16: t, 2**18: t})
    ax = plot_speed_curve(c).axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert list(lines["relu / tanh"].get_ydata()) == [0.25, 0.25]
    assert list(lines["relu / sigmoid"].get_ydata()) == [0.375, 0.375]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2^16", "2^18"]
