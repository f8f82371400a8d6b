r"""The compiled core of :mod:`.planar`: one piecewise-linear layer cuts every region, region by region.

Polygons live in a *pool*: flat vertex arrays ``vx, vy`` and per polygon its ``start`` and ``count``
(counter-clockwise, not closed). :func:`cut_layer` takes the regions at the start of a layer (the
*ancestors*, each with its pre-activation map ``Z[r] (3, n)``: ``z = u Z[r, 0] + v Z[r, 1] + Z[r, 2]``)
and cuts each ancestor by every unit's breakpoint lines in turn (breakpoint-major, then unit order),
all descendants of the ancestor at once; the positive part of a cut polygon keeps its place, the
negative part goes after the ancestor's other pieces. Then each new region's piece index is read at
its centroid and its map through the activation is written. The decisions (tolerances, the
bounding-box and vertex prefilter, the area test, the crossing points) are those documented in
:mod:`.planar`, computed with the same floating-point operations in the same order.

Compiled once per machine (numba, ``cache=True``); this module is imported by the first regions
call, never by ``import relulab``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ...training.compiled import notice as _notice  # noqa: F401  (says so on a terminal when it compiles)


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
def cut_layer(vx, vy, start, count, Z, bp, slopes, icpt, pat, Lu, Lv, tol, min_area):
    """Cut the ancestors (a pool with maps ``Z (R0, 3, n)``, patterns ``pat (R0, U)``) by the layer's
    lines ``bp (n, m)``; returns the new pool, each region's ancestor, its map after the activation
    ``(R, 3 n)`` and its pattern ``(R, U + n)``."""
    R0, n, m = count.shape[0], bp.shape[0], bp.shape[1]
    U = pat.shape[1]
    ox, oy = np.empty(max(64, 2 * vx.shape[0])), np.empty(max(64, 2 * vx.shape[0]))
    ost, ocn, org = np.empty(max(16, 2 * R0), np.int64), np.empty(max(16, 2 * R0), np.int64), np.empty(
        max(16, 2 * R0), np.int64)
    H = np.empty((max(16, 2 * R0), 3 * n))
    P = np.empty((max(16, 2 * R0), U + n), np.int8)
    lx, ly = np.empty(256), np.empty(256)
    lst, lcn = np.empty(64, np.int64), np.empty(64, np.int64)
    sb, gb = np.empty(64), np.empty(64, np.int64)
    nr, nvo = 0, 0
    for r in range(R0):
        s0, c0 = start[r], count[r]
        if c0 > lx.shape[0]:  # (each grow is behind a test: a call that returns an array costs refcounts)
            lx, ly = _grow(lx, c0), _grow(ly, c0)
        xmin, xmax, ymin, ymax = vx[s0], vx[s0], vy[s0], vy[s0]
        for i in range(c0):
            lx[i], ly[i] = vx[s0 + i], vy[s0 + i]
            xmin, xmax = min(xmin, lx[i]), max(xmax, lx[i])
            ymin, ymax = min(ymin, ly[i]), max(ymax, ly[i])
        lst[0], lcn[0] = 0, c0
        nl, nv = 1, c0
        for k in range(m):
            for j in range(n):
                a, b, c, beta = Z[r, 0, j], Z[r, 1, j], Z[r, 2, j], bp[j, k]
                size = abs(a) * Lu + abs(b) * Lv + abs(c) + abs(beta)
                bound, e = tol * size, 0.5 * tol * size  # on the line; half of it for the prefilter
                hi = c + max(a * xmin, a * xmax) + max(b * ymin, b * ymax)
                lo = c + min(a * xmin, a * xmax) + min(b * ymin, b * ymax)
                if not (hi - beta > e and lo - beta < -e):
                    continue  # the line misses the ancestor's bounding box
                cb = c - beta
                zmax, zmin = -np.inf, np.inf
                for i in range(c0):
                    z = vx[s0 + i] * a + vy[s0 + i] * b + cb
                    zmax, zmin = max(zmax, z), min(zmin, z)
                if not (zmax > e and zmin < -e):
                    continue  # ... or the ancestor itself
                for p in range(nl):
                    st, cn = lst[p], lcn[p]
                    if cn > sb.shape[0]:
                        sb, gb = _grow(sb, cn), _grow(gb, cn)
                    gmax, gmin = -1, 1
                    for i in range(cn):
                        s = lx[st + i] * a + ly[st + i] * b + cb
                        sb[i] = s
                        gb[i] = 1 if s > bound else (-1 if s < -bound else 0)
                        gmax, gmin = max(gmax, gb[i]), min(gmin, gb[i])
                    if gmax < 1 or gmin > -1:
                        continue
                    if nv + 2 * cn + 2 > lx.shape[0]:
                        lx, ly = _grow(lx, nv + 2 * cn + 2), _grow(ly, nv + 2 * cn + 2)
                    npos = _split(lx, ly, st, cn, sb, gb, nv, 1)
                    nneg = _split(lx, ly, st, cn, sb, gb, nv + npos, -1)
                    if min(_area(lx, ly, nv, npos), _area(lx, ly, nv + npos, nneg)) > min_area:
                        if nl + 1 > lst.shape[0]:
                            lst, lcn = _grow(lst, nl + 1), _grow(lcn, nl + 1)
                        lst[p], lcn[p] = nv, npos
                        lst[nl], lcn[nl] = nv + npos, nneg
                        nl += 1
                        nv += npos + nneg
        # the ancestor's pieces into the new pool, each with its piece index and map
        if nvo + nv > ox.shape[0]:
            ox, oy = _grow(ox, nvo + nv), _grow(oy, nvo + nv)
        if nr + nl > ost.shape[0]:
            ost, ocn, org = _grow(ost, nr + nl), _grow(ocn, nr + nl), _grow(org, nr + nl)
            H, P = _grow_rows(H, nr + nl), _grow_rows(P, nr + nl)
        for p in range(nl):
            st, cn = lst[p], lcn[p]
            ost[nr], ocn[nr], org[nr] = nvo, cn, r
            for i in range(cn):
                ox[nvo + i], oy[nvo + i] = lx[st + i], ly[st + i]
            nvo += cn
            cx, cy = _centroid(lx, ly, st, cn)
            P[nr, :U] = pat[r]
            for j in range(n):
                z = cx * Z[r, 0, j] + cy * Z[r, 1, j] + Z[r, 2, j]
                q = 0
                for k in range(m):
                    q += z > bp[j, k]
                P[nr, U + j] = q
                for d in range(3):
                    H[nr, d * n + j] = Z[r, d, j] * slopes[j, q]
                H[nr, 2 * n + j] += icpt[j, q]
            nr += 1
    return ox[:nvo], oy[:nvo], ost[:nr], ocn[:nr], org[:nr], H[:nr], P[:nr]


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
