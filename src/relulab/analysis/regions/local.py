r"""Local complexity: how many regions lie near the data (Humayun et al. 2024; Patel & Montúfar 2025).

For each data point :math:`x` the number of regions (cells) that meet the closed disc of radius ``r``
around it (an interval in 1-D), clipped to the regions' window; the *local complexity* is its mean over
the data. ``r`` defaults to ``DEFAULT_FRACTION`` (5 %) of the data's *spread*, the longest side of
its bounding box. A region meets the disc when the point lies in the convex polygon or within ``r`` of
one of its sides.

>>> import torch
>>> from torch import nn
>>> net = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)).double()
>>> with torch.no_grad():
...     _ = net[0].weight.copy_(torch.eye(2)), net[0].bias.zero_()
>>> lc = local_complexity(net, torch.tensor([[0.0, 0.0], [3.0, 3.0], [0.5, 3.0]]), radius=1.0, box=(-4, 4))
>>> lc.counts.tolist(), lc.mean   # 4 quadrants meet at the origin; (0.5, 3) is near the line x = 0
([4, 1, 2], 2.3333333333333335)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from .result import Regions
from .result1d import Regions1D

DEFAULT_FRACTION = 0.05


@dataclass(frozen=True)
class LocalComplexity:
    counts: Tensor  # (n,) regions meeting each point's disc
    radius: float

    @property
    def mean(self) -> float:
        return float(self.counts.double().mean())


def default_radius(points: Tensor) -> float:
    """``DEFAULT_FRACTION`` of the longest side of the points' bounding box (1 if they are all one point)."""
    p = torch.as_tensor(points, dtype=torch.float64).reshape(len(points), -1)
    spread = float((p.max(0).values - p.min(0).values).max()) if len(p) else 0.0
    return DEFAULT_FRACTION * (spread if spread > 0 else 1.0 / DEFAULT_FRACTION)


def _counts_2d(r: Regions, P: np.ndarray, radius: float) -> np.ndarray:
    from .kernels import disc_counts  # numba, compiled once per machine

    return disc_counts(r.vertices[..., 0].numpy(), r.vertices[..., 1].numpy(), r.counts.numpy(),
                       np.ascontiguousarray(P[:, 0]), np.ascontiguousarray(P[:, 1]), radius)


def _counts_1d(r: Regions1D, P: np.ndarray, radius: float) -> np.ndarray:
    k = r.knots.numpy()
    x = P[:, 0]
    return (np.searchsorted(k, x + radius, side="left") - np.searchsorted(k, x - radius, side="right") + 1).clip(
        1, len(k) - 1)


def local_complexity(model: nn.Module | Regions | Regions1D, points: Tensor, radius: float | None = None,
                     box: object = None) -> LocalComplexity:
    """Regions meeting the disc of ``radius`` around each of ``points`` ``(n, d)`` (d = 1 or 2), from a
    model (its regions on ``box``, default the points' bounding box grown by ``radius``) or from its
    :func:`~relulab.regions` result."""
    P = torch.as_tensor(points, dtype=torch.float64)
    if P.dim() != 2 or P.shape[1] not in (1, 2) or len(P) == 0:
        raise ValueError(f"points must be a non-empty (n, 1) or (n, 2) tensor, got shape {tuple(P.shape)}")
    r = default_radius(P) if radius is None else radius
    if isinstance(r, bool) or not isinstance(r, int | float) or not np.isfinite(r) or r <= 0:
        raise ValueError(f"radius must be a positive finite number, got {radius!r}")
    if isinstance(model, nn.Module):
        from .api import regions

        lo, hi = P.min(0).values - r, P.max(0).values + r
        if box is None:
            box = (float(lo[0]), float(hi[0])) if P.shape[1] == 1 else ((float(lo[0]), float(hi[0])),
                                                                        (float(lo[1]), float(hi[1])))
        model = regions(model, box)
    fits = isinstance(model, Regions) and model.plane is None if P.shape[1] == 2 else isinstance(model, Regions1D)
    if not fits:
        raise ValueError(f"points of {P.shape[1]} coordinates do not fit these regions ({type(model).__name__}"
                         f"{', on a plane' if isinstance(model, Regions) and model.plane is not None else ''})")
    counts = _counts_1d(model, P.numpy(), r) if P.shape[1] == 1 else _counts_2d(model, P.numpy(), r)
    return LocalComplexity(torch.from_numpy(counts), float(r))
