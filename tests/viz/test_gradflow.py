from __future__ import annotations

from relulab.analysis.gradflow import gradient_flow
from relulab.viz.gradflow import plot_gradient_flow


def test_one_line_per_activation_and_init():
    r = gradient_flow(["sigmoid", "relu"], ["torch", "he"], [2, 3], [0], width=4, n=8)
    ax, ax2 = plot_gradient_flow(r).axes
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert labels == ["sigmoid, torch", "sigmoid, he", "relu, torch", "relu, he"]
    assert list(ax.get_lines()[0].get_ydata()) == r.median("sigmoid", "torch")
    assert [t.get_text() for t in ax2.texts] == ["1/4"]


def test_training_flow_panel_per_init_with_layers_at_init_and_after_training():
    from relulab.analysis.gradflow import training_flow
    from relulab.viz.gradflow import plot_training_flow

    tr = training_flow(["relu", "tanh"], ["torch", "he"], [0], depth=3, width=4, n=8, epochs=2)
    fig = plot_training_flow(tr)
    assert [ax.get_title() for ax in fig.axes] == ["torch init", "he init"]
    lines = fig.axes[1].get_lines()
    assert [ln.get_label() for ln in lines] == ["relu, init", "relu, epoch 2", "tanh, init", "tanh, epoch 2"]
    assert list(lines[1].get_ydata()) == tr.median_layers("relu", "he", 2)
