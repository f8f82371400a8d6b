"""The arithmetic figure (claim C12): RMSE inside and outside the training square per task and model.

>>> from relulab.analysis.arithmetic import ArithmeticErrors
>>> e = {("add", "relu"): [ArithmeticErrors("add", 0.02, 0.07, 4.0)],
...      ("add", "linear"): [ArithmeticErrors("add", 1e-15, 2e-15, 4.0)]}
>>> plot_arithmetic(e).axes[0].get_title()
'RMSE per task (bars: median over seeds; dots: seeds)'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from ..analysis.arithmetic import ArithmeticErrors

COLORS = {("relu", "inside"): "#0877bd", ("relu", "outside"): "#8fc1e3",
          ("linear", "inside"): "#f59322", ("linear", "outside"): "#f8c78f"}
FLOOR = 1e-17  # an exact fit (RMSE 0) still shows, at the bottom


def plot_arithmetic(errors: Mapping[tuple[str, str], Sequence[ArithmeticErrors]]) -> Figure:
    """``errors[(op, model)]``: one :class:`ArithmeticErrors` per seed."""
    ops = list(dict.fromkeys(op for op, _ in errors))
    models = list(dict.fromkeys(k for _, k in errors))
    fig = Figure(figsize=(7.0, 4.0), layout="constrained")
    ax = fig.subplots()
    bars = [(k, w) for k in models for w in ("inside", "outside")]
    width = 0.8 / len(bars)
    for j, (k, w) in enumerate(bars):
        x = np.arange(len(ops)) + (j - (len(bars) - 1) / 2) * width
        per = [[max(getattr(e, w), FLOOR) for e in errors.get((op, k), [])] for op in ops]
        ax.bar(x, [np.median(v) if v else np.nan for v in per], width=width, color=COLORS.get((k, w)),
               label=f"{k}, {w}")
        for xi, v in zip(x, per, strict=True):
            ax.plot([xi] * len(v), v, ".", color="black", ms=3)
    ax.set_yscale("log")
    ax.set_xticks(np.arange(len(ops)), [{"add": "a + b", "sub": "a − b", "mul": "a · b"}.get(o, o) for o in ops])
    ax.set_ylabel("RMSE")
    ax.set_title("RMSE per task (bars: median over seeds; dots: seeds)")
    ax.legend(fontsize=8)
    return fig
