r"""Batched convex polygons: areas, centroids, and the side of a line each vertex lies on.

A batch of ``R`` convex polygons is stored as padded vertex arrays ``X, Y`` of shape ``(R, V)`` and
vertex ``counts`` ``(R,)``, counter-clockwise. The slots after the last vertex repeat the first one,
so that closed-polygon sums (shoelace area, centroid) and "any vertex above / below the line" tests
need no mask: a repeated vertex adds a zero-length edge.

>>> X = np.array([[0.0, 1.0, 1.0, 0.0]]); Y = np.array([[0.0, 0.0, 1.0, 1.0]])
>>> float(areas(X, Y)[0]), centroids(X, Y)[0].tolist()
(1.0, [0.5, 0.5])
>>> signs(X - 1.0, np.full(1, 1e-12)).tolist()    # the line x = 1 passes through two vertices
[[-1, 0, 0, -1]]
"""

from __future__ import annotations

import numpy as np


def _next(a: np.ndarray) -> np.ndarray:
    # The next vertex of each slot; the padding makes slot count-1 wrap onto a copy of vertex 0.
    return np.concatenate([a[:, 1:], a[:, :1]], axis=1)


def areas(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Signed areas (positive for counter-clockwise), shoelace formula. ``(R, V) -> (R,)``.

    Computed relative to each polygon's first vertex: far from the origin the products of absolute
    coordinates would cancel catastrophically for a tiny polygon.
    """
    X, Y = X - X[:, :1], Y - Y[:, :1]
    return 0.5 * (X * _next(Y) - _next(X) * Y).sum(axis=1)


def centroids(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    r"""Area centroids ``(R, 2)``: :math:`c = \frac{1}{6A}\sum_i (p_i + p_{i+1})\,(x_i y_{i+1} - x_{i+1} y_i)`.

    Computed relative to the first vertex (see :func:`areas`); a polygon of (numerically) zero area
    gets its vertex mean instead.
    """
    x0, y0 = X[:, :1], Y[:, :1]
    X, Y = X - x0, Y - y0
    Xn, Yn = _next(X), _next(Y)
    cross = X * Yn - Xn * Y
    a = 0.5 * cross.sum(axis=1)
    size2 = np.maximum(np.abs(X).max(axis=1), np.abs(Y).max(axis=1)) ** 2
    ok = np.abs(a) > 1e-15 * size2
    safe = np.where(ok, 6 * a, 1.0)
    cx = np.where(ok, ((X + Xn) * cross).sum(axis=1) / safe, X.mean(axis=1))
    cy = np.where(ok, ((Y + Yn) * cross).sum(axis=1) / safe, Y.mean(axis=1))
    return np.stack([cx + x0[:, 0], cy + y0[:, 0]], axis=1)


def signs(s: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """-1, 0 or +1 per vertex value ``s`` ``(R, V)``, with ``|s| <= eps[r]`` counting as on the line."""
    e = eps[:, None]
    return (s > e).astype(np.int8) - (s < -e).astype(np.int8)
