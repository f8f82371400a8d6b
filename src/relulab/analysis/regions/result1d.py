r"""``Regions1D``: the exact pieces of a network on an interval, each with its affine map.

On piece ``r`` = ``[knots[r], knots[r + 1]]`` the outputs are :math:`f(t) = A_r t + b_r` exactly, with
``A (R, K, 1)`` and ``b (R, K)``. ``kinks()`` are the inner knots (where some unit changes piece);
``bends()`` only those where the output's slope really changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from .boundary import decision_points, labels_of
from .bounds import Bounds
from .result import LayerInfo, RegionSequence


@dataclass(frozen=True)
class Piece:
    index: int
    interval: tuple[float, float]
    A: Tensor  # (K, 1)
    b: Tensor  # (K,)
    pattern: Tensor  # (U,)

    @property
    def length(self) -> float:
        return self.interval[1] - self.interval[0]

    def interior_point(self) -> Tensor:
        """The midpoint, shape ``(1,)``."""
        return torch.tensor([0.5 * (self.interval[0] + self.interval[1])], dtype=torch.float64)

    def __call__(self, t: Tensor) -> Tensor:
        return t @ self.A.T + self.b


@dataclass(frozen=True)
class ClassInterval:
    label: int
    lo: float
    hi: float


@dataclass(frozen=True, eq=False, repr=False)
class Regions1D(RegionSequence):
    knots: Tensor  # (R + 1,)
    A: Tensor
    b: Tensor
    patterns: Tensor
    layers: LayerInfo
    interval: tuple[float, float]
    tol: float = 1e-12

    def __len__(self) -> int:
        return self.knots.shape[0] - 1

    def __getitem__(self, i: int) -> Piece:
        if not -len(self) <= i < len(self):
            raise IndexError(f"piece {i} out of range for {len(self)} pieces")
        i %= len(self)
        return Piece(i, (float(self.knots[i]), float(self.knots[i + 1])), self.A[i], self.b[i], self.patterns[i])

    @property
    def lengths(self) -> Tensor:
        return self.knots[1:] - self.knots[:-1]

    def interior_points(self) -> Tensor:
        return (0.5 * (self.knots[1:] + self.knots[:-1]))[:, None]

    def kinks(self) -> Tensor:
        """Inner knots: where some unit changes piece."""
        return self.knots[1:-1]

    def bends(self) -> Tensor:
        """Inner knots where the output's slope changes (by more than ``tol`` relative)."""
        dA = (self.A[1:] - self.A[:-1]).abs().amax(dim=(1, 2))
        return self.knots[1:-1][dA > self.tol * (self.A.abs().amax() + 1e-300)]

    def outputs(self, t: Tensor) -> Tensor:
        """Outputs ``(n, K)`` at points ``t`` ``(n,)`` or ``(n, 1)`` from the pieces' maps."""
        t = torch.as_tensor(t, dtype=torch.float64).reshape(-1)
        r = (torch.searchsorted(self.knots, t, right=True) - 1).clamp(0, len(self) - 1)
        return self.A[r, :, 0] * t[:, None] + self.b[r]

    def class_intervals(self) -> list[ClassInterval]:
        """Maximal intervals of one class, in order."""
        maps = torch.stack([self.A[:, :, 0], self.b], dim=1).numpy()  # (R, 2, K)
        cuts = decision_points(self.knots.numpy(), maps, self.tol)
        edges = np.concatenate([[float(self.knots[0])], cuts, [float(self.knots[-1])]])
        labels = labels_of(self.outputs(torch.from_numpy(0.5 * (edges[1:] + edges[:-1]))).numpy())
        out: list[ClassInterval] = []
        for lab, lo, hi in zip(labels.tolist(), edges[:-1].tolist(), edges[1:].tolist(), strict=True):
            if out and out[-1].label == lab:
                out[-1] = ClassInterval(lab, out[-1].lo, hi)
            else:
                out.append(ClassInterval(lab, lo, hi))
        return out

    def decision_boundary(self) -> Tensor:
        """Points where the class changes ``(P,)``."""
        return torch.tensor([c.lo for c in self.class_intervals()[1:]], dtype=torch.float64)

    def bounds(self) -> Bounds:
        return self.layers.bounds(1)

    def _repr_html_(self) -> str:
        """In a notebook: the numbers and the outputs over the interval (:mod:`.show`)."""
        from .show import regions1d_html

        return regions1d_html(self)

    def summary(self) -> dict:
        return {"dimension": 1, "regions": len(self), "layer_counts": list(self.layer_counts),
                "interval": list(self.interval), "kinks": self.kinks().tolist(), "bends": self.bends().tolist(),
                "bounds": self.bounds().to_dict(),
                "class_intervals": [{"label": c.label, "lo": c.lo, "hi": c.hi} for c in self.class_intervals()]}
