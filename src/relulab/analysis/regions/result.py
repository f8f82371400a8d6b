r"""``Regions``: the exact partition of a 2-D window, each region a convex polygon with its affine map.

On region ``r`` the network's outputs are :math:`f(u, v) = A_r [u, v]^T + b_r` exactly. Batched fields
are tensors (float64): ``vertices (R, V, 2)`` counter-clockwise, padded by repeating the first vertex
(``counts`` says how many are real), ``A (R, K, 2)``, ``b (R, K)``, ``patterns (R, U)`` (the piece
index of every unit of every piecewise-linear layer: 0/1 for relu, 0/1/2 for hardtanh).
Indexing gives one :class:`Region`; ``class_regions()`` merges same-class regions into polygons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import Tensor

from .boundary import decision_segments, labels_of
from .bounds import Bounds, architecture_bounds
from .classes import class_faces
from .complex import Complex, LinearPieces, cell_complex, linear_pieces
from .domain import Plane, Window
from .polygons import areas, centroids


@dataclass(frozen=True)
class Region:
    index: int
    vertices: Tensor  # (k, 2)
    A: Tensor  # (K, 2)
    b: Tensor  # (K,)
    pattern: Tensor  # (U,)
    area: float

    def interior_point(self) -> Tensor:
        """The polygon's centroid ``(2,)`` (strictly inside: the polygon is convex)."""
        return torch.from_numpy(centroids(self.vertices[None, :, 0].numpy(), self.vertices[None, :, 1].numpy())[0])

    def __call__(self, uv: Tensor) -> Tensor:
        return uv @ self.A.T + self.b


@dataclass(frozen=True)
class ClassRegion:
    label: int  # output > 0 -> 1, else 0 (one output); argmax (several)
    outer: Tensor  # (k, 2) counter-clockwise boundary
    holes: tuple[Tensor, ...]
    area: float
    sides: int  # corners of the outer boundary
    hole_sides: tuple[int, ...]
    touches_window: bool
    turns: Tensor  # (sides,) how much the boundary turns at each corner, in degrees

    def sharp_sides(self, min_turn: float = 10.0) -> int:
        """Corners where the boundary turns by more than ``min_turn`` degrees (what the eye counts)."""
        return int((self.turns > min_turn).sum())


@dataclass(frozen=True, eq=False)
class LayerInfo:
    counts: tuple[int, ...]  # regions after each piecewise-linear layer
    widths: tuple[int, ...]
    activations: tuple[str, ...]
    breakpoints: tuple[int, ...]  # per unit

    def bounds(self, d: int) -> Bounds:
        return architecture_bounds(self.widths, self.breakpoints, self.activations, d)


class RegionSequence:
    """What the 2-D and 1-D results share: iteration, a short repr, the per-layer counts."""

    layers: LayerInfo

    def __repr__(self) -> str:  # the tensors are too long to print
        return f"{type(self).__name__}({len(self)} regions, after each layer {self.layers.counts})"

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    @property
    def layer_counts(self) -> tuple[int, ...]:
        return self.layers.counts


