"""HTML for notebooks, with no dependency: what the ``_repr_html_`` of a run, a regions result and an
inspect report is made of -- escaped text, tables of numbers, and charts as inline ``<svg>`` elements.

The layers below :mod:`relulab.viz` (training, analysis) may not use matplotlib's figures, so their
objects draw themselves here: a chart is a few SVG lines, polygons and rectangles, no script, nothing
loaded from elsewhere. Every string that reaches the HTML goes through :func:`html.escape`. :mod:`.run`
draws a :class:`~relulab.training.run.Run` with them (torch evaluates its prediction grid).

>>> print(table(["a", "b"], [["<x>", 0.123456]]).split("<tbody>")[1])
<tr><td>&lt;x&gt;</td><td>0.1235</td></tr></tbody></table>
>>> line_chart({"loss": ([0, 1, 2], [1.0, 0.5, None])}, title="t").startswith("<svg")
True
"""

from __future__ import annotations

import base64
import html
import math
import struct
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
STYLE = "font:11px sans-serif"  # every chart's text
PAD = (54, 10, 22, 28)  # left, right, top, bottom margins of a chart's plot area, in pixels


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def num(value: Any) -> str:
    """A number as a person reads it (4 significant digits; ``-`` for none); other values as text."""
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value) or value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:.4g}"
    return f"{value:.3e}"


