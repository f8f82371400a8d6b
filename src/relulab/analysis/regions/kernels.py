r"""The compiled helpers of :mod:`.cut` and :mod:`.small`: growing buffers, the area and centroid of a
polygon in a *pool* (flat vertex arrays ``vx, vy``, per polygon its ``start`` and ``count``,
counter-clockwise, not closed), splitting one by a line, the pool as padded vertex arrays; for
:mod:`.complex`, merging copies of one point and connected components.

Compiled once per machine (numba, ``cache=True``); this module is imported by the first regions
call, never by ``import relulab``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ...training import notice as _notice  # noqa: F401  (says so on a terminal when it compiles)


@njit(cache=True)
def _grow(a, need):
    """``a`` itself when it holds ``need`` items, else a copy in a buffer at least twice as long."""
    if need <= a.shape[0]:
        return a
    b = np.empty(max(need, 2 * a.shape[0]), a.dtype)
    b[: a.shape[0]] = a
    return b


@njit(cache=True)
def _grow_rows(a, need):
    if need <= a.shape[0]:
        return a
    b = np.empty((max(need, 2 * a.shape[0]), a.shape[1]), a.dtype)
    b[: a.shape[0]] = a
    return b


@njit(cache=True)
def _area(x, y, s, n):
    """Signed shoelace area of the pool polygon at ``s`` with ``n`` vertices, relative to its first vertex."""
    x0, y0 = x[s], y[s]
    acc = 0.0
    for i in range(n):
        i1 = i + 1 if i + 1 < n else 0
        acc += (x[s + i] - x0) * (y[s + i1] - y0) - (x[s + i1] - x0) * (y[s + i] - y0)
    return 0.5 * acc


@njit(cache=True)
def _centroid(x, y, s, n):
    """Area centroid relative to the first vertex; the vertex mean for a polygon of (numerically) no area."""
    x0, y0 = x[s], y[s]
    a = 0.0
    sx = 0.0
    sy = 0.0
    mx = 0.0
    my = 0.0
    size = 0.0
    for i in range(n):
        i1 = i + 1 if i + 1 < n else 0
        X, Y, Xn, Yn = x[s + i] - x0, y[s + i] - y0, x[s + i1] - x0, y[s + i1] - y0
        c = X * Yn - Xn * Y
        a += c
        sx += (X + Xn) * c
        sy += (Y + Yn) * c
        mx += X
        my += Y
        size = max(size, abs(X), abs(Y))
    a *= 0.5
    if abs(a) > 1e-15 * size * size:
        return sx / (6 * a) + x0, sy / (6 * a) + y0
    return mx / n + x0, my / n + y0


@njit(cache=True)
def _split(lx, ly, st, cn, sb, gb, nv, keep):
    """Write the part of polygon ``(st, cn)`` with ``keep * sign >= 0`` at ``nv``; its vertex count."""
    out = nv
    for i in range(cn):
        i1 = i + 1 if i + 1 < cn else 0
        if keep * gb[i] >= 0:
            lx[out], ly[out] = lx[st + i], ly[st + i]
            out += 1
        if gb[i] * gb[i1] < 0:
            t = sb[i] / (sb[i] - sb[i1])
            lx[out] = lx[st + i] + t * (lx[st + i1] - lx[st + i])
            ly[out] = ly[st + i] + t * (ly[st + i1] - ly[st + i])
            out += 1
    return out - nv


@njit(cache=True)
def padded(vx, vy, start, count):
    """The pool as vertices ``(R, V, 2)``, each polygon padded by repeating its first vertex."""
    R = count.shape[0]
    V = 0
    for r in range(R):
        V = max(V, count[r])
    out = np.empty((R, V, 2))
    for r in range(R):
        s, c = start[r], count[r]
        for i in range(V):
            k = s + i if i < c else s
            out[r, i, 0], out[r, i, 1] = vx[k], vy[k]
    return out


@njit(cache=True)
def _find(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@njit(cache=True)
def cluster(x, y, eps):
    """Ids ``0..V-1`` of the distinct points (closer than ``eps`` in both coordinates: one point)."""
    order = np.argsort(x)
    parent = np.arange(x.shape[0])
    for a in range(order.shape[0]):
        i = order[a]
        for c in range(a + 1, order.shape[0]):
            j = order[c]
            if x[j] - x[i] > eps:
                break
            if abs(y[j] - y[i]) <= eps:
                ri, rj = _find(parent, i), _find(parent, j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    ids = np.empty(x.shape[0], np.int64)
    new = np.full(x.shape[0], -1, np.int64)
    nv = 0
    for i in range(x.shape[0]):
        root = _find(parent, i)
        if new[root] < 0:
            new[root] = nv
            nv += 1
        ids[i] = new[root]
    return ids, nv


@njit(cache=True)
def components(n, a, b):
    """Connected components of ``n`` nodes joined by the pairs ``(a[i], b[i])``, numbered by first node."""
    parent = np.arange(n)
    for i in range(a.shape[0]):
        ra, rb = _find(parent, a[i]), _find(parent, b[i])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    label = np.full(n, -1, np.int64)
    out = np.empty(n, np.int64)
    k = 0
    for i in range(n):
        root = _find(parent, i)
        if label[root] < 0:
            label[root] = k
            k += 1
        out[i] = label[root]
    return out


@njit(cache=True)
def disc_counts(X, Y, counts, px, py, radius):
    """For each point ``(px[i], py[i])``: the padded polygons ``X, Y (R, V)`` (``counts`` real vertices,
    counter-clockwise) that meet the closed disc of ``radius`` around it (see :mod:`.local`)."""
    R = counts.shape[0]
    lo_x, hi_x, lo_y, hi_y = np.empty(R), np.empty(R), np.empty(R), np.empty(R)
    for r in range(R):
        lo_x[r], hi_x[r], lo_y[r], hi_y[r] = X[r, 0], X[r, 0], Y[r, 0], Y[r, 0]
        for i in range(1, counts[r]):
            lo_x[r], hi_x[r] = min(lo_x[r], X[r, i]), max(hi_x[r], X[r, i])
            lo_y[r], hi_y[r] = min(lo_y[r], Y[r, i]), max(hi_y[r], Y[r, i])
    out = np.zeros(px.shape[0], np.int64)
    r2 = radius * radius
    for n in range(px.shape[0]):
        x, y = px[n], py[n]
        for r in range(R):
            if x < lo_x[r] - radius or x > hi_x[r] + radius or y < lo_y[r] - radius or y > hi_y[r] + radius:
                continue
            inside, near = True, False
            c = counts[r]
            for i in range(c):
                j = i + 1 if i + 1 < c else 0
                ex, ey = X[r, j] - X[r, i], Y[r, j] - Y[r, i]
                dx, dy = x - X[r, i], y - Y[r, i]
                if ex * dy - ey * dx < 0:
                    inside = False
                L2 = ex * ex + ey * ey
                t = (dx * ex + dy * ey) / L2 if L2 > 0 else 0.0
                t = min(max(t, 0.0), 1.0)
                qx, qy = dx - t * ex, dy - t * ey
                if qx * qx + qy * qy <= r2:
                    near = True
            if inside or near:
                out[n] += 1
    return out
