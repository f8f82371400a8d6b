r"""The partition as a cell complex (vertices, edges, faces, Euler's check) and its maximal linear pieces.

*Vertices* are the distinct corner points of the regions (copies of one point computed in different
regions agree to about 1e-15 of the window; they are merged within ``1e-10`` of it). Around a vertex
the corners of the regions meeting there fill the full angle (:math:`2\pi` inside the window,
:math:`\pi` on a side, :math:`\pi/2` at a window corner), except for the straight angle :math:`\pi` of a
region whose side merely passes through it (a *T-junction*); so the number of edges at a vertex is its
corners plus its T-junctions (plus one on the window's border), and the *edges* are half their sum.
The *faces* are the regions. A tiling of the window (a disc) has :math:`V - E + F = 1`.

Two definitions of "linear region" (Stargalla, Hertrich & Reichman, NeurIPS 2025):

- an **activation region** (a *cell*, what :func:`~relulab.regions` returns, and what regioncam counts):
  the points with one activation pattern;
- a **linear piece**: a maximal connected set on which the network is one affine map. Adjacent cells
  can share one map (a unit whose kink does not reach the output, or two kinks that cancel), so the
  pieces are unions of cells and never more. :func:`linear_pieces` joins cells that share an edge
  (the same two vertices, in opposite order) and whose maps agree within ``map_tol`` of their scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor


@dataclass(frozen=True)
class Complex:
    vertices: int
    edges: int
    faces: int

    @property
    def euler(self) -> int:
        """:math:`V - E + F`: 1 for a tiling of the window."""
        return self.vertices - self.edges + self.faces


@dataclass(frozen=True, eq=False)
class LinearPieces:
    """Maximal linear pieces: ``labels (R,)`` the piece of every cell, ``A (P, K, 2)``, ``b (P, K)`` the
    piece's map (that of its first cell), ``areas (P,)``."""

    labels: Tensor
    A: Tensor
    b: Tensor
    areas: Tensor

    def __len__(self) -> int:
        return len(self.areas)

    def __repr__(self) -> str:
        return f"LinearPieces({len(self)} pieces of {len(self.labels)} cells)"


def _corners(vertices: np.ndarray, counts: np.ndarray, window) -> tuple:
    """Every region's corners: region, vertex id, next vertex id, angle; and the vertices' positions."""
    R, V = vertices.shape[:2]
    real = np.arange(V)[None, :] < counts[:, None]
    x, y = vertices[..., 0][real], vertices[..., 1][real]
    region = np.repeat(np.arange(R), counts)
    from .kernels import cluster

    scale = max(max(abs(a), abs(b)) for a, b in window)
    ids, nv = cluster(x, y, 1e-10 * scale)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pos = np.arange(len(x)) - np.repeat(first, counts)
    nxt = np.repeat(first, counts) + (pos + 1) % np.repeat(counts, counts)
    prv = np.repeat(first, counts) + (pos - 1) % np.repeat(counts, counts)
    keep = ids != ids[nxt]  # (a repeated point in one polygon: one corner)
    ex, ey = x[nxt] - x, y[nxt] - y
    px, py = x[prv] - x, y[prv] - y
    angle = np.abs(np.arctan2(ex * py - ey * px, ex * px + ey * py))
    px_, py_ = np.zeros(nv), np.zeros(nv)
    px_[ids], py_[ids] = x, y
    return region[keep], ids[keep], ids[nxt][keep], angle[keep], nv, px_, py_


def cell_complex(vertices: np.ndarray, counts: np.ndarray, window) -> Complex:
    """Vertices, edges and faces of the partition (see the module docstring)."""
    _, vid, _, angle, nv, px, py = _corners(vertices, counts, window)
    (u0, u1), (v0, v1) = window
    e = 1e-10 * max(max(abs(a), abs(b)) for a, b in window)
    on_u, on_v = (np.abs(px - u0) <= e) | (np.abs(px - u1) <= e), (np.abs(py - v0) <= e) | (np.abs(py - v1) <= e)
    full = np.where(on_u & on_v, np.pi / 2, np.where(on_u | on_v, np.pi, 2 * np.pi))
    corners = np.bincount(vid, minlength=nv)
    tjunctions = np.rint((full - np.bincount(vid, weights=angle, minlength=nv)) / np.pi).astype(np.int64)
    degree = corners + tjunctions + (on_u | on_v)
    return Complex(int(nv), int(degree.sum()) // 2, len(counts))


def linear_pieces(vertices: np.ndarray, counts: np.ndarray, A: np.ndarray, b: np.ndarray, areas: np.ndarray,
                  window, map_tol: float = 1e-9) -> LinearPieces:
    """Join adjacent cells with the same affine map (within ``map_tol`` of ``|A| L + |b|``)."""
    region, vid, nid, _, nv, _, _ = _corners(vertices, counts, window)
    key, twin = vid * nv + nid, nid * nv + vid
    order = np.argsort(key)
    hit = np.searchsorted(key[order], twin).clip(0, len(key) - 1)
    found = key[order][hit] == twin
    r1, r2 = region[found], region[order][hit[found]]
    L = max(max(abs(a), abs(c)) for a, c in window)
    Af, bf = A.reshape(len(A), -1), b.reshape(len(b), -1)
    scale = np.abs(Af).max(axis=1, initial=0.0) * L + np.abs(bf).max(axis=1, initial=0.0)
    gap = np.maximum(np.abs(Af[r1] - Af[r2]).max(axis=1, initial=0.0) * L,
                     np.abs(bf[r1] - bf[r2]).max(axis=1, initial=0.0))
    same = gap <= map_tol * np.maximum(np.maximum(scale[r1], scale[r2]), 1e-300)
    from .kernels import components

    labels = components(len(counts), r1[same], r2[same])
    first = np.unique(labels, return_index=True)[1]
    t = torch.from_numpy
    return LinearPieces(t(labels), t(np.ascontiguousarray(A[first])), t(np.ascontiguousarray(b[first])),
                        t(np.bincount(labels, weights=areas)))
