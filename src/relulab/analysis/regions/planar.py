r"""Exact linear regions on a 2-D window, layer by layer.

The current regions are convex polygons, each with the affine map from ``[u, v, 1]`` to the current
layer's values, stored as ``H (R, 3, width)``. For a piecewise-linear layer with pre-activation maps
``Z = H W^T + b``, every region is cut by the line :math:`z_j(u, v) = \beta` of each unit ``j`` and
breakpoint :math:`\beta`. Within a layer the maps ``Z`` do not change (they depend on earlier layers
only), so all pieces of a layer-start region (its *ancestor*) share its map, and a line is only tried
on them when it crosses the ancestor's polygon. The cutting and the activation are compiled
(:mod:`.cut`, region by region, a line tried only where the tree of earlier cuts says it crosses);
the next layer's affine map is one matrix product (BLAS) for all regions (or, in the lean mode, for a
block of regions at a time, depth first through the layers), or, for nets no wider than ``SMALL``,
part of one compiled call for the whole network (:mod:`.small`). Regions come out grouped by ancestor,
layer after layer.

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


def _chain(steps: list[Affine | Piecewise]) -> list[tuple[Piecewise | None, Affine | None]]:
    """The steps as (piecewise layer or None, the affine map after it or None)."""
    chain: list[tuple[Piecewise | None, Affine | None]] = []
    i = 0
    while i < len(steps):
        pw = steps[i] if isinstance(steps[i], Piecewise) else None
        j = i if pw is None else i + 1
        nxt = steps[j] if j < len(steps) and isinstance(steps[j], Affine) else None
        chain.append((pw, nxt))
        i = j + 1 if j < len(steps) and isinstance(steps[j], Affine) else j
    return chain


def _free_bytes() -> int:
    """Memory this process may still take: the kernel's ``MemAvailable``, and below an address-space limit
    (``ulimit -v``, ``prlimit --as``) what is left of it."""
    import resource

    free = 1 << 62
    try:
        with open("/proc/meminfo") as f:
            free = next(int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable:"))
        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft != resource.RLIM_INFINITY:
            with open("/proc/self/statm") as f:
                used = int(f.read().split()[0]) * resource.getpagesize()
            free = min(free, soft - used)
    except (OSError, StopIteration, ValueError):
        pass
    return free


BLOCK_BYTES = 64 << 20  # lean mode: the hidden maps of at most this many bytes at once
POOL_BYTES = 100  # a region's polygon in the pool: about 5 vertices of 16 bytes, start and count


def bytes_per_region(widths: list[int], outputs: int, lean: bool) -> int:
    """What a region costs, in bytes, at the end of a net with hidden ``widths`` and ``outputs``: its
    polygon and output map (lean), and its pattern (full; while a layer is cut, its map into the next
    layer, 24 bytes per unit, takes the output map's place). The maps through a layer are computed a
    block of ``BLOCK_BYTES`` at a time in both modes; see :func:`planar_partition`."""
    return POOL_BYTES + 24 * outputs + (0 if lean else sum(widths))


@dataclass
class _Walk:
    """What the depth-first walk through the layers collects."""

    chain: list
    Lu: float
    Lv: float
    tol: float
    min_area: float
    lean: bool
    budget: int
    counts: list[int]
    out: list


def _descend(w: _Walk, li: int, pool: tuple, Z: np.ndarray, pat: np.ndarray) -> None:
    """Cut the regions ``pool`` (maps ``Z (R, 3, n)``, patterns ``pat``) by layer ``li`` and go on with
    their pieces, all at once (full) or a block at a time (lean: only the output's maps are kept)."""
    from .cut import cut_pieces, piece_maps

    pw, nxt = w.chain[li]
    if pw is None:
        ox, oy, ost, ocn, org = *pool, np.arange(len(pool[3]))
        H, width = Z.reshape(len(Z), -1), Z.shape[2]
    else:
        ox, oy, ost, ocn, org = cut_pieces(*pool, Z, pw.breakpoints, w.Lu, w.Lv, w.tol, w.min_area)
        w.counts[li] += len(ocn)
        width = pw.width
    R, last = len(ocn), li + 1 == len(w.chain)
    out = len(nxt.b) if nxt is not None else width
    U = pat.shape[1] + (width if pw is not None else 0)
    if not w.lean and R * (POOL_BYTES + 24 * out + U) > w.budget:
        need = R * (POOL_BYTES + 24 * out + U)
        raise MemoryError(
            f"the full regions need about {need / 2**30:.1f} GiB after layer {li + 1} ({R:,} regions x "
            f"{need // R} bytes: every region's polygon, map into the next layer and pattern), more than the "
            f"{w.budget / 2**30:.1f} GiB free; regions(..., lean=True) keeps each region's polygon and output map "
            f"only (about {bytes_per_region([], out, True)} bytes per region, hidden maps a block at a time)")
    step = max(1, min(R, BLOCK_BYTES // (24 * (width + out))))
    if nxt is None and not w.lean:
        step = max(R, 1)  # the maps after the activation are the result: made once, not copied from blocks
    maps: np.ndarray | None = None  # full mode: every block's maps and patterns, written in place
    pats: np.ndarray | None = None
    for lo in range(0, R, step):
        hi = min(R, lo + step)
        if pw is None:
            Hb, P = H[lo:hi], pat[lo:hi]
        else:
            Hb, P = piece_maps(ox, oy, ost, ocn, org, lo, hi, Z, pw.breakpoints, pw.slopes, pw.intercepts, pat,
                               not w.lean)
        if nxt is None:
            Zn = Hb.reshape(hi - lo, 3, -1)
        else:
            Zn = (Hb.reshape(3 * (hi - lo), -1) @ nxt.W.T).reshape(hi - lo, 3, -1)
            Zn[:, 2] += nxt.b
        if not w.lean:  # every block's maps, then the next layer for all regions at once
            if step >= R:
                maps, pats = Zn, P
                continue
            if maps is None:
                maps, pats = np.empty((R, *Zn.shape[1:])), np.empty((R, P.shape[1]), np.int8)
            maps[lo:hi], pats[lo:hi] = Zn, P
            continue
        v0, v1 = ost[lo], ost[hi - 1] + ocn[hi - 1]
        sub = (ox[v0:v1], oy[v0:v1], ost[lo:hi] - v0, ocn[lo:hi])
        if last:
            w.out.append((sub, Zn, P))
        else:
            _descend(w, li + 1, sub, Zn, P)
    if not w.lean:
        Zn, P = maps, pats
        if last:
            w.out.append(((ox, oy, ost, ocn), Zn, P))
        else:
            _descend(w, li + 1, (ox, oy, ost, ocn), Zn, P)


def planar_partition(steps: list[Affine | Piecewise], window: tuple[tuple[float, float], tuple[float, float]],
                     embed: np.ndarray, *, tol: float = 1e-12, area_tol: float = 0.0, lean: bool = False,
                     max_bytes: int | None = None) -> PlanarPartition:
    """Partition ``window`` = ``((u0, u1), (v0, v1))``; the network input is ``[u, v, 1] @ embed (3, d)``.

    ``lean``: walk the layers depth first, a block of regions at a time, keeping each final region's
    polygon and output map only (no patterns: ``(R, 0)``); else (full) every layer for all regions, with
    the patterns, refused with a ``MemoryError`` naming the estimate when it would take more than
    ``max_bytes`` (default: the memory free now)."""
    from .kernels import padded  # numba: loaded (compiled once per machine) by the first call
    from .small import small_partition

    (u0, u1), (v0, v1) = window
    Lu, Lv = max(abs(u0), abs(u1)), max(abs(v0), abs(v1))
    min_area = area_tol * (u1 - u0) * (v1 - v0)
    vx, vy = np.array([u0, u1, u1, u0]), np.array([v0, v0, v1, v1])
    H = np.asarray(embed, dtype=np.float64)[None].copy()  # (R=1, 3, d)
    chain = _chain(steps)
    if not chain:
        chain = [(None, Affine(np.eye(H.shape[2]), np.zeros(H.shape[2])))]
    if all(max(a.W.shape) <= SMALL for _, a in chain if a is not None) and all(
            p.width <= SMALL for p, _ in chain if p is not None):
        chain = [(p, a if a is not None else Affine(np.eye(p.width), np.zeros(p.width))) for p, a in chain]
        flat = np.concatenate([x.ravel() for p, a in chain for x in
                               ((p.breakpoints, p.slopes, p.intercepts) if p is not None else ()) + (a.W, a.b)])
        shapes = np.array([(a.W.shape[1], -1 if p is None else p.breakpoints.shape[1], a.W.shape[0])
                           for p, a in chain], dtype=np.int64)
        vert, count, A, b, pattern, counts = small_partition(vx, vy, H, shapes, flat, Lu, Lv, tol, min_area)
        return PlanarPartition(vert, count, A, b, pattern[:, :0] if lean else pattern, counts.tolist())
    walk = _Walk(chain, Lu, Lv, tol, min_area, lean, _free_bytes() if max_bytes is None else max_bytes,
                 [0] * len(chain), [])
    _descend(walk, 0, (vx, vy, np.zeros(1, np.int64), np.full(1, 4, np.int64)), H, np.zeros((1, 0), np.int8))
    pools, maps, pats = zip(*walk.out, strict=True)
    if len(pools) == 1:
        (vx, vy, start, count), Z, pattern = pools[0], maps[0], pats[0]
    else:
        sizes = np.cumsum([0] + [len(p[0]) for p in pools[:-1]])
        vx, vy = np.concatenate([p[0] for p in pools]), np.concatenate([p[1] for p in pools])
        start = np.concatenate([p[2] + o for p, o in zip(pools, sizes, strict=True)])
        count = np.concatenate([p[3] for p in pools])
        Z, pattern = np.concatenate(maps), np.concatenate(pats)
    layer_counts = [c for c, (p, _) in zip(walk.counts, chain, strict=True) if p is not None]
    return PlanarPartition(padded(vx, vy, start, count), count, Z[:, :2].transpose(0, 2, 1), Z[:, 2],
                           pattern[:, :0] if lean else pattern, layer_counts)
