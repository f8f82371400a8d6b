"""C11's figure draws a success rate of 1, whose Wilson high end rounds below 1 (13 of 13)."""

from __future__ import annotations

from relulab.experiments import c11_variants_sweep as c11
from relulab.sweep.stats import GroupSummary, wilson


def _summary(group: dict, k: int, n: int) -> GroupSummary:
    lo, hi = wilson(k, n)
    return GroupSummary(group, n, n, 0.9, 0.01, 0.8, 1.0, 0.85, 0.95, k, k / n, lo, hi, 0, 0)


def test_a_perfect_rate_draws_without_a_negative_error_bar():
    assert wilson(13, 13)[1] < 1.0  # the case that broke the full run
    summary = [_summary({"activation": a}, k, 13) for a, k in (("relu", 13), ("elu", 7))]
    by_ds = [_summary({"activation": a, "dataset": "circle"}, k, 13) for a, k in (("relu", 13), ("elu", 7))]
    fig = c11._figure(summary, by_ds, 0.9)
    assert fig.name == "c11_variants" and fig.png.startswith(b"\x89PNG")
