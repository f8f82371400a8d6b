r"""Frames: what the page draws, computed from a :class:`~relulab.server.engine.Lab` and encoded compactly.

A frame is one binary WebSocket message: a little-endian ``uint32`` header length ``N``, ``N`` bytes of
JSON header, then the payload bytes the header points into (``offset``, ``length``):

* the output heatmap over the data set's box, ``res x res`` bytes row by row from the top (largest
  ``x2``) -- a value :math:`v \in [-1, 1]` is stored as :math:`\mathrm{round}(127.5 (v + 1))`; for a
  k-class softmax each byte is the predicted class instead (``kind: "classes"``);
* one thumbnail per input feature and per hidden unit (and per output, when there are several),
  every ``stride``-th heatmap pixel, each
  scaled by :math:`\max(1, \max |v|)` so a ReLU unit shows its whole ramp (``scale`` says by how much).

In 1-D mode (a data set of one coordinate) the output is a curve of floats in the header and the
thumbnails are rows of ``curve_resolution`` bytes. Everything else -- losses, the loss curve, weights,
biases, PReLU slopes and the analysis panels -- is plain JSON in the header.

>>> import torch
>>> to_bytes(torch.tensor([-1.0, 0.0, 1.0, 7.0, float("nan")]))
b'\x00\x80\xff\xff\x80'
>>> h, p = decode(encode({"epoch": 3}, [b"ab", b"c"]))
>>> h["epoch"], h["payload"], p
(3, [[0, 2], [2, 1]], b'abc')
"""

from __future__ import annotations

import json
import math
import struct
from functools import lru_cache
from typing import Any

import torch
from torch import Tensor, nn

from ..objectives import LOSSES
from .engine import Lab
from .settings import ServerSettings


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


def to_bytes(v: Tensor, scale: float = 1.0) -> bytes:
    """Quantise values in ``[-scale, scale]`` (clamped; NaN -> 0) to bytes 0..255."""
    q = torch.nan_to_num(v.double() / scale, nan=0.0).clamp(-1.0, 1.0)
    return ((q + 1.0) * 127.5).round().to(torch.uint8).numpy().tobytes()


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
    """What the heatmap shows: a value in ``[-1, 1]`` per point, or the predicted class (k > 2)."""
    if lab.perceptron:
        return torch.where(z[:, 0] > 0, 1.0, -1.0).to(z.dtype), "signed"
    data = lab.trainer.data
    loss = LOSSES.get(lab.cfg.loss)
    out = loss.head(z, data.problem == "classification")
    if z.shape[1] == 1:
        return (2 * out[:, 0] - 1 if lab.cfg.loss == "bce" else out[:, 0]), "signed"
    if z.shape[1] == 2:
        return out[:, 1] - out[:, 0], "signed"
    return out.argmax(1).to(torch.float64), "classes"


def encode(header: dict[str, Any], parts: list[bytes]) -> bytes:
    """``uint32 N | N bytes of JSON header | payload``; ``header["payload"]`` lists ``[offset, length]``."""
    offsets, pos = [], 0
    for p in parts:
        offsets.append([pos, len(p)])
        pos += len(p)
    head = json.dumps({**header, "payload": offsets}, separators=(",", ":"), allow_nan=False,
                      default=_plain).encode()
    return struct.pack("<I", len(head)) + head + b"".join(parts)


def decode(frame: bytes) -> tuple[dict[str, Any], bytes]:
    """The header and payload of an encoded frame (for tests and the load benchmark)."""
    (n,) = struct.unpack_from("<I", frame)
    return json.loads(frame[4:4 + n]), frame[4 + n:]


def _plain(x: Any) -> Any:
    if isinstance(x, Tensor):
        return x.tolist()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def clean(x: Any, digits: int = 5) -> Any:
    """Round floats for the wire; NaN and infinities become ``None`` (JSON has no NaN)."""
    if isinstance(x, float):
        return round(x, digits) if math.isfinite(x) else None
    if isinstance(x, list | tuple):
        if all(type(v) is float for v in x):  # the common case, without a call per number
            return [round(v, digits) if math.isfinite(v) else None for v in x]
        return [clean(v, digits) for v in x]
    if isinstance(x, dict):
        return {k: clean(v, digits) for k, v in x.items()}
    return x


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


def pictures(lab: Lab, settings: ServerSettings) -> tuple[dict[str, Any], list[bytes]]:
    """Heatmap (or 1-D curve) and thumbnails: header fields and payload parts."""
    data = lab.trainer.data
    model = lab.trainer.model
    lo, hi = data.domain
    thumbs: list[tuple[Tensor, float]] = []
    if data.input_dim == 1:
        a, b = line_range(lo, hi)
        xs = torch.linspace(a, b, settings.curve_resolution, dtype=torch.float64)[:, None]
        feats = data.inputs(xs)
        z, hidden = forward_layers(model, feats.to(next(model.parameters()).dtype))
        ys, _ = output_values(lab, z)
        for col in [*feats.T, *(h for layer in hidden for h in layer.T)]:
            thumbs.append((col, max(1.0, float(torch.nan_to_num(col).abs().max()))))
        head = {"mode": "line", "line": {"x": clean(xs[:, 0].tolist(), 4), "y": clean(ys.tolist(), 4),
                                         "lo": a, "hi": b, "data_lo": lo, "data_hi": hi},
                "thumbs": {"res": settings.curve_resolution, "scale": [s for _, s in thumbs]}}
        return head, [to_bytes(c, s) for c, s in thumbs]
    res, stride = settings.heatmap_resolution, settings.thumbnail_stride
    pts = plane_grid(float(lo), float(hi), res)
    feats = data.inputs(pts)
    z, hidden = forward_layers(model, feats.to(next(model.parameters()).dtype))
    vals, kind = output_values(lab, z)
    heat = vals.to(torch.uint8).numpy().tobytes() if kind == "classes" else to_bytes(vals)
    sub = torch.arange(0, res, stride)
    outs = list(z.T) if z.shape[1] > 1 else []  # several outputs: one thumbnail each (logits)
    for col in [*feats.T, *(h for layer in hidden for h in layer.T), *outs]:
        img = col.reshape(res, res)[sub][:, sub]
        thumbs.append((img, max(1.0, float(torch.nan_to_num(img).abs().max()))))
    head = {"mode": "plane", "heat": {"res": res, "kind": kind, "lo": lo, "hi": hi,
                                      "classes": data.num_classes if kind == "classes" else None},
            "thumbs": {"res": len(sub), "scale": clean([s for _, s in thumbs], 3)}}
    return head, [heat] + [to_bytes(t, s) for t, s in thumbs]
