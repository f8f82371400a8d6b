r"""The compiled core of :mod:`.planar`: one piecewise-linear layer cuts every region, region by region.

:func:`cut_pieces` takes the regions at the start of a layer (the *ancestors*, a pool as in
:mod:`.kernels`, each with its pre-activation map ``Z[r] (3, n)``: ``z = u Z[r, 0] + v Z[r, 1] + Z[r, 2]``)
and cuts each ancestor by every unit's breakpoint lines in turn (breakpoint-major, then unit order),
all descendants of the ancestor at once; the positive part of a cut polygon keeps its place, the
negative part goes after the ancestor's other pieces. A line is tried only on the pieces under the
nodes of the ancestor's *tree of cuts* (each piece ever cut is a node with its two parts as children)
that it crosses: in an arrangement of ``n`` lines that is about the ``O(n)`` pieces it cuts, not all
``O(n^2)``. :func:`piece_maps` then reads each new region's piece index at its centroid and writes its
map through the activation, for a slice of the regions (so that the maps of a wide layer can be
consumed a block at a time). The decisions (tolerances, the bounding-box and vertex prefilter, the
area test, the crossing points) are those documented in :mod:`.planar`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ...training import notice as _notice  # noqa: F401  (says so on a terminal when it compiles)
from .kernels import _area, _centroid, _grow, _grow_rows, _split


@njit(cache=True)
def _node(lx, ly, st, cn, p, k, nst, ncn, nbb, kid, slot):
    """Make ``k`` a leaf of the tree of cuts: polygon ``(st, cn)``, piece ``p``, its bounding box."""
    nst[k], ncn[k], kid[k], slot[k] = st, cn, -1, p
    x0, x1, y0, y1 = lx[st], lx[st], ly[st], ly[st]
    for i in range(1, cn):
        x0, x1 = min(x0, lx[st + i]), max(x1, lx[st + i])
        y0, y1 = min(y0, ly[st + i]), max(y1, ly[st + i])
    nbb[k, 0], nbb[k, 1], nbb[k, 2], nbb[k, 3] = x0, x1, y0, y1


@njit(cache=True)
def _crossed(lx, ly, nst, ncn, nbb, kid, slot, a, b, cb, e, cross, stack):
    """The pieces (in increasing order) under the nodes of the tree of cuts that the line
    ``a u + b v + cb = 0`` crosses by more than ``e``: a node whose box or polygon it misses is skipped
    with all its descendants (they lie inside it). Writes them to ``cross``; returns how many."""
    nc, top = 0, 0
    stack[0] = 0
    while top >= 0:
        k = stack[top]
        top -= 1
        if kid[k] < 0:
            cross[nc] = slot[k]
            nc += 1
            continue
        if k > 0:  # (the root, the ancestor itself, passed its own test)
            hi = cb + max(a * nbb[k, 0], a * nbb[k, 1]) + max(b * nbb[k, 2], b * nbb[k, 3])
            lo = cb + min(a * nbb[k, 0], a * nbb[k, 1]) + min(b * nbb[k, 2], b * nbb[k, 3])
            if not (hi > e and lo < -e):
                continue
            st = nst[k]
            zmax, zmin = -np.inf, np.inf
            for i in range(ncn[k]):
                z = lx[st + i] * a + ly[st + i] * b + cb
                zmax, zmin = max(zmax, z), min(zmin, z)
            if not (zmax > e and zmin < -e):
                continue
        stack[top + 1], stack[top + 2] = kid[k] + 1, kid[k]
        top += 2
    cross[:nc].sort()
    return nc


@njit(cache=True)
def cut_pieces(vx, vy, start, count, Z, bp, Lu, Lv, tol, min_area):
    """Cut the ancestors (a pool with maps ``Z (R0, 3, n)``) by the layer's lines ``bp (n, m)``; returns
    the new pool and each region's ancestor."""
    R0, n, m = count.shape[0], bp.shape[0], bp.shape[1]
    ox, oy = np.empty(max(64, 2 * vx.shape[0])), np.empty(max(64, 2 * vx.shape[0]))
    ost, ocn, org = np.empty(max(16, 2 * R0), np.int64), np.empty(max(16, 2 * R0), np.int64), np.empty(
        max(16, 2 * R0), np.int64)
    lx, ly = np.empty(256), np.empty(256)
    lst, lcn = np.empty(64, np.int64), np.empty(64, np.int64)
    sb, gb = np.empty(64), np.empty(64, np.int64)
    nst, ncn, kid, slot = np.empty(128, np.int64), np.empty(128, np.int64), np.empty(128, np.int64), np.empty(
        128, np.int64)  # the tree of cuts of one ancestor: polygon, first of two children (-1: a leaf), slot
    nbb, leaf = np.empty((128, 4)), np.empty(64, np.int64)  # bounding boxes; the node of each piece
    cross, stack = np.empty(64, np.int64), np.empty(128, np.int64)
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
        _node(lx, ly, 0, c0, 0, 0, nst, ncn, nbb, kid, slot)
        leaf[0], nn = 0, 1
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
                if nl == 1:
                    nc, cross[0] = 1, 0
                else:  # the pieces the line may cross, found down the tree of earlier cuts
                    nc = _crossed(lx, ly, nst, ncn, nbb, kid, slot, a, b, cb, e, cross, stack)
                for ic in range(nc):
                    p = cross[ic]
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
                            cross, stack = _grow(cross, nl + 1), _grow(stack, 2 * nl + 2)
                        if nn + 2 > nst.shape[0]:
                            nst, ncn, kid, slot = _grow(nst, nn + 2), _grow(ncn, nn + 2), _grow(kid, nn + 2), _grow(
                                slot, nn + 2)
                            nbb = _grow_rows(nbb, nn + 2)
                        node = leaf[p]
                        kid[node] = nn
                        _node(lx, ly, nv, npos, p, nn, nst, ncn, nbb, kid, slot)
                        _node(lx, ly, nv + npos, nneg, nl, nn + 1, nst, ncn, nbb, kid, slot)
                        if nl + 1 > leaf.shape[0]:
                            leaf = _grow(leaf, nl + 1)
                        leaf[p], leaf[nl] = nn, nn + 1
                        nn += 2
                        lst[p], lcn[p] = nv, npos
                        lst[nl], lcn[nl] = nv + npos, nneg
                        nl += 1
                        nv += npos + nneg
        # the ancestor's pieces into the new pool
        if nvo + nv > ox.shape[0]:
            ox, oy = _grow(ox, nvo + nv), _grow(oy, nvo + nv)
        if nr + nl > ost.shape[0]:
            ost, ocn, org = _grow(ost, nr + nl), _grow(ocn, nr + nl), _grow(org, nr + nl)
        for p in range(nl):
            st, cn = lst[p], lcn[p]
            ost[nr], ocn[nr], org[nr] = nvo, cn, r
            for i in range(cn):
                ox[nvo + i], oy[nvo + i] = lx[st + i], ly[st + i]
            nvo += cn
            nr += 1
    return ox[:nvo], oy[:nvo], ost[:nr], ocn[:nr], org[:nr]


