r"""Pictures of a :class:`~relulab.server.lab.Lab` for a frame: the output heatmap (or the 1-D curve), the
neuron thumbnails, the loss curve and the network's numbers (see :mod:`.wire` for the encoding).

Thumbnails are every ``stride``-th heatmap pixel, each scaled by :math:`\max(1, \max |v|)` so a ReLU
unit shows its whole ramp (``scale`` says by how much). In 1-D mode (a data set of one coordinate)
the output is a curve of floats in the header and the thumbnails are rows of ``curve_resolution``
bytes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import torch
from torch import Tensor, nn

from ..objectives import LOSSES
from .lab import Lab
from .settings import ServerSettings
from .wire import clean, to_bytes


@lru_cache(maxsize=16)
def plane_grid(lo: float, hi: float, res: int) -> Tensor:
    """``(res*res, 2)`` float64 points: row ``i`` is ``x2 = hi -> lo`` (top to bottom), column ``j`` ``x1``."""
    xs = torch.linspace(lo, hi, res, dtype=torch.float64)
    gy, gx = torch.meshgrid(xs.flip(0), xs, indexing="ij")
    return torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1)


def line_range(lo: float, hi: float) -> tuple[float, float]:
    """1-D mode shows half the data range again on each side, to see the extrapolation."""
    w = hi - lo
    return lo - w / 2, hi + w / 2


def forward_layers(model: nn.Module, x: Tensor) -> tuple[Tensor, list[Tensor]]:
    """Output ``(n, out)`` and every hidden activation output ``(n, width)`` in one pass."""
    hidden = []
    with torch.no_grad():
        for m in model:
            x = m(x)
            if not isinstance(m, nn.Linear):
                hidden.append(x)
    return x, hidden


def output_values(lab: Lab, z: Tensor) -> tuple[Tensor, str]:
    """What the heatmap shows: a value in ``[-1, 1]`` per point, or the predicted class (k > 2).

    One output: the loss's prediction head, rescaled so that the loss's targets for the labels -1 and
    +1 land on -1 and +1 (tanh and linear heads are already there; a sigmoid's 0..1 is stretched).
    """
    if lab.perceptron:
        return torch.where(z[:, 0] > 0, 1.0, -1.0).to(z.dtype), "signed"
    data = lab.trainer.data
    loss = LOSSES.get(lab.cfg.loss)
    out = loss.head(z, data.problem == "classification")
    if z.shape[1] == 1:
        if data.problem != "classification":
            return out[:, 0], "signed"
        lo, hi = loss.targets(torch.tensor([-1.0, 1.0], dtype=z.dtype), 2).reshape(-1).tolist()
        return (2 * (out[:, 0] - lo) / (hi - lo) - 1), "signed"
    if z.shape[1] == 2:
        return out[:, 1] - out[:, 0], "signed"
    return out.argmax(1).to(torch.float64), "classes"


def curve(history: Any, max_points: int = 200) -> dict[str, list]:
    """The loss curve, at most ``max_points`` epochs (evenly spaced, the last one always kept)."""
    n = len(history.epoch)
    idx = list(range(n)) if n <= max_points else sorted({round(i * (n - 1) / (max_points - 1))
                                                         for i in range(max_points)})
    return {"epoch": [history.epoch[i] for i in idx], "train": clean([history.train_loss[i] for i in idx]),
            "test": clean([history.test_loss[i] for i in idx])}


def network_json(lab: Lab) -> dict[str, Any]:
    """Weights ``[layer][out][in]``, biases ``[layer][out]`` and PReLU slopes ``[hidden layer][unit]``."""
    model = lab.trainer.model
    lins = model.linears
    slopes = [m.weight.detach().reshape(-1).tolist() if isinstance(m, nn.PReLU) else None
              for m in model.activations]
    return {"weights": clean([m.weight.detach().tolist() for m in lins], 4),
            "biases": clean([m.bias.detach().tolist() for m in lins], 4), "prelu": clean(slopes, 4)}


def pictures(lab: Lab, settings: ServerSettings, *, thumbs: bool = True) -> tuple[dict[str, Any], list[bytes]]:
    """Heatmap (or 1-D curve) and, when ``thumbs``, the thumbnails: header fields and payload parts."""
    data = lab.trainer.data
    model = lab.trainer.model
    lo, hi = data.domain
    dtype = next(model.parameters()).dtype
    scaled: list[tuple[Tensor, float]] = []
    if data.input_dim == 1:
        a, b = line_range(lo, hi)
        xs = torch.linspace(a, b, settings.curve_resolution, dtype=torch.float64)[:, None]
        feats = data.inputs(xs)
        z, hidden = forward_layers(model, feats.to(dtype))
        ys, _ = output_values(lab, z)
        head: dict[str, Any] = {"mode": "line", "line": {"x": clean(xs[:, 0].tolist(), 4), "y": clean(ys.tolist(), 4),
                                                         "lo": a, "hi": b, "data_lo": lo, "data_hi": hi}}
        if not thumbs:
            return head, []
        for col in [*feats.T, *(h for layer in hidden for h in layer.T)]:
            scaled.append((col, max(1.0, float(torch.nan_to_num(col).abs().max()))))
        head["thumbs"] = {"res": settings.curve_resolution, "scale": [s for _, s in scaled]}
        return head, [to_bytes(c, s) for c, s in scaled]
    res, stride = settings.heatmap_resolution, settings.thumbnail_stride
    pts = plane_grid(float(lo), float(hi), res)
    feats = data.inputs(pts)
    z, hidden = forward_layers(model, feats.to(dtype))
    vals, kind = output_values(lab, z)
    heat = vals.to(torch.uint8).numpy().tobytes() if kind == "classes" else to_bytes(vals)
    head = {"mode": "plane", "heat": {"res": res, "kind": kind, "lo": lo, "hi": hi,
                                      "classes": data.num_classes if kind == "classes" else None}}
    if not thumbs:
        return head, [heat]
    sub = torch.arange(0, res, stride)
    outs = list(z.T) if z.shape[1] > 1 else []  # several outputs: one thumbnail each (logits)
    for col in [*feats.T, *(h for layer in hidden for h in layer.T), *outs]:
        img = col.reshape(res, res)[sub][:, sub]
        scaled.append((img, max(1.0, float(torch.nan_to_num(img).abs().max()))))
    head["thumbs"] = {"res": len(sub), "scale": clean([s for _, s in scaled], 3)}
    return head, [heat] + [to_bytes(t, s) for t, s in scaled]
