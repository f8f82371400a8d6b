"""Region maps: every linear region filled with its own colour, the decision boundary drawn bold.

``plot_regions`` draws a 2-D :class:`~relulab.analysis.regions.Regions`, ``plot_pieces`` a 1-D
:class:`~relulab.analysis.regions.Regions1D` (the function with its kinks marked); ``save`` writes a
figure as PNG and SVG.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # figures are files here; never a window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
from matplotlib.colors import hsv_to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .fonts import label  # noqa: E402

if TYPE_CHECKING:
    from ..analysis.regions import Regions, Regions1D

CLASS_COLOURS = ["#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


def region_colours(n: int, seed: int = 0) -> np.ndarray:
    """``n`` distinct soft colours ``(n, 3)``: hues spread by the golden ratio, shuffled so that
    neighbouring regions (consecutive indices) rarely look alike."""
    k = np.arange(n)
    hsv = np.stack([(k * 0.618033988749895) % 1.0, 0.35 + 0.3 * ((k * 7) % 5) / 4, 0.8 + 0.15 * ((k * 3) % 4) / 3], 1)
    rgb = hsv_to_rgb(hsv)
    return rgb[np.random.default_rng(seed).permutation(n)] if n else rgb


def plot_regions(r: Regions, ax=None, *, points=None, labels=None, boundary: bool = True, edges: bool = True,
                 title: str | None = None, lang: str = "en") -> Figure:
    """The region map of ``r``; ``points (n, 2)`` (window coordinates) with class ``labels`` on top."""
    fig = ax.figure if ax is not None else plt.figure(figsize=(5.2, 5.2))
    ax = ax if ax is not None else fig.add_subplot(1, 1, 1)
    V, counts = r.vertices.numpy(), r.counts.numpy()
    polys = [V[i, : counts[i]] for i in range(len(counts))]
    lw = 0.3 if len(polys) < 3000 else 0.1
    ax.add_collection(PolyCollection(polys, facecolors=region_colours(len(polys)),
                                     edgecolors="#555555" if edges else "face", linewidths=lw))
    if boundary:
        seg = r.decision_boundary().numpy()
        if len(seg):
            ax.add_collection(LineCollection(seg, colors="black", linewidths=2.6, capstyle="round"))
    if points is not None:
        pts = np.asarray(points, dtype=float)
        lab = np.zeros(len(pts), int) if labels is None else (np.asarray(labels) > 0).astype(int) \
            if len(np.unique(np.asarray(labels))) <= 2 else np.asarray(labels, int)
        ax.scatter(pts[:, 0], pts[:, 1], s=9, c=[CLASS_COLOURS[i % len(CLASS_COLOURS)] for i in lab],
                   edgecolors="white", linewidths=0.5, zorder=3)
    if r.plane is not None:  # the three input points the plane goes through
        q = r.plane.coords.numpy()
        ax.scatter(q[:, 0], q[:, 1], marker="*", s=90, c="white", edgecolors="black", linewidths=0.8, zorder=4)
    (x0, x1), (y0, y1) = r.window
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xlabel("u" if r.plane is not None else "x1")
    ax.set_ylabel("v" if r.plane is not None else "x2")
    ax.set_title(title if title is not None else label("{n} linear regions", lang, n=len(polys)))
    fig.tight_layout()
    return fig


def plot_pieces(r: Regions1D, ax=None, *, points=None, targets=None, title: str | None = None,
                lang: str = "en") -> Figure:
    """The network's output(s) on the interval, exact (straight between knots), kinks marked."""
    fig = ax.figure if ax is not None else plt.figure(figsize=(6.4, 3.6))
    ax = ax if ax is not None else fig.add_subplot(1, 1, 1)
    knots = r.knots.numpy()
    out = r.outputs(r.knots).numpy()  # (R + 1, K)
    for k in range(out.shape[1]):
        ax.plot(knots, out[:, k], color=CLASS_COLOURS[(k + 1) % len(CLASS_COLOURS)], lw=1.8,
                label=label("output", lang) if out.shape[1] == 1 else label("output {k}", lang, k=k))
    bends = r.bends().numpy()
    for x in bends:
        ax.axvline(x, color="#999999", lw=0.6, ls=":", zorder=0)
    yb = r.outputs(r.bends()).numpy() if len(bends) else np.zeros((0, out.shape[1]))
    for k in range(out.shape[1]):
        ax.plot(bends, yb[:, k], "o", ms=4, color="black", zorder=3, label=label("kinks", lang) if k == 0 else None)
    if points is not None and targets is not None:
        ax.scatter(np.asarray(points).reshape(-1), np.asarray(targets).reshape(-1), s=6, color="#bbbbbb",
                   zorder=1, label=label("data", lang))
    ax.set_xlim(*r.interval)
    ax.set_xlabel("x")
    ax.legend(loc="best", fontsize=8)
    ax.set_title(title if title is not None else label("{n} linear pieces, {k} kinks", lang, n=len(r), k=len(bends)))
    fig.tight_layout()
    return fig


def save(fig: Figure, directory: str | Path, stem: str = "regions", dpi: int = 130) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` into ``directory`` (created if needed)."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    paths = [d / f"{stem}.png", d / f"{stem}.svg"]
    fig.savefig(paths[0], dpi=dpi)
    fig.savefig(paths[1])
    plt.close(fig)
    return paths