def table(head: Sequence[str], rows: Iterable[Sequence[Any]], cls: str = "numbers") -> str:
    """A table; every cell (numbers through :func:`num`) and heading escaped."""
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{esc(num(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{esc(cls)}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def section(cls: str, title: str, *parts: str) -> str:
    """``<section>`` with an escaped heading and ``parts`` (trusted HTML made by these helpers)."""
    return f'<section class="relulab {esc(cls)}"><h3>{esc(title)}</h3>' + "".join(parts) + "</section>"


def _finite(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _svg(width: int, height: int, title: str, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" style="{STYLE}" role="img"><title>{esc(title)}</title>'
            f'<text x="{width / 2:.0f}" y="14" text-anchor="middle">{esc(title)}</text>{body}</svg>')


def _axes(width: int, height: int, x: tuple[float, float], y: tuple[float, float], xlabel: str, ylabel: str,
          ytext: tuple[str, str]) -> str:
    left, right, top, bottom = PAD
    x1, y1 = width - right, height - bottom
    return (f'<rect x="{left}" y="{top}" width="{x1 - left}" height="{y1 - top}" fill="none" stroke="#999"/>'
            f'<text x="{left}" y="{y1 + 12}" text-anchor="middle">{esc(num(x[0]))}</text>'
            f'<text x="{x1}" y="{y1 + 12}" text-anchor="middle">{esc(num(x[1]))}</text>'
            f'<text x="{(left + x1) / 2:.0f}" y="{height - 3}" text-anchor="middle">{esc(xlabel)}</text>'
            f'<text x="{left - 3}" y="{y1}" text-anchor="end">{esc(ytext[0])}</text>'
            f'<text x="{left - 3}" y="{top + 9}" text-anchor="end">{esc(ytext[1])}</text>'
            f'<text x="9" y="{(top + y1) / 2:.0f}" transform="rotate(-90 9 {(top + y1) / 2:.0f})" '
            f'text-anchor="middle">{esc(ylabel)}</text>')


def line_chart(series: Mapping[str, tuple[Sequence[float], Sequence[float | None]]], *, title: str,
               xlabel: str = "", ylabel: str = "", log_y: bool = False, marks: Sequence[float] = (),
               width: int = 420, height: int = 220) -> str:
    """Lines ``name -> (xs, ys)`` (a ``None``, NaN or, on a log axis, non-positive y breaks the line);
    ``marks``: x positions drawn as thin vertical lines (a 1-D network's kinks)."""
    keep = {k: [(float(a), float(b)) for a, b in zip(*v, strict=True) if _finite(a) and _finite(b)
                and (b > 0 or not log_y)] for k, v in series.items()}
    pts = [p for v in keep.values() for p in v]
    if not pts:
        return _svg(width, 40, title, '<text x="8" y="32">nothing to draw</text>')
    f = math.log10 if log_y else float
    xs, ys = [p[0] for p in pts], [f(p[1]) for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    x1, y1 = (x1 if x1 > x0 else x0 + 1), (y1 if y1 > y0 else y0 + 1)
    left, right, top, bottom = PAD
    sx = lambda x: left + (x - x0) / (x1 - x0) * (width - left - right)  # noqa: E731
    sy = lambda y: height - bottom - (f(y) - y0) / (y1 - y0) * (height - top - bottom)  # noqa: E731
    body = [_axes(width, height, (x0, x1), (y0, y1), xlabel, ylabel,
                  (num(10 ** y0), num(10 ** y1)) if log_y else (num(y0), num(y1)))]
    body += [f'<line x1="{sx(m):.1f}" x2="{sx(m):.1f}" y1="{top}" y2="{height - bottom}" stroke="#ccc"/>'
             for m in marks if _finite(m) and x0 <= m <= x1]
    for i, (name, ps) in enumerate(keep.items()):
        colour = PALETTE[i % len(PALETTE)]
        if ps:
            path = " ".join(f"{'M' if j == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for j, (x, y) in enumerate(ps))
            body.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.5"><title>{esc(name)}'
                        "</title></path>")
        body.append(f'<text x="{width - right - 4}" y="{top + 12 + 12 * i}" text-anchor="end" fill="{colour}">'
                    f"{esc(name)}</text>")
    return _svg(width, height, title, "".join(body))


def bar_chart(labels: Sequence[str], series: Mapping[str, Sequence[float | None]], *, title: str,
              ylabel: str = "", top: float = 1.0, width: int = 0, height: int = 200) -> str:
    """Grouped bars: one group per label, one bar per series (values from 0 to ``top``)."""
    width = width or max(260, 60 + len(labels) * (14 * len(series) + 18))
    left, right, pad_top, bottom = PAD
    group = (width - left - right) / max(1, len(labels))
    bar = 0.8 * group / max(1, len(series))
    h = height - pad_top - bottom
    mid = pad_top + h / 2
    body = [f'<rect x="{left}" y="{pad_top}" width="{width - left - right}" height="{h}" fill="none" stroke="#999"/>'
            f'<text x="{left - 3}" y="{height - bottom}" text-anchor="end">0</text>'
            f'<text x="{left - 3}" y="{pad_top + 9}" text-anchor="end">{esc(num(top))}</text>'
            f'<text x="9" y="{mid:.0f}" transform="rotate(-90 9 {mid:.0f})" text-anchor="middle">{esc(ylabel)}</text>']
    for g, label in enumerate(labels):
        gx = left + g * group
        body.append(f'<text x="{gx + group / 2:.1f}" y="{height - bottom + 12}" text-anchor="middle">'
                    f"{esc(label)}</text>")
        for s, (name, values) in enumerate(series.items()):
            v = values[g]
            if _finite(v):
                bh = max(0.0, min(1.0, v / top)) * h
                body.append(f'<rect x="{gx + 0.1 * group + s * bar:.1f}" y="{height - bottom - bh:.1f}" '
                            f'width="{bar * 0.9:.1f}" height="{bh:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                            f"<title>{esc(label)} {esc(name)}: {esc(num(v))}</title></rect>")
    for s, name in enumerate(series):
        body.append(f'<text x="{width - right - 4}" y="{pad_top + 12 + 12 * s}" text-anchor="end" '
                    f'fill="{PALETTE[s % len(PALETTE)]}">{esc(name)}</text>')
    return _svg(width, height, title, "".join(body))


def png(rows: Sequence[bytes], width: int) -> str:
    """An RGB image (``rows``: ``3 * width`` bytes each, top row first) as a ``data:image/png`` URI."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\0" + bytes(r) for r in rows)
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def image_chart(uri: str, *, title: str, window: tuple[tuple[float, float], tuple[float, float]],
                points: Sequence[tuple[float, float, str]] = (), size: int = 300) -> str:
    """An image (a ``data:`` URI) filling ``window``, with ``points`` ``(u, v, colour)`` drawn on it."""
    (u0, u1), (v0, v1) = window
    du, dv = (u1 - u0) or 1.0, (v1 - v0) or 1.0
    h, top = round(size * dv / du), 20
    body = [f'<image x="0" y="{top}" width="{size}" height="{h}" preserveAspectRatio="none" href="{esc(uri)}"/>']
    body += [f'<circle cx="{(u - u0) / du * size:.1f}" cy="{top + (v1 - v) / dv * h:.1f}" r="2.2" '
             f'fill="{esc(c)}" stroke="#fff" stroke-width="0.6"/>' for u, v, c in points]
    return _svg(size, h + top, title, "".join(body))


def polygons(shapes: Sequence[Sequence[tuple[float, float]]], fills: Sequence[str], *, title: str,
             window: tuple[tuple[float, float], tuple[float, float]],
             segments: Sequence[tuple[tuple[float, float], tuple[float, float]]] = (), size: int = 300) -> str:
    """Filled polygons (thin grey edges) in ``window`` ``((u0, u1), (v0, v1))``, ``segments`` drawn thick."""
    (u0, u1), (v0, v1) = window
    du, dv = (u1 - u0) or 1.0, (v1 - v0) or 1.0
    w, h, top = size, round(size * dv / du), 20
    p = lambda u, v: f"{(u - u0) / du * w:.2f},{top + (v1 - v) / dv * h:.2f}"  # noqa: E731
    body = [f'<polygon points="{" ".join(p(u, v) for u, v in s)}" fill="{esc(c)}" stroke="#fff" '
            'stroke-width="0.6"/>' for s, c in zip(shapes, fills, strict=True)]
    body += [f'<path d="M{p(*a)} L{p(*b)}" stroke="#111" stroke-width="2"/>' for a, b in segments]
    return _svg(w, h + top, title, "".join(body))
