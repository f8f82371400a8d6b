"""Regions as HTML for a notebook (``_repr_html_`` of :class:`.result.Regions`, :class:`.result1d.Regions1D`
and :class:`.runs.RunRegions`): the counts and bounds, the class regions, and the exact partition drawn
as inline SVG -- in 2-D every region's polygon coloured by its class with the decision boundary on top,
in 1-D each output over the interval (exact: it is linear between the knots) with the knots marked.

The objects are read by their attributes, not imported (they import this module).
"""

from __future__ import annotations

from typing import Any

from ...display import esc, line_chart, polygons, section, table
from .boundary import labels_of

MAX_DRAWN = 5000  # regions drawn; more are counted, not drawn
FILLS = (("#fbd3a6", "#f8c48a", "#fde3c5"), ("#a9cfe8", "#8fc0e1", "#c4def0"),  # class 0 (orange), 1 (blue)
         ("#b9e3b0", "#a5d99a", "#cdebc6"), ("#f4b1b1", "#efa0a0", "#f8c6c6"), ("#d3c2e6", "#c6b0de", "#e0d4ee"))


def _bounds_rows(b: Any) -> list[list[Any]]:
    return [["upper bound (" + b.upper_name + ")", b.upper], ["Zaslavsky, first layer", b.zaslavsky_first_layer],
            ["Montufar lower bound", b.montufar_lower]]


def regions_html(r: Any) -> str:
    """A 2-D partition: numbers, class regions, and the drawing."""
    n, shown = len(r), min(len(r), MAX_DRAWN)
    cent = r.interior_points()[:shown]
    out = (r.A[:shown] @ cent[:, :, None])[:, :, 0] + r.b[:shown]  # each region's outputs at its centroid
    labels = labels_of(out.numpy())
    shapes = [r.vertices[i, : int(r.counts[i])].tolist() for i in range(shown)]
    fills = [FILLS[int(c) % len(FILLS)][i % 3] for i, c in enumerate(labels)]
    seg = r.decision_boundary().tolist()
    where = "input plane" if r.plane is None else "plane through three input points"
    rows = [["regions", n], ["after each layer", ", ".join(map(str, r.layer_counts))],
            ["decision boundary segments", len(seg)], *_bounds_rows(r.bounds())]
    classes = r.class_regions()
    parts = [table(["", "value"], rows)]
    if classes:
        parts.append(table(["class region", "label", "sides", "sides turning > 10 deg", "area", "holes"],
                           [[i, c.label, c.sides, c.sharp_sides(10.0), c.area, len(c.holes)]
                            for i, c in enumerate(classes)]))
    title = f"{n} linear regions" + ("" if shown == n else f" ({shown} drawn)") + f", {where}"
    parts.append(polygons(shapes, fills, title=title, window=r.window, segments=seg, size=320))
    return section("regions", f"Linear regions (2-D): {n}", *parts)


def regions1d_html(r: Any) -> str:
    """A 1-D partition: numbers, class intervals, and the outputs over the interval."""
    knots = r.knots.tolist()
    outs = r.outputs(r.knots).numpy()
    series = {f"output {k}": (knots, outs[:, k].tolist()) for k in range(outs.shape[1])}
    rows = [["pieces", len(r)], ["after each layer", ", ".join(map(str, r.layer_counts))],
            ["kinks", len(knots) - 2], ["bends (slope changes)", int(r.bends().numel())], *_bounds_rows(r.bounds())]
    cls = table(["class interval", "label", "from", "to"],
                [[i, c.label, c.lo, c.hi] for i, c in enumerate(r.class_intervals())])
    chart = line_chart(series, title="outputs (linear between knots)", xlabel="t", marks=knots[1:-1])
    return section("regions", f"Linear pieces (1-D): {len(r)}", table(["", "value"], rows), cls, chart)


def run_regions_html(rr: Any) -> str:
    """A trained run's regions: where they were computed, then the partition."""
    inner = rr.regions._repr_html_()
    note = f"<p>{esc(rr.note)}</p>" if rr.note else ""
    return section("run-regions", f"Regions of a run (in its {rr.space} space)",
                   f"<p>space: {esc(rr.space)}</p>", note, inner)
