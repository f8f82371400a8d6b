r"""The 2-D partition with batched torch operations, on any device (``regions(..., device=)``), in float64.

The same cut as :mod:`.planar` / :mod:`.cut`, batched the other way round: instead of one region at a
time with all its lines, one line at a time with all regions. Polygons are padded tensors ``X, Y
(R, V)`` with ``counts (R,)``; each region keeps the index of its ancestor (the region it came from at
the start of the layer), whose map gives the line :math:`a u + b v + c = \beta` of unit ``j`` there.
For a line, every vertex of every region is classified at once (the tolerance of :mod:`.planar`); the
regions with vertices strictly on both sides are split: both parts are written by one scatter of the
kept vertices and the crossing points (the same arithmetic, in the same order, as the compiled
:func:`.kernels._split`), a cut is kept when both parts have an area above ``min_area``, the positive
part in place and the negative part appended. After the layer, a stable sort by ancestor gives the
compiled path's order; each region's piece index is read at its centroid, and the next layer's map
is one batched matrix product. Float64 on every device: the exact partition the docs promise (a GPU
in float32 is not it).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from .network import Affine, Piecewise
from .planar import PlanarPartition, _chain

F64 = torch.float64


def _area(X: Tensor, Y: Tensor, counts: Tensor) -> Tensor:
    """Signed areas of padded polygons (relative to each first vertex; padding repeats vertex 0)."""
    x, y = X - X[:, :1], Y - Y[:, :1]
    i = torch.arange(X.shape[1], device=X.device)[None]
    nxt = torch.where(i + 1 < counts[:, None], i + 1, 0)
    return 0.5 * (x * y.gather(1, nxt) - x.gather(1, nxt) * y).sum(1)


def _centroids(X: Tensor, Y: Tensor, counts: Tensor) -> tuple[Tensor, Tensor]:
    i = torch.arange(X.shape[1], device=X.device)[None]
    real = i < counts[:, None]
    nxt = torch.where(i + 1 < counts[:, None], i + 1, 0)
    x0, y0 = X[:, :1], Y[:, :1]
    x, y = torch.where(real, X - x0, 0.0), torch.where(real, Y - y0, 0.0)
    xn, yn = x.gather(1, nxt), y.gather(1, nxt)
    c = x * yn - xn * y
    a = 0.5 * c.sum(1)
    size = torch.maximum(x.abs().amax(1), y.abs().amax(1))
    ok = a.abs() > 1e-15 * size * size
    safe = torch.where(ok, 6 * a, 1.0)
    cx = torch.where(ok, ((x + xn) * c).sum(1) / safe, x.sum(1) / counts)
    cy = torch.where(ok, ((y + yn) * c).sum(1) / safe, y.sum(1) / counts)
    return cx + x0[:, 0], cy + y0[:, 0]


def _part(X, Y, counts, s, g, keep: int) -> tuple[Tensor, Tensor, Tensor]:
    """The part with ``keep * sign >= 0`` of each polygon: padded ``(n, 2 V)`` and its vertex counts."""
    n, V = X.shape
    i = torch.arange(V, device=X.device)[None]
    real = i < counts[:, None]
    nxt = torch.where(i + 1 < counts[:, None], i + 1, 0)
    gn, sn = g.gather(1, nxt), s.gather(1, nxt)
    own = real & (keep * g >= 0)
    cross = real & (g * gn < 0)
    t = s / torch.where(cross, s - sn, 1.0)
    px = X + t * (X.gather(1, nxt) - X)
    py = Y + t * (Y.gather(1, nxt) - Y)
    flags = torch.stack([own, cross], 2).reshape(n, 2 * V)  # vertex i, then the crossing after it
    vx, vy = torch.stack([X, px], 2).reshape(n, 2 * V), torch.stack([Y, py], 2).reshape(n, 2 * V)
    pos = flags.long().cumsum(1) - 1
    cnt = flags.sum(1)
    dest = torch.where(flags, pos, 2 * V)  # the dropped go to a spare column
    ox = torch.zeros(n, 2 * V + 1, dtype=F64, device=X.device).scatter_(1, dest, vx)
    oy = torch.zeros(n, 2 * V + 1, dtype=F64, device=X.device).scatter_(1, dest, vy)
    j = torch.arange(2 * V, device=X.device)[None]
    pad = j >= cnt[:, None]  # padding repeats the first vertex
    return torch.where(pad, ox[:, :1], ox[:, :-1]), torch.where(pad, oy[:, :1], oy[:, :-1]), cnt


def _cut(X, Y, counts, org, Z, pw: Piecewise, Lu, Lv, tol, min_area):
    """Cut the regions (ancestors ``org`` with maps ``Z (R0, 3, n)``) by every line of the layer."""
    dev = X.device
    bp = torch.as_tensor(pw.breakpoints, dtype=F64, device=dev)
    for k in range(bp.shape[1]):
        for j in range(bp.shape[0]):
            a, b, c = Z[org, 0, j], Z[org, 1, j], Z[org, 2, j]
            beta = bp[j, k]
            bound = tol * (a.abs() * Lu + b.abs() * Lv + c.abs() + beta.abs())
            s = X * a[:, None] + Y * b[:, None] + (c - beta)[:, None]
            real = torch.arange(X.shape[1], device=dev)[None] < counts[:, None]
            g = torch.where(s > bound[:, None], 1, torch.where(s < -bound[:, None], -1, 0)) * real
            hit = torch.nonzero((g > 0).any(1) & (g < 0).any(1)).flatten()
            if len(hit) == 0:
                continue
            args = X[hit], Y[hit], counts[hit], s[hit], g[hit]
            (px, py, pc), (nx, ny, nc) = _part(*args, 1), _part(*args, -1)
            ok = torch.minimum(_area(px, py, pc), _area(nx, ny, nc)) > min_area
            hit, px, py, pc, nx, ny, nc = hit[ok], px[ok], py[ok], pc[ok], nx[ok], ny[ok], nc[ok]
            if len(hit) == 0:
                continue
            W = max(X.shape[1], int(torch.maximum(pc, nc).max()))
            X, Y = _widen(X, W), _widen(Y, W)
            X[hit], Y[hit], counts[hit] = _widen(px, W), _widen(py, W), pc
            X, Y = torch.cat([X, _widen(nx, W)]), torch.cat([Y, _widen(ny, W)])
            counts, org = torch.cat([counts, nc]), torch.cat([org, org[hit]])
    order = torch.sort(org, stable=True).indices  # grouped by ancestor, each group in creation order
    return X[order], Y[order], counts[order], org[order]


def _widen(A: Tensor, W: int) -> Tensor:
    """Padded polygons to ``W`` columns: cut to it, or extended by repeating the first vertex."""
    if A.shape[1] >= W:
        return A[:, :W]
    return torch.cat([A, A[:, :1].expand(-1, W - A.shape[1])], 1)


def tensor_partition(steps: list[Affine | Piecewise], window, embed, *, device: torch.device, tol: float = 1e-12,
                     area_tol: float = 0.0) -> PlanarPartition:
    """:func:`.planar.planar_partition` with batched torch operations on ``device``."""
    (u0, u1), (v0, v1) = window
    Lu, Lv = max(abs(u0), abs(u1)), max(abs(v0), abs(v1))
    min_area = area_tol * (u1 - u0) * (v1 - v0)
    X = torch.tensor([[u0, u1, u1, u0]], dtype=F64, device=device)
    Y = torch.tensor([[v0, v0, v1, v1]], dtype=F64, device=device)
    counts = torch.full((1,), 4, dtype=torch.long, device=device)
    H = torch.as_tensor(embed, dtype=F64).to(device)[None].clone()  # (R, 3, width)
    pattern = torch.zeros(1, 0, dtype=torch.int8, device=device)
    layer_counts = []
    for pw, nxt in _chain(steps) or [(None, Affine(np.eye(H.shape[2]), np.zeros(H.shape[2])))]:
        if pw is not None:
            org = torch.arange(len(counts), device=device)
            X, Y, counts, org = _cut(X, Y, counts, org, H, pw, Lu, Lv, tol, min_area)
            cx, cy = _centroids(X, Y, counts)
            Z = H[org]  # (R, 3, n)
            z = cx[:, None] * Z[:, 0] + cy[:, None] * Z[:, 1] + Z[:, 2]
            bp = torch.as_tensor(pw.breakpoints, dtype=F64, device=device)
            q = (z[:, :, None] > bp[None]).sum(2)  # (R, n) piece index
            sl = torch.as_tensor(pw.slopes, dtype=F64, device=device).gather(1, q.T).T
            ic = torch.as_tensor(pw.intercepts, dtype=F64, device=device).gather(1, q.T).T
            H = Z * sl[:, None]
            H[:, 2] += ic
            pattern = torch.cat([pattern[org], q.to(torch.int8)], 1)
            layer_counts.append(len(counts))
        if nxt is not None:
            W = torch.as_tensor(nxt.W, dtype=F64, device=device)
            H = H @ W.T
            H[:, 2] += torch.as_tensor(nxt.b, dtype=F64, device=device)
    V = int(counts.max())
    verts = torch.stack([_widen(X, V), _widen(Y, V)], 2)
    n = lambda t: t.detach().cpu().numpy()  # noqa: E731
    return PlanarPartition(n(verts), n(counts), n(H[:, :2].transpose(1, 2)), n(H[:, 2]), n(pattern), layer_counts)
