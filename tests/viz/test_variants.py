"""C11's figure (viz/variants.py): a success rate of 1, whose Wilson high end rounds below 1 (13 of 13), draws."""

from __future__ import annotations

from relulab.sweep.stats import GroupSummary, wilson
from relulab.viz.variants import plot_variant_success


def _summary(group: dict, k: int, n: int) -> GroupSummary:
    lo, hi = wilson(k, n)
    return GroupSummary(group, n, n, 0.9, 0.01, 0.8, 1.0, 0.85, 0.95, k, k / n, lo, hi, 0, 0)


def test_a_perfect_rate_draws_without_a_negative_error_bar():
    assert wilson(13, 13)[1] < 1.0  # the case that broke the full run
    summary = [_summary({"activation": a}, k, 13) for a, k in (("relu", 13), ("elu", 7))]
    by_ds = [_summary({"activation": a, "dataset": d}, k, 13) for a, k in (("relu", 13), ("elu", 7))
             for d in ("circle", "xor")]
    fig = plot_variant_success(summary, by_ds, 0.9)
    top, bottom = fig.axes
    assert [t.get_text() for t in top.get_xticklabels()] == ["relu", "elu"]
    (points,) = top.get_lines()[:1]
    assert list(points.get_ydata()) == [1.0, 7 / 13]
    bars = [round(p.get_height(), 4) for p in bottom.patches]
    assert bars == [1.0, 1.0, round(7 / 13, 4), round(7 / 13, 4)]  # relu's two data sets, then elu's
    assert [t.get_text() for t in bottom.get_xticklabels()] == ["circle", "xor"]
