"""The figure of claim C11: every activation's success rate over the sweep, overall and per data set.

>>> from types import SimpleNamespace as S
>>> summary = [S(group={"activation": "relu"}, success_rate=0.5, wilson_low=0.3, wilson_high=0.7)]
>>> by_ds = [S(group={"activation": "relu", "dataset": "circle"}, success_rate=0.5)]
>>> [ax.get_title() for ax in plot_variant_success(summary, by_ds, 0.9).axes]
['success rate, 95 % Wilson interval', 'per data set']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure


def plot_variant_success(summary: Sequence, by_ds: Sequence, success: float) -> Figure:
    """``summary``: one group per activation (``success_rate``, ``wilson_low``, ``wilson_high``); ``by_ds``:
    one per activation and data set (``success_rate``), as :func:`relulab.sweep.summarize` gives them."""
    acts = [s.group["activation"] for s in summary]
    fig = Figure(figsize=(6.4, 6.4), layout="constrained")
    a, b = fig.subplots(2, 1)
    rate = np.array([s.success_rate for s in summary])
    err = np.array([[r - s.wilson_low, s.wilson_high - r] for s, r in zip(summary, rate, strict=True)]).T
    err = np.clip(err, 0.0, None)  # Wilson's ends are clamped to [0, 1]: at a rate of 1, rounding can cross it
    a.errorbar(range(len(acts)), rate, yerr=err, fmt="o", capsize=5)
    a.set_xticks(range(len(acts)), acts, rotation=30, ha="right", fontsize=8)
    a.set(ylim=(-0.02, 1.02), ylabel=f"test acc ≥ {success:g}", title="success rate, 95 % Wilson interval")
    datasets = list(dict.fromkeys(s.group["dataset"] for s in by_ds))
    width = 0.8 / len(acts)
    for i, x in enumerate(acts):
        vals = [next(s.success_rate for s in by_ds if s.group == {"activation": x, "dataset": d}) for d in datasets]
        b.bar(np.arange(len(datasets)) + i * width, vals, width, label=x)
    b.set_xticks(np.arange(len(datasets)) + 0.4 - width / 2, datasets)
    b.set(ylim=(0, 1.05), ylabel="success rate", title="per data set")
    b.legend(fontsize=7, ncol=4, loc="upper right")
    return fig