@njit(cache=True)
def piece_maps(vx, vy, start, count, org, lo, hi, Z, bp, slopes, icpt, pat, with_pattern):
    """For the regions ``lo:hi`` of a pool cut by :func:`cut_pieces` (``org``: their ancestors, whose
    maps are ``Z (R0, 3, n)`` and patterns ``pat (R0, U)``): the maps after the activation
    ``(hi - lo, 3 n)`` and, if ``with_pattern``, the patterns ``(hi - lo, U + n)`` (else ``(hi - lo, 0)``)."""
    n, m, U = bp.shape[0], bp.shape[1], pat.shape[1]
    H = np.empty((hi - lo, 3 * n))
    P = np.empty((hi - lo, U + n if with_pattern else 0), np.int8)
    for t in range(hi - lo):
        nr, r = lo + t, org[lo + t]
        cx, cy = _centroid(vx, vy, start[nr], count[nr])
        if with_pattern:
            P[t, :U] = pat[r]
        for j in range(n):
            z = cx * Z[r, 0, j] + cy * Z[r, 1, j] + Z[r, 2, j]
            q = 0
            for k in range(m):
                q += z > bp[j, k]
            if with_pattern:
                P[t, U + j] = q
            for d in range(3):
                H[t, d * n + j] = Z[r, d, j] * slopes[j, q]
            H[t, 2 * n + j] += icpt[j, q]
    return H, P


@njit(cache=True)
def cut_layer(vx, vy, start, count, Z, bp, slopes, icpt, pat, Lu, Lv, tol, min_area):
    """:func:`cut_pieces` then :func:`piece_maps` for all regions: the new pool, each region's ancestor,
    its map after the activation ``(R, 3 n)`` and its pattern ``(R, U + n)``."""
    ox, oy, ost, ocn, org = cut_pieces(vx, vy, start, count, Z, bp, Lu, Lv, tol, min_area)
    H, P = piece_maps(ox, oy, ost, ocn, org, 0, ocn.shape[0], Z, bp, slopes, icpt, pat, True)
    return ox, oy, ost, ocn, org, H, P
