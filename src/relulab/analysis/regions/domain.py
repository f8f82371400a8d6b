r"""Where the regions are computed: a 1-D interval, a 2-D box, or a plane through three input points.

A plane through points :math:`p_0, p_1, p_2` of :math:`\mathbb{R}^d` gets an orthonormal frame
(origin at their centroid, first axis along :math:`p_1 - p_0`), so that lengths, areas and angles in
plane coordinates ``(u, v)`` are those of the input space: :math:`x = o + u e_1 + v e_2`.

>>> pl = Plane.through(torch.tensor([[0.0, 0, 0], [1, 0, 0], [0, 1, 0]], dtype=torch.float64))
>>> pl.to_input(pl.coords).tolist()
[[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

Window = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True, eq=False)
class Plane:
    origin: Tensor  # (d,)
    basis: Tensor  # (2, d), orthonormal rows
    points: Tensor  # (3, d), the points it was built through

    @classmethod
    def through(cls, points: Tensor) -> Plane:
        p = torch.as_tensor(points, dtype=torch.float64)
        if p.dim() != 2 or p.shape[0] != 3:
            raise ValueError(f"a plane needs three points given as a (3, d) tensor, got shape {tuple(p.shape)}")
        e1 = p[1] - p[0]
        e2 = p[2] - p[0]
        if torch.linalg.norm(e1) == 0:
            raise ValueError(f"the three points must span a plane; the first two are equal: {p[0].tolist()}")
        e1 = e1 / torch.linalg.norm(e1)
        e2 = e2 - (e2 @ e1) * e1
        if torch.linalg.norm(e2) <= 1e-12 * torch.linalg.norm(p[2] - p[0]).clamp_min(1e-300):
            raise ValueError(f"the three points must span a plane; they are collinear: {p.tolist()}")
        e2 = e2 / torch.linalg.norm(e2)
        return cls(p.mean(dim=0), torch.stack([e1, e2]), p)

    @property
    def coords(self) -> Tensor:
        """The three points in plane coordinates ``(3, 2)``."""
        return (self.points - self.origin) @ self.basis.T

    def to_input(self, uv: Tensor) -> Tensor:
        """Input points ``(n, d)`` of plane coordinates ``(n, 2)``."""
        return self.origin + torch.as_tensor(uv, dtype=torch.float64) @ self.basis

    def embedding(self) -> np.ndarray:
        """``(3, d)``: the input is ``[u, v, 1] @ embedding``."""
        return torch.cat([self.basis, self.origin[None]]).numpy()

    def default_window(self) -> Window:
        """A square around the three points with half their spread as margin."""
        r = 1.5 * float(self.coords.abs().max())
        return ((-r, r), (-r, r))


MAX_COORD = 1e6  # beyond this, float64 vertices lose the precision exact regions need (and overflow at 1e308)


def _floats(box: object) -> np.ndarray:
    """``box`` as a float64 array; an empty one when it is not numbers (the callers name what is allowed)."""
    try:
        return np.asarray(box, dtype=np.float64)
    except (TypeError, ValueError):
        return np.zeros(0)


def parse_window(box: object) -> Window:
    """``(lo, hi)`` for the square ``[lo, hi]^2`` or ``((x0, x1), (y0, y1))``."""
    if (isinstance(box, tuple) and len(box) == 2 and all(type(v) in (int, float) for v in box)
            and -MAX_COORD <= box[0] < box[1] <= MAX_COORD):  # the common case, without numpy
        return ((float(box[0]), float(box[1])), (float(box[0]), float(box[1])))
    arr = _floats(box)
    if arr.shape == (2,):
        arr = np.stack([arr, arr])
    if arr.shape != (2, 2) or not np.isfinite(arr).all() or (arr[:, 1] <= arr[:, 0]).any():
        raise ValueError(f"box must be (lo, hi) with lo < hi, or ((x0, x1), (y0, y1)), finite; got {box!r}")
    if np.abs(arr).max() > MAX_COORD:
        raise ValueError(f"box coordinates must lie within ±{MAX_COORD:g}, got {box!r}")
    return ((float(arr[0, 0]), float(arr[0, 1])), (float(arr[1, 0]), float(arr[1, 1])))


def parse_interval(box: object) -> tuple[float, float]:
    arr = _floats(box)
    if arr.shape != (2,) or not np.isfinite(arr).all() or arr[1] <= arr[0]:
        raise ValueError(f"a 1-input network needs an interval (lo, hi) with lo < hi, finite; got {box!r}")
    if np.abs(arr).max() > MAX_COORD:
        raise ValueError(f"interval ends must lie within ±{MAX_COORD:g}, got {box!r}")
    return float(arr[0]), float(arr[1])
