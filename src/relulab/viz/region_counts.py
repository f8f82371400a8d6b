"""Figures of the claims (moved from their modules: every figure is drawn in ``viz``)."""

from __future__ import annotations

from matplotlib.figure import Figure

from .regions import plot_regions


def plot_region_counts(by_width, by_depth, depth_width) -> Figure:
    """Region counts of random relu nets vs width and depth beside the theoretical bounds."""
    fig = Figure(figsize=(10, 4), layout="constrained")
    (a, b) = fig.subplots(1, 2)
    w = [r["hidden"][0] for r in by_width]
    a.loglog(w, [r["median_regions"] for r in by_width], "o-", label="regions (median)")
    a.loglog(w, [r["zaslavsky_first_layer"] for r in by_width], "k--", label="Zaslavsky maximum")
    a.loglog(w, [max(r["median_segments"], 0.8) for r in by_width], "s:", label="decision segments (median)")
    a.set(xlabel="width (one hidden layer)", ylabel="count", title="random relu nets on [-6, 6]²")
    _width_ticks(a, w)
    a.legend(fontsize=8)
    d = [len(r["hidden"]) for r in by_depth]
    b.semilogy(d, [r["median_regions"] for r in by_depth], "o-", label="regions (median)")
    b.semilogy(d, [r["montufar_lower"] for r in by_depth], "g--", label="Montúfar lower bound (max)")
    b.semilogy(d, [r["serra_upper"] for r in by_depth], "k--", label="Serra upper bound")
    b.semilogy(d, [max(r["median_segments"], 0.8) for r in by_depth], "s:", label="decision segments (median)")
    b.set(xlabel=f"depth (width {depth_width})", ylabel="count", title="regions vs depth", xticks=d)
    b.legend(fontsize=8)
    return fig


def plot_trained_boundaries(trained) -> Figure:
    """Trained relu nets' regions and boundaries, and the boundary's radial spread vs width."""
    fig = Figure(figsize=(13, 4.3))  # plot_regions lays the figure out (tight)
    ax = fig.subplots(1, 3)
    for a, t in ((ax[0], trained[0]), (ax[1], trained[-1])):
        run, reg = t["example"]
        plot_regions(reg, a, points=run.data.x_train, labels=run.data.y_train,
                     title=f"width {t['width']}: {len(reg)} regions, spread {t['spreads'][0]:.3f}")
    ws = [t["width"] for t in trained]
    for t in trained:
        ax[2].scatter([t["width"]] * len(t["spreads"]), t["spreads"], color="grey", s=12)
    ax[2].semilogx(ws, [t["median_spread"] for t in trained], "o-", label="median over seeds")
    ax[2].set(xlabel="width (one hidden layer)", ylabel="std / mean of the boundary's distance from 0",
              title="how round the boundary is (0 = circle)", ylim=(0, None))
    _width_ticks(ax[2], ws)
    ax[2].legend()
    return fig


def _width_ticks(ax, widths) -> None:
    from matplotlib.ticker import NullFormatter

    ax.set_xticks(widths, [str(v) for v in widths])
    ax.xaxis.set_minor_formatter(NullFormatter())


def plot_local_complexity(local: dict, width: int) -> Figure:
    """One net's total region count (left axis) and local complexity (right axis) over training;
    ``local``: lists ``epochs``, ``regions``, ``local_complexity`` and the disc's ``radius``."""
    fig = Figure(figsize=(6.5, 3.8), layout="constrained")
    a = fig.subplots()
    a.plot(local["epochs"], local["regions"], "o-", ms=3, label="regions on the box")
    a.set(xlabel="epoch", ylabel="regions on [-6, 6]²", title=f"width {width} on the circle: regions over training")
    b = a.twinx()
    b.plot(local["epochs"], local["local_complexity"], "s-", ms=3, color="tab:red", label="local complexity")
    b.set_ylabel(f"regions within r = {local['radius']:.2g} of a point (mean)", color="tab:red")
    a.legend(handles=a.get_lines() + b.get_lines(), fontsize=8, loc="upper right")
    return fig
