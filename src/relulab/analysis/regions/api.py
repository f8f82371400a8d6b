r"""``regions(model, box)``: the exact linear regions of a piecewise-linear network.

A network of ``nn.Linear`` layers and piecewise-linear activations is affine on each region of a
partition of its input. For a 2-input network the partition of a box is returned as convex polygons
(:class:`Regions`), for a 1-input network the pieces of an interval (:class:`Regions1D`), for more
inputs the partition of a plane through three input points (``plane=``).

>>> import torch
>>> from relulab.models import MLP
>>> net = MLP(2, (3,), 1, "relu", generator=torch.Generator().manual_seed(0))
>>> r = regions(net, (-6, 6))
>>> len(r), r.layer_counts, r.bounds().zaslavsky_first_layer
(7, (7,), 7)
>>> x = r[0].interior_point()
>>> torch.allclose(net(x), r[0](x))
True
>>> regions(MLP(2, (3,), 1, "tanh", generator=torch.Generator()), (-1, 1))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: exact regions need piecewise-linear activations, got 'Tanh' (layer 1); allowed: nn.ReLU, ...
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor, nn

from .domain import Plane, parse_interval, parse_window
from .interval import interval_partition
from .network import Piecewise, network_steps
from .planar import planar_partition
from .result import LayerInfo, Regions
from .result1d import Regions1D


def input_features(model: nn.Module) -> int:
    """Inputs of the first ``nn.Linear`` (or BatchNorm) of ``model``."""
    for m in model.modules():
        if isinstance(m, nn.Linear):
            return m.in_features
        if isinstance(m, nn.BatchNorm1d):
            return m.num_features
    raise ValueError(f"cannot tell how many inputs {type(model).__name__} takes: it has no nn.Linear")


def _layers(steps: list, counts: list[int]) -> LayerInfo:
    pw = [s for s in steps if isinstance(s, Piecewise)]
    widths, names, bps = zip(*((s.width, s.name, s.breakpoints.shape[1]) for s in pw), strict=True) if pw else ((),) * 3
    return LayerInfo(tuple(counts), tuple(widths), tuple(names), tuple(bps))


def _pattern(patterns: list[np.ndarray], R: int) -> Tensor:
    return torch.from_numpy(np.concatenate(patterns, axis=1) if patterns else np.zeros((R, 0), np.int8))


def _device(device: object, lean: bool) -> torch.device | None:
    if device is None:
        return None
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must be a torch device such as 'cpu' or 'cuda' (or None: the compiled CPU path), "
                         f"got {device!r}") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} is not available here (torch.cuda.is_available() is False); "
                         "use 'cpu' or None")
    if lean:
        raise ValueError("lean=True runs on the compiled CPU path only: drop device= (or lean=)")
    return dev


def _planar(steps, window, embed, tol, area_tol, lean, max_bytes, dev):
    if dev is None:
        return planar_partition(steps, window, embed, tol=tol, area_tol=area_tol, lean=lean, max_bytes=max_bytes)
    from .tensor import tensor_partition

    return tensor_partition(steps, window, embed, device=dev, tol=tol, area_tol=area_tol)


def regions(model: nn.Module, box: object = None, *, plane: Tensor | None = None, tol: float = 1e-12,
            area_tol: float = 0.0, lean: bool = False, max_bytes: int | None = None,
            device: str | torch.device | None = None) -> Regions | Regions1D:
    r"""The exact linear regions of ``model`` on a box, an interval, or a plane.

    - 2 inputs: ``box`` is ``(lo, hi)`` (the square, default the playground's ``(-6, 6)``) or
      ``((x0, x1), (y0, y1))``;
    - 1 input: ``box`` is the interval ``(lo, hi)`` (default ``(-6, 6)``);
    - any number of inputs with ``plane`` = three points ``(3, d)``: ``box`` is then in the plane's
      orthonormal coordinates (default: a square around the three points), see :class:`Plane`.

    ``tol`` decides when a vertex lies on a unit's line (relative to the line's scale over the
    window). A cut is only made if both parts have an area above ``area_tol`` times the window's
    area; the default 0 keeps every region of positive area: random nets have genuine regions of
    relative area 1e-19 (sides of 1e-8, well resolved in float64), which a larger value would drop.

    Memory (2-D): the full result keeps every region's polygon (about 100 bytes), output map (24 K
    bytes for ``K`` outputs) and pattern (``U`` bytes for ``U`` units); while a layer is cut, each region
    holds its map into the next layer (24 bytes per unit) instead. When that would exceed ``max_bytes``
    (default: the memory free now) a ``MemoryError`` names the estimate. ``lean=True`` walks the layers
    depth first, a block of regions at a time, and keeps only each region's polygon and output map
    (about ``100 + 24 K`` bytes; ``patterns`` is then ``(R, 0)``): for millions of regions.

    ``device`` (2-D): ``None`` (default) takes the compiled CPU path; a torch device (``"cpu"``,
    ``"cuda"``, ...) the same cut as batched torch operations on it, in float64 (:mod:`.tensor`).
    """
    if not isinstance(lean, bool):
        raise ValueError(f"lean must be True or False, got {lean!r}")
    if max_bytes is not None and (isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1):
        raise ValueError(f"max_bytes must be a whole number of bytes >= 1 (or None: the memory free now), "
                         f"got {max_bytes!r}")
    dev = _device(device, lean)
    d = input_features(model)
    if dev is not None and plane is None and d != 2:
        raise ValueError(f"device= is for 2-D partitions (2 inputs, or plane=); this model takes {d} input(s)")
    if plane is not None:
        pl = Plane.through(plane)
        if pl.origin.shape[0] != d:
            raise ValueError(f"plane points have {pl.origin.shape[0]} coordinates but the model takes {d} inputs")
        window = pl.default_window() if box is None else parse_window(box)
        steps = network_steps(model, d)
        part = _planar(steps, window, pl.embedding(), tol, area_tol, lean, max_bytes, dev)
    elif d == 2:
        window, pl = parse_window((-6.0, 6.0) if box is None else box), None
        steps = network_steps(model, d)
        part = _planar(steps, window, np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), tol, area_tol, lean,
                       max_bytes, dev)
    elif d == 1:
        interval = parse_interval((-6.0, 6.0) if box is None else box)
        steps = network_steps(model, d)
        ip = interval_partition(steps, interval, np.array([[1.0], [0.0]]), tol=tol)
        A = torch.from_numpy(ip.maps[:, 0, :, None].copy())
        return Regions1D(torch.from_numpy(ip.knots), A, torch.from_numpy(ip.maps[:, 1, :].copy()),
                         _pattern(ip.patterns, len(ip.knots) - 1), _layers(steps, ip.layer_counts), interval, tol)
    else:
        raise ValueError(f"the model takes {d} inputs: pass plane=(p0, p1, p2), three points of R^{d}, "
                         "to get the regions on the plane through them")
    t = torch.from_numpy
    return Regions(t(part.vertices), t(part.counts), t(part.A), t(part.b), t(part.patterns),
                   _layers(steps, part.layer_counts), window, pl, tol)
