r"""Exact linear regions on a 2-D window, layer by layer.

The current regions are convex polygons, each with the affine map from ``[u, v, 1]`` to the current
layer's values, stored as ``H (R, 3, width)``. For a piecewise-linear layer with pre-activation maps
``Z = H W^T + b``, every region is cut by the line :math:`z_j(u, v) = \beta` of each unit ``j`` and
breakpoint :math:`\beta`. Within a layer the maps ``Z`` do not change (they depend on earlier layers
only), so all pieces of a layer-start region (its *ancestor*) share its map, and a line is only tried
on them when it crosses the ancestor's polygon. The cutting and the activation are compiled
(:mod:`.kernels`, region by region); the next layer's affine map is one matrix product (BLAS) for
all regions, or, for nets no wider than ``SMALL``, part of one compiled call for the whole network
(:mod:`.small`). Regions come out grouped by ancestor, layer after layer.

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
    A: np.ndarray  # (R, K, 2): output = A[r] @ (u, v) + b[r]
    b: np.ndarray  # (R, K)
    patterns: np.ndarray  # (R, U) int8: the piece index of every unit of every piecewise layer
    layer_counts: list[int]


SMALL = 32  # widest layer that small_partition takes (its matrix products are loops; BLAS above)


def _chain(steps: list[Affine | Piecewise]) -> list[tuple[Piecewise | None, Affine]]:
    """The steps as (piecewise layer or None, the affine map after it): the identity where there is none."""
    chain: list[tuple[Piecewise | None, Affine]] = []
    i = 0
    while i < len(steps):
        pw = steps[i] if isinstance(steps[i], Piecewise) else None
        j = i if pw is None else i + 1
        nxt = steps[j] if j < len(steps) and isinstance(steps[j], Affine) else None
        if nxt is None:
            nxt = Affine(np.eye(pw.width), np.zeros(pw.width))
        chain.append((pw, nxt))
        i = j + 1 if j < len(steps) and isinstance(steps[j], Affine) else j
    return chain


def planar_partition(steps: list[Affine | Piecewise], window: tuple[tuple[float, float], tuple[float, float]],
                     embed: np.ndarray, *, tol: float = 1e-12, area_tol: float = 0.0) -> PlanarPartition:
    """Partition ``window`` = ``((u0, u1), (v0, v1))``; the network input is ``[u, v, 1] @ embed (3, d)``."""
    from .kernels import cut_layer, padded  # numba: loaded (compiled once per machine) by the first call
    from .small import small_partition

    (u0, u1), (v0, v1) = window
    Lu, Lv = max(abs(u0), abs(u1)), max(abs(v0), abs(v1))
    min_area = area_tol * (u1 - u0) * (v1 - v0)
    vx, vy = np.array([u0, u1, u1, u0]), np.array([v0, v0, v1, v1])
    H = np.asarray(embed, dtype=np.float64)[None].copy()  # (R=1, 3, d)
    chain = _chain(steps)
    if not chain:
        chain = [(None, Affine(np.eye(H.shape[2]), np.zeros(H.shape[2])))]
    if all(p is None or max(a.W.shape) <= SMALL for p, a in chain):  # (the map into the first layer: R = 1)
        flat = np.concatenate([x.ravel() for p, a in chain for x in
                               ((p.breakpoints, p.slopes, p.intercepts) if p is not None else ()) + (a.W, a.b)])
        shapes = np.array([(a.W.shape[1], -1 if p is None else p.breakpoints.shape[1], a.W.shape[0])
                           for p, a in chain], dtype=np.int64)
        vert, count, A, b, pattern, counts = small_partition(vx, vy, H, shapes, flat, Lu, Lv, tol, min_area)
        return PlanarPartition(vert, count, A, b, pattern, counts.tolist())
    start, count = np.zeros(1, np.int64), np.full(1, 4, np.int64)
    pattern = np.zeros((1, 0), np.int8)
    layer_counts: list[int] = []
    for pw, nxt in chain:
        if pw is not None:
            vx, vy, start, count, _, H, pattern = cut_layer(vx, vy, start, count, H, pw.breakpoints, pw.slopes,
                                                             pw.intercepts, pattern, Lu, Lv, tol, min_area)
            layer_counts.append(len(count))
        R = len(count)
        H = (H.reshape(3 * R, -1) @ nxt.W.T).reshape(R, 3, -1)
        H[:, 2] += nxt.b
    return PlanarPartition(padded(vx, vy, start, count), count, H[:, :2].transpose(0, 2, 1).copy(), H[:, 2].copy(),
                           pattern, layer_counts)
