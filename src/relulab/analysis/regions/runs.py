r"""Regions of a trained run, in the raw input plane when the features allow it, else in feature space.

The network sees input *features*. When they are affine in the raw coordinates (``x1``, ``x2`` in any
order or subset) the map from the raw box to the output is still piecewise linear, and the regions are
computed on the raw box (the feature map is prepended as one more ``nn.Linear``). Feature crosses such
as ``x1²`` or ``sin x1`` make the map *not* piecewise linear in ``(x1, x2)``: its pieces are curved.
The network is then analysed on its own input space, on the plane through the features of three raw
points (or, with a single feature, on the interval the data spans), and ``note`` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
from torch import nn

from .api import regions
from .result import Regions
from .result1d import Regions1D

if TYPE_CHECKING:
    from ...data import Dataset
    from ...training import Run


@dataclass(frozen=True, eq=False)
class RunRegions:
    regions: Regions | Regions1D
    space: str  # "input" (raw coordinates) or "features"
    note: str = ""

    def _repr_html_(self) -> str:
        from .show import run_regions_html

        return run_regions_html(self)


def affine_features(inputs: Callable[[torch.Tensor], torch.Tensor], dim: int) -> nn.Linear | None:
    """The features ``inputs(x)`` as an ``nn.Linear`` of raw ``x`` ``(n, dim)``, or ``None`` when they are
    not affine (checked on random points by least squares)."""
    g = torch.Generator().manual_seed(0)
    x = (torch.rand(32, dim, generator=g, dtype=torch.float64) - 0.5) * 20
    F = inputs(x).to(torch.float64)
    X1 = torch.cat([x, torch.ones(len(x), 1, dtype=torch.float64)], dim=1)
    sol = torch.linalg.lstsq(X1, F).solution  # (dim + 1, nf)
    if (X1 @ sol - F).abs().max() > 1e-9 * (1 + F.abs().max()):
        return None
    lin = nn.Linear(dim, F.shape[1], dtype=torch.float64)
    with torch.no_grad():
        lin.weight.copy_(sol[:dim].T.round(decimals=12))
        lin.bias.copy_(sol[dim].round(decimals=12))
    return lin


def regions_of(model: nn.Module, data: Dataset, box: object = None, **kw: float) -> RunRegions:
    """Regions of ``model`` fed with ``data.inputs`` (a :class:`relulab.data.Dataset`) on ``box``."""
    dim = data.input_dim
    lo, hi = data.domain
    prefix = affine_features(data.inputs, dim)
    if prefix is not None:
        return RunRegions(regions(nn.Sequential(prefix, model), (lo, hi) if box is None else box, **kw), "input")
    names = list(data.features)
    why = (f"the features {names} are not linear in the raw input, so the network is not piecewise linear "
           "in it (its pieces are curved there)")
    if len(names) == 1:
        f = data.inputs(torch.linspace(lo, hi, 2001, dtype=torch.float64)[:, None].expand(-1, dim))
        span = (float(f.min()), float(f.max())) if box is None else box
        return RunRegions(regions(model, span, **kw), "features",
                          f"{why}; analysing it on its feature space instead: the interval {span} of {names[0]}")
    L = max(abs(lo), abs(hi))
    raw = torch.tensor([[-0.8, -0.5], [0.7, -0.3], [-0.2, 0.9]], dtype=torch.float64)[:, :dim] * L
    pts = data.inputs(raw).to(torch.float64)
    note = (f"{why}; analysing it on its feature space instead, on the plane through the features of the raw "
            f"points {[[round(v, 6) for v in p] for p in raw.tolist()]}")
    return RunRegions(regions(model, box, plane=pts, **kw), "features", note)


def regions_of_run(run: Run, box: object = None, **kw: float) -> RunRegions:
    """Regions of a trained :class:`relulab.training.Run` (see :func:`regions_of`)."""
    return regions_of(run.model, run.data, box, **kw)
