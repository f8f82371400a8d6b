r"""The wire format of a frame: one binary WebSocket message the page decodes (:func:`decode` in Python).

A frame is a little-endian ``uint32`` header length ``N``, ``N`` bytes of JSON header, then the payload
bytes the header points into: ``header["payload"]`` lists ``[offset, length]`` per part. What the
parts hold is :mod:`.pictures`' business:

* the output heatmap over the data set's box, ``res x res`` bytes row by row from the top (largest
  ``x2``) -- a value :math:`v \in [-1, 1]` is stored as :math:`\mathrm{round}(127.5 (v + 1))`; for a
  k-class softmax each byte is the predicted class instead (``kind: "classes"``);
* when the header has ``thumbs``: one thumbnail per input feature and per hidden unit (and per
  output, when there are several), scaled by ``thumbs.scale``.

A frame carries only what changed: thumbnails, the loss curve and the analysis panels come at most
every ``thumbnail_interval_s`` / ``analysis_interval_s`` while training (and at once after a change);
a frame without them means "unchanged".

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
from typing import Any

import torch
from torch import Tensor


def to_bytes(v: Tensor, scale: float = 1.0) -> bytes:
    """Quantise values in ``[-scale, scale]`` (clamped; NaN -> 0) to bytes 0..255."""
    q = torch.nan_to_num(v.double() / scale, nan=0.0).clamp(-1.0, 1.0)
    return ((q + 1.0) * 127.5).round().to(torch.uint8).numpy().tobytes()


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