@dataclass(frozen=True, eq=False, repr=False)
class Regions(RegionSequence):
    """``R`` convex regions tiling ``window`` (coordinates ``(u, v)``: the input itself for a 2-input
    network, the plane's coordinates otherwise); see the module docstring for the fields' shapes."""

    vertices: Tensor  # (R, V, 2)
    counts: Tensor  # (R,)
    A: Tensor  # (R, K, 2)
    b: Tensor  # (R, K)
    patterns: Tensor  # (R, U) int8
    layers: LayerInfo
    window: Window
    plane: Plane | None = None
    tol: float = 1e-12
    _cache: dict = field(default_factory=dict, repr=False)

    # ---- one region at a time -------------------------------------------------------------------
    def __len__(self) -> int:
        return self.vertices.shape[0]

    def __getitem__(self, i: int) -> Region:
        if not -len(self) <= i < len(self):
            raise IndexError(f"region {i} out of range for {len(self)} regions")
        i %= len(self)
        k = int(self.counts[i])
        return Region(i, self.vertices[i, :k], self.A[i], self.b[i], self.patterns[i], float(self.areas[i]))

    # ---- batched views --------------------------------------------------------------------------
    @property
    def areas(self) -> Tensor:
        """Areas ``(R,)``."""
        if "areas" not in self._cache:
            self._cache["areas"] = torch.from_numpy(areas(self.vertices[..., 0].numpy(), self.vertices[..., 1].numpy()))
        return self._cache["areas"]

    def interior_points(self) -> Tensor:
        """Centroids ``(R, 2)``."""
        return torch.from_numpy(centroids(self.vertices[..., 0].numpy(), self.vertices[..., 1].numpy()))

    def to_input(self, uv: Tensor) -> Tensor:
        """Network inputs for window coordinates ``(n, 2)`` (the identity for a box)."""
        return self.plane.to_input(uv) if self.plane is not None else torch.as_tensor(uv, dtype=torch.float64)

    def locate(self, uv: Tensor) -> Tensor:
        """Index of a region containing each point ``(n, 2)``; -1 outside the window."""
        P = torch.as_tensor(uv, dtype=torch.float64).reshape(-1, 2).numpy()
        X, Y = self.vertices[..., 0].numpy(), self.vertices[..., 1].numpy()
        ex, ey = np.roll(X, -1, axis=1) - X, np.roll(Y, -1, axis=1) - Y
        lo, hi = np.stack([X.min(1), Y.min(1)], 1), np.stack([X.max(1), Y.max(1)], 1)
        slack = 1e-9 * max(w[1] - w[0] for w in self.window)
        out = np.full(len(P), -1, dtype=np.int64)
        for n, p in enumerate(P):
            cand = np.flatnonzero(((p >= lo - slack) & (p <= hi + slack)).all(axis=1))
            side = ex[cand] * (p[1] - Y[cand]) - ey[cand] * (p[0] - X[cand])
            scale = np.hypot(ex[cand], ey[cand])
            inside = cand[(side >= -slack * scale).all(axis=1)]
            if len(inside):
                out[n] = inside[0]
        return torch.from_numpy(out)

    def outputs(self, uv: Tensor) -> Tensor:
        """Network outputs ``(n, K)`` from the regions' affine maps (nan outside the window)."""
        uv = torch.as_tensor(uv, dtype=torch.float64).reshape(-1, 2)
        r = self.locate(uv)
        out = torch.einsum("nkd,nd->nk", self.A[r.clamp_min(0)], uv) + self.b[r.clamp_min(0)]
        return torch.where((r >= 0)[:, None], out, torch.nan)

    # ---- classification -------------------------------------------------------------------------
    def _segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if "segments" not in self._cache:
            maps = torch.cat([self.A.transpose(1, 2), self.b[:, None, :]], dim=1).numpy()  # (R, 3, K)
            L = tuple(max(abs(a), abs(b)) for a, b in self.window)
            self._cache["segments"] = decision_segments(self.vertices[..., 0].numpy(), self.vertices[..., 1].numpy(),
                                                        self.counts.numpy(), maps, L, self.tol)
        return self._cache["segments"]

    def decision_boundary(self) -> Tensor:
        """The boundary between classes as segments ``(S, 2, 2)``, each with its left class's side on
        the left (one output: where it is 0, the positive side on the left)."""
        return torch.from_numpy(self._segments()[0])

    def labels(self, uv: Tensor) -> Tensor:
        """Class of each point ``(n, 2)``."""
        return torch.from_numpy(labels_of(self.outputs(uv).numpy()))

    def class_regions(self, angle_tol: float = 1e-6) -> list[ClassRegion]:
        """Connected same-class areas, each as its boundary polygon, holes and number of sides."""
        seg, lab, _ = self._segments()
        faces = class_faces(seg, lab, self.window, lambda p: self.labels(torch.from_numpy(p)).numpy(),
                            angle_tol=angle_tol)
        t = torch.from_numpy
        return [ClassRegion(f.label, t(f.outer), tuple(t(h) for h in f.holes), f.area, f.sides, f.hole_sides,
                            f.touches_window, t(f.turns * (180 / np.pi))) for f in faces]

    def bounds(self) -> Bounds:
        return self.layers.bounds(2)

    def _repr_html_(self) -> str:
        """In a notebook: the numbers and the partition drawn (:mod:`.show`)."""
        from .show import regions_html

        return regions_html(self)

    # ---- the partition as a complex; its linear pieces (see :mod:`.complex`) -----------------------
    def cell_complex(self) -> Complex:
        """Vertices, edges and faces of the partition; ``.euler`` is 1 for a tiling of the window."""
        if "complex" not in self._cache:
            self._cache["complex"] = cell_complex(self.vertices.numpy(), self.counts.numpy(), self.window)
        return self._cache["complex"]

    def merged(self, map_tol: float = 1e-9) -> LinearPieces:
        """The maximal linear pieces: adjacent cells (these regions: activation patterns) joined when the
        network has one affine map on both (within ``map_tol`` of its scale); ``len()`` counts them."""
        return linear_pieces(self.vertices.numpy(), self.counts.numpy(), self.A.numpy(), self.b.numpy(),
                             self.areas.numpy(), self.window, map_tol)

    def summary(self) -> dict:
        """Counts, per-layer counts, bounds and class regions, JSON-ready."""
        classes = self.class_regions()
        return {"dimension": 2, "regions": len(self), "layer_counts": list(self.layer_counts),
                "window": [list(w) for w in self.window], "plane": None if self.plane is None else
                {"origin": self.plane.origin.tolist(), "basis": self.plane.basis.tolist()},
                "bounds": self.bounds().to_dict(), "decision_segments": int(self.decision_boundary().shape[0]),
                "class_regions": [{"label": c.label, "sides": c.sides, "sides_turning_over_10deg": c.sharp_sides(10.0),
                                   "turns_deg": c.turns.tolist(), "area": c.area, "holes": len(c.holes),
                                   "hole_sides": list(c.hole_sides), "touches_window": c.touches_window}
                                  for c in classes]}
