"""A :class:`~relulab.training.run.Run` as HTML for a notebook (``Run._repr_html_``): its status, final
metrics, config, the loss and accuracy curves of its history (inline SVG), and for a 2-input run what
the network predicts over the data's domain (a PNG, the page's colours) with the training points.

Drawn with :mod:`relulab.display`, not matplotlib: this layer sits below :mod:`relulab.viz`. It knows a run
by what it has (``config``, ``history``, ``data``, ``logits``), not by its class: torch draws the grid.
"""

from __future__ import annotations

from typing import Any

import torch

from . import PALETTE, esc, image_chart, line_chart, png, section, table

ORANGE, WHITE, BLUE = (245, 147, 34), (255, 255, 255), (8, 119, 189)  # the page's two classes
GRID = 64  # the prediction image's side, in pixels
MAX_POINTS = 400  # training points drawn on it


def _shade(t: float) -> tuple[int, ...]:
    """-1 -> orange, 0 -> white, +1 -> blue."""
    t = max(-1.0, min(1.0, t))
    end = BLUE if t > 0 else ORANGE
    return tuple(round(w + abs(t) * (e - w)) for w, e in zip(WHITE, end, strict=True))


def _hex(t: float) -> str:
    return "#" + "".join(f"{c:02x}" for c in _shade(t))


def _values(run: Any, x: torch.Tensor) -> list[float]:
    """Per point a number in [-1, 1]: the margin of class +1 (classification), the output (regression)."""
    z = run.logits(x).double()
    if run.data.problem == "classification":
        if z.shape[1] == 1:
            return torch.tanh(z[:, 0]).tolist()
        p = torch.softmax(z, dim=1)
        return (p[:, 1] - p[:, 0]).tolist() if z.shape[1] == 2 else (p.argmax(1).double() / (z.shape[1] - 1) * 2
                                                                      - 1).tolist()
    return z[:, 0].tolist()


def prediction_chart(run: Any) -> str:
    """What a 2-input run predicts over its domain (PNG), with up to :data:`MAX_POINTS` training points."""
    lo, hi = run.data.domain
    t = torch.linspace(lo, hi, GRID, dtype=torch.float64)
    v, u = torch.meshgrid(t.flip(0), t, indexing="ij")  # top row first: v from hi down to lo
    vals = _values(run, torch.stack([u.reshape(-1), v.reshape(-1)], dim=1))
    rows = [bytes(c for val in vals[r * GRID:(r + 1) * GRID] for c in _shade(val)) for r in range(GRID)]
    x, y = run.data.x_train[:MAX_POINTS].tolist(), run.data.y_train[:MAX_POINTS].reshape(-1).tolist()
    many = run.data.problem == "classification" and run.data.num_classes > 2
    pts = [(a, b, PALETTE[int(c) % len(PALETTE)] if many else _hex(1.0 if c > 0 else -1.0))
           for (a, b), c in zip(x, y, strict=True)]
    return image_chart(png(rows, GRID), title="prediction and training points", window=((lo, hi), (lo, hi)),
                       points=pts)


def run_html(run: Any) -> str:
    cfg, h = run.config, run.history
    m = run.metrics()
    title = f"Run: {cfg.dataset}, {cfg.activation}, hidden {list(cfg.hidden)}, epoch {m['epoch']}"
    parts = [table(["status", "epoch", "train loss", "test loss", "train acc", "test acc"],
                   [[m["status"], m["epoch"], m["train_loss"], m["test_loss"], m["train_acc"], m["test_acc"]]])]
    for label, text in (("", run.message), ("note: ", run.note),
                        ("engine: ", f"{run.engine} ({run.engine_reason})" if run.engine else "")):
        if text:
            parts.append(f"<p>{esc(label + text)}</p>")
    charts = [line_chart({"train": (h.epoch, h.train_loss), "test": (h.epoch, h.test_loss)}, title="loss",
                         xlabel="epoch", log_y=True)]
    if any(a is not None for a in h.train_acc):
        charts.append(line_chart({"train": (h.epoch, h.train_acc), "test": (h.epoch, h.test_acc)},
                                 title="accuracy", xlabel="epoch"))
    if run.data.input_dim == 2 and run.data.x_train.shape[1] == 2:
        charts.append(prediction_chart(run))
    parts.append('<div style="display:flex;flex-wrap:wrap;gap:8px">' + "".join(charts) + "</div>")
    fields = cfg.model_dump(mode="json", exclude_defaults=False)
    parts.append("<details><summary>config</summary>"
                 + table(["field", "value"], [[k, str(v)] for k, v in fields.items()]) + "</details>")
    return section("run", title, *parts)
