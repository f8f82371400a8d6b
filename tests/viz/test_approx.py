from __future__ import annotations

import torch

from relulab.analysis.approx import approx
from relulab.viz.approx import plot_error_vs_n, plot_extrapolation


def test_figures_show_every_curve_and_kink():
    r = approx(["sin", "exp"], [4, 8], epochs=20, generator=torch.Generator())
    ax = plot_error_vs_n(r).axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert sum("constructed" in s for s in labels) == 2 and sum("trained" in s for s in labels) == 2
    axes = plot_extrapolation(r, units=8).axes
    assert [a.get_title() for a in axes] == ["sin, N = 8", "exp, N = 8"]
    ticks = [line for line in axes[0].get_lines() if line.get_marker() == "|"]
    assert sum(len(t.get_xdata()) for t in ticks) == sum(
        r.get("sin", m, 8).kinks().numel() for m in ("constructed", "trained"))


def test_error_vs_n_labels_each_n_once_without_minor_ticks():
    from relulab.analysis.approx import approx
    from relulab.viz.approx import plot_error_vs_n

    r = approx(["sin"], [2, 4, 8, 16, 32, 64], methods=["constructed"], generator=torch.Generator())
    fig = plot_error_vs_n(r)
    fig.canvas.draw()
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "4", "8", "16", "32", "64"]
    assert [t.get_text() for t in ax.get_xticklabels(minor=True)] == []
    boxes = [t.get_window_extent() for t in ax.get_xticklabels()]
    assert all(a.x1 < b.x0 for a, b in zip(boxes, boxes[1:], strict=False))  # no two labels overlap
