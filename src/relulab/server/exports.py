"""Exports of a session: the run as JSON (config + weights), the PyTorch ``state_dict``, the data as CSV,
and the heatmap and region map as PNG or SVG (matplotlib, from :mod:`relulab.viz`)."""

from __future__ import annotations

import copy
import io
import json

import matplotlib.pyplot as plt
import torch

from ..analysis.regions import Regions, regions
from ..data import to_csv_text
from ..training import Run
from ..training.portable import run_to_dict
from ..viz.boundary import plot_boundary
from ..viz.fonts import font_context
from ..viz.regions import plot_pieces, plot_regions
from .lab import Lab
from .overlay import refusal

KINDS = {"run.json": "application/json", "model.pt": "application/octet-stream", "data.csv": "text/csv",
         "heatmap.png": "image/png", "heatmap.svg": "image/svg+xml", "regions.png": "image/png",
         "regions.svg": "image/svg+xml"}


def snapshot(lab: Lab) -> tuple[Run, str | None]:
    """A copy of the session's run (exports render it off the event loop while training goes on) and
    why exact regions do not apply to it, if they do not."""
    return copy.deepcopy(lab.run()), refusal(lab)


def export(run: Run, name: str, *, no_regions: str | None = None, discretize: bool = False,
           show_test: bool = True, lang: str = "en") -> bytes:
    """The bytes of export ``name`` (one of :data:`KINDS`); ``ValueError`` when it does not apply. Pictures
    carry their titles and legends in ``lang`` where a font for it is installed (else in English)."""
    if name not in KINDS:
        raise KeyError(f"unknown export {name!r}; allowed: {', '.join(KINDS)}")
    if name == "run.json":
        return json.dumps(run_to_dict(run)).encode()
    if name == "model.pt":
        buf = io.BytesIO()
        torch.save(run.model.state_dict(), buf)
        return buf.getvalue()
    if name == "data.csv":
        d = run.data
        same = d.x_test is d.x_train
        x = d.x_train if same else torch.cat([d.x_train, d.x_test])
        y = d.y_train if same else torch.cat([d.y_train, d.y_test])
        return to_csv_text(x, y).encode()
    stem, fmt = name.split(".")
    if stem != "heatmap" and no_regions is not None:
        raise ValueError(no_regions)
    with font_context(lang):  # text is laid out when saved: the font must hold until then
        if stem == "heatmap":
            fig = plot_boundary(run, discretize=discretize, show_test=show_test, lang=lang)
        else:
            r = regions(run.model, tuple(run.data.domain))
            if isinstance(r, Regions):
                fig = plot_regions(r, points=run.data.x_train, labels=run.data.y_train
                                   if run.data.problem == "classification" else None, lang=lang)
            else:
                fig = plot_pieces(r, points=run.data.x_train, targets=run.data.y_train, lang=lang)
        buf = io.BytesIO()
        try:
            fig.savefig(buf, format=fmt, dpi=130)
        finally:
            plt.close(fig)
    return buf.getvalue()
