"""The exact linear regions panel and overlay (:func:`relulab.analysis.regions.regions`), as JSON.

Regions are exact only where the network is piecewise linear *in the plotted coordinates*: every
hidden activation piecewise linear, and the inputs the raw ``x1, x2`` (``x1`` in 1-D mode) -- a
feature such as ``x1²`` bends the plane, so its pieces are not polygons there. Anything else is
refused with a sentence the page shows as it is.
"""

from __future__ import annotations

from typing import Any

from ..activations import activation_names, get_activation
from ..analysis.regions import Regions, local_complexity, regions
from .lab import Lab
from .pictures import line_range
from .settings import ServerSettings
from .wire import clean


def refusal(lab: Lab) -> str | None:
    """Why exact regions do not apply to this session's network, or ``None``."""
    smooth = sorted({a for a in lab.model_cfg.layer_activations() if not get_activation(a).piecewise_linear})
    if smooth:
        return (f"No exact linear regions: {', '.join(smooth)} is smooth, so the network bends everywhere "
                f"and has no finite set of linear pieces. Choose a piecewise-linear activation: "
                f"{', '.join(activation_names(piecewise_linear=True))}.")
    data = lab.trainer.data
    raw = ("x1", "x2")[: data.input_dim]
    if tuple(data.features) != raw:
        return (f"Regions are drawn in the ({', '.join(raw)}) plane, so the inputs must be exactly "
                f"{', '.join(raw)}; the features {list(data.features)} bend it. Turn the other features off.")
    return None


def regions_panel(lab: Lab, settings: ServerSettings, *, polygons: bool) -> dict[str, Any]:
    """Count, per-layer counts, bounds, class sides and boundary; polygons when the overlay is on."""
    why = refusal(lab)
    if why is not None:
        return {"refused": why}
    units = sum(lab.model_cfg.hidden)
    if units > settings.max_region_units:
        return {"refused": f"No live regions for {units} hidden units: this server computes them for at most "
                           f"{settings.max_region_units} (relulab regions on the command line has no such limit)."}
    data = lab.trainer.data
    box = line_range(*data.domain) if data.input_dim == 1 else tuple(data.domain)  # 1-D: as plotted
    try:
        r = regions(lab.trainer.model, box)
    except ValueError as e:
        return {"refused": str(e).splitlines()[0]}
    b = r.bounds()
    out: dict[str, Any] = {"count": len(r), "layer_counts": list(r.layer_counts), "dimension": data.input_dim,
                           "bounds": {"first_layer": b.zaslavsky_first_layer, "lower": b.montufar_lower,
                                      "upper": b.upper, "upper_name": b.upper_name}}
    lc = local_complexity(r, data.x_train)  # regions near the data (5 % of its spread)
    out["local_complexity"] = {"mean": round(lc.mean, 3), "radius": round(lc.radius, 4)}
    if not isinstance(r, Regions):  # 1-D: pieces of an interval
        out["kinks"] = clean(r.kinks().tolist(), 4)
        out["bends"] = clean(r.bends().tolist(), 4)
        return out
    if data.problem == "classification" and not lab.perceptron:
        out["sides"] = [{"label": c.label, "sides": c.sides, "touches_window": c.touches_window,
                         "area": round(c.area, 3)} for c in r.class_regions()]
        out["boundary"] = clean(r.decision_boundary().reshape(-1, 4).tolist(), 4)
    if polygons and len(r) <= settings.max_overlay_regions:
        v = r.vertices
        out["polygons"] = [clean(v[i, : int(k)].reshape(-1).tolist(), 4) for i, k in enumerate(r.counts.tolist())]
    return out
