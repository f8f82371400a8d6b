"""The claims' figures drawn in viz (moved out of the claim modules): panels, titles and plotted data."""

from __future__ import annotations

import torch

from relulab.activations import get_activation


def test_variant_values_marks_the_claims_points():
    from relulab.viz.activations import plot_variant_values

    fig = plot_variant_values({"relu": [0.0, 2.0, 0.0, 4.0]}, [-1.0, 2.0, -3.0, 4.0])
    ax = fig.axes[0]
    assert [c.get_offsets().tolist() for c in ax.collections] == [[[-1.0, 0.0], [2.0, 2.0], [-3.0, 0.0], [4.0, 4.0]]]
    assert [ln.get_label() for ln in ax.get_lines()][:4] == ["relu", "leaky_relu", "elu", "prelu (a = 0.25 at init)"]


def test_linearity_figure_plots_relu_sums_and_every_activations_gaps():
    from relulab.analysis.linearity import linearity_table
    from relulab.viz.linearity import plot_linearity

    rows = linearity_table(generator=torch.Generator().manual_seed(0), n=64)
    fig = plot_linearity(rows, 0)
    left, right = fig.axes
    g = torch.Generator().manual_seed(0)
    a, b = (torch.randn(400, generator=g, dtype=torch.float64) * 3 for _ in range(2))
    relu = get_activation("relu")
    assert left.collections[0].get_offsets()[:, 1].tolist() == relu(a + b).tolist()
    assert len(right.get_yticks()) == len(rows)


def test_collapse_figure_shows_the_rank():
    from relulab.analysis.collapse import collapse
    from relulab.models import MLP
    from relulab.viz.collapse import plot_collapse

    net = MLP(3, (4, 2, 4), 3, "identity", generator=torch.Generator().manual_seed(0)).double()
    x = torch.randn(10, 3, dtype=torch.float64)
    r = collapse(net, generator=torch.Generator().manual_seed(1), samples=16)
    with torch.no_grad():
        y, y1 = net(x), r.layer(x)
    fig = plot_collapse((net, r, x, y, y1), [{"narrowest": 2}])
    assert fig.axes[1].get_title() == f"rank W' = {r.rank}" and r.rank <= 2
