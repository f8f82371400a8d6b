r"""Exact linear regions on a 2-D window, layer by layer.

The current regions are convex polygons, each with the affine map from ``[u, v, 1]`` to the current
layer's values, stored as ``H (R, 3, width)``. For a piecewise-linear layer with pre-activation maps
``Z = H W^T + b``, every region is cut by the line :math:`z_j(u, v) = \beta` of each unit ``j`` and
breakpoint :math:`\beta`. Within a layer the maps ``Z`` do not change (they depend on earlier layers
only), so all pieces of a layer-start region (its *ancestor*) share its map, and a line is only tried
on them when it crosses the ancestor's polygon. The cutting and the activation are compiled
(:mod:`.kernels`, region by region); the next layer's affine map is one matrix product (BLAS) for
all regions. Regions come out grouped by ancestor, layer after layer.

Degenerate cases are decided with a relative tolerance: a vertex with
:math:`|z - \beta| \le tol \cdot (|a| L_u + |b| L_v + |c| + |\beta|)` lies on the line (so a line
through a vertex, or several lines through one point, cut nothing twice), and a cut that would leave a
part of area not above ``area_tol`` times the window's area (default 0: only a degenerate part) is not
made (the sliver stays with the larger part, so the areas still sum to the window's). The pattern of
each region is read at its centroid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Affine, Piecewise


@dataclass
class PlanarPartition:
    vertices: np.ndarray  # (R, V, 2) counter-clockwise, padded by repeating vertex 0
    counts: np.ndarray  # (R,)
    maps: np.ndarray  # (R, 3, K): output = u * maps[r, 0] + v * maps[r, 1] + maps[r, 2]
    patterns: np.ndarray  # (R, U) int8: the piece index of every unit of every piecewise layer
    layer_counts: list[int]


def planar_partition(steps: list[Affine | Piecewise], window: tuple[tuple[float, float], tuple[float, float]],
                     embed: np.ndarray, *, tol: float = 1e-12, area_tol: float = 0.0) -> PlanarPartition:
    """Partition ``window`` = ``((u0, u1), (v0, v1))``; the network input is ``[u, v, 1] @ embed (3, d)``."""
    from .kernels import cut_layer, padded  # numba: loaded (compiled once per machine) by the first call

    (u0, u1), (v0, v1) = window
    Lu, Lv = max(abs(u0), abs(u1)), max(abs(v0), abs(v1))
    min_area = area_tol * (u1 - u0) * (v1 - v0)
    vx, vy = np.array([u0, u1, u1, u0]), np.array([v0, v0, v1, v1])
    start, count = np.zeros(1, np.int64), np.full(1, 4, np.int64)
    H = np.asarray(embed, dtype=np.float64)[None].copy()  # (R=1, 3, d)
    pattern = np.zeros((1, 0), np.int8)
    layer_counts: list[int] = []
    i = 0
    while i < len(steps):
        step = steps[i]
        if isinstance(step, Affine):
            H = H @ step.W.T
            H[:, 2] += step.b
            i += 1
            continue
        vx, vy, start, count, _, H, pattern = cut_layer(vx, vy, start, count, H, step.breakpoints, step.slopes,
                                                         step.intercepts, pattern, Lu, Lv, tol, min_area)
        R, n = len(count), step.width
        nxt = steps[i + 1] if i + 1 < len(steps) and isinstance(steps[i + 1], Affine) else None
        if nxt is None:
            H = H.reshape(R, 3, n)
        else:
            H = (H.reshape(3 * R, n) @ nxt.W.T).reshape(R, 3, -1)
            H[:, 2] += nxt.b
        layer_counts.append(R)
        i += 2 if nxt is not None else 1
    return PlanarPartition(padded(vx, vy, start, count), count, H, pattern, layer_counts)
