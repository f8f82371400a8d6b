"""Figures of the claims (moved from their modules: every figure is drawn in ``viz``)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..analysis.regions import regions_of_run
from .regions import plot_regions


def plot_class_polygon(relu_runs, polys, sides) -> Figure:
    """One relu run's exact regions with its class polygon, and the polygon's side count over seeds."""
    fig = Figure(figsize=(9.5, 4.3))  # plot_regions lays the figure out (tight)
    (a, b) = fig.subplots(1, 2)
    i = next((k for k, p in enumerate(polys) if p is not None), 0)
    r = relu_runs[i]
    plot_regions(regions_of_run(r).regions, a, points=r.data.x_train, labels=r.data.y_train,
                 title=f"relu seed {r.config.weight_seed}: regions and decision boundary")
    if polys[i] is not None:
        ring = np.vstack([polys[i].outer.numpy(), polys[i].outer.numpy()[:1]])
        a.plot(ring[:, 0], ring[:, 1], "r-", lw=1.2)
        a.set_xlabel(f"class polygon: {polys[i].sharp_sides(10.0)} sides turning > 10°")
    if sides:
        bins = np.arange(min(sides) - 0.5, max(sides) + 1.5)
        b.hist(sides, bins=bins, rwidth=0.85)
    b.axvspan(4.5, 8.5, color="green", alpha=0.1, label="5-8: roughly a hexagon")
    b.set(xlabel="sides of relu's class polygon (turning > 10°)", ylabel="seeds", title=f"over {len(polys)} seeds")
    b.legend()
    return fig
