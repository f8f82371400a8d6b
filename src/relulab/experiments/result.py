"""What a claim's experiment returns: the numbers, the verdict decided by a fixed rule, the figures.

A :class:`ClaimResult` renders as text (the CLI), JSON (``--json`` and ``claims.json``) and HTML
(``_repr_html_``, so it displays inline in Jupyter, with its figures embedded as ``data:`` URIs).

>>> r = ClaimResult("C0", "one plus one is two", Verdict.HOLDS, "1 + 1 == 2",
...                 [Measurement("1 + 1", 2)])
>>> print(r.to_text().splitlines()[0])
C0  holds  --  one plus one is two
>>> r.to_dict()["verdict"]
'holds'
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class Verdict(StrEnum):
    HOLDS = "holds"
    CAVEATS = "holds with caveats"
    FAILS = "does not hold here"
    ERROR = "error"  # the claim failed to run; the message is in ClaimResult.error


@dataclass(frozen=True)
class Measurement:
    """One named number (or small table) with its unit: ``Measurement("relu / copy", 0.9, "x copy")``."""

    name: str
    value: float | int | str | list | dict
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """A rendered PNG with a file stem (``c04_error_vs_n``) and a caption."""

    name: str
    caption: str
    png: bytes = field(repr=False)

    @classmethod
    def from_matplotlib(cls, fig: Any, name: str, caption: str, dpi: int = 110) -> Figure:
        """Render a matplotlib figure to PNG and close it (so long runs do not pile up figures)."""
        import matplotlib.pyplot as plt

        buf = io.BytesIO()
        try:
            fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        finally:
            plt.close(fig)
        return cls(name, caption, buf.getvalue())

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def format_value(value: Any, unit: str = "") -> str:
    """A number as a person reads it: 4 significant digits, scientific for tiny and huge ones."""
    if isinstance(value, bool | int | str):
        text = str(value)
    elif isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            text = str(value)
        elif value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5):
            text = f"{value:.3e}"
        else:
            text = f"{value:.4g}"
    elif isinstance(value, dict):
        text = ", ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(format_value(v) for v in value) + "]"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def _jsonable(value: Any) -> Any:
    """Floats that JSON cannot hold (nan, inf) become strings; tuples become lists."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy / torch scalars
        return _jsonable(value.item())
    return value


@dataclass
class ClaimResult:
    """A claim, what was measured, and the verdict its fixed rule gives on those numbers."""

    id: str
    claim: str
    verdict: Verdict
    rule: str
    measurements: list[Measurement]
    caveats: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    configs: list[dict] = field(default_factory=list)
    seeds: list[int] = field(default_factory=list)
    playground_url: str | None = None
    quick: bool = False
    seconds: float = 0.0
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # context that does not change the verdict
    rule_inputs: dict = field(default_factory=dict)  # the numbers the rule was applied to (``decide``'s input)

    # ---- text -------------------------------------------------------------------------------------
    def to_text(self) -> str:
        lines = [f"{self.id}  {self.verdict.value}  --  {self.claim}", f"  rule: {self.rule}"]
        if self.error:
            lines.append(f"  error: {self.error}")
        for m in self.measurements:
            note = f"  ({m.note})" if m.note else ""
            lines.append(f"  {m.name}: {format_value(m.value, m.unit)}{note}")
        lines += [f"  caveat: {c}" for c in self.caveats]
        lines += [f"  note: {n}" for n in self.notes]
        for f in self.figures:
            lines.append(f"  figure {f.name}: {f.caption}")
        if self.seeds:
            lines.append(f"  seeds: {_seed_text(self.seeds)}")
        if self.playground_url:
            lines.append(f"  playground: {self.playground_url}")
        mode = "quick" if self.quick else "full"
        lines.append(f"  ({mode} run, {self.seconds:.1f} s)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    # ---- JSON -------------------------------------------------------------------------------------
    def to_dict(self, figure_paths: dict[str, str] | None = None) -> dict:
        figs = []
        for f in self.figures:
            entry = {"name": f.name, "caption": f.caption}
            if figure_paths and f.name in figure_paths:
                entry["path"] = figure_paths[f.name]
            figs.append(entry)
        return {
            "id": self.id, "claim": self.claim, "verdict": self.verdict.value, "rule": self.rule,
            "measurements": [{"name": m.name, "value": _jsonable(m.value), "unit": m.unit, "note": m.note}
                             for m in self.measurements],
            "caveats": list(self.caveats), "notes": list(self.notes), "figures": figs,
            "configs": _jsonable(self.configs),
            "seeds": list(self.seeds), "playground_url": self.playground_url, "quick": self.quick,
            "seconds": round(self.seconds, 3), "error": self.error, "rule_inputs": _jsonable(self.rule_inputs),
        }

    def to_json(self, figure_paths: dict[str, str] | None = None) -> str:
        return json.dumps(self.to_dict(figure_paths), indent=2)

    # ---- HTML -------------------------------------------------------------------------------------
    def to_html(self, heading_level: int = 3) -> str:
        """An HTML fragment (no scripts, no external resources): verdict, rule, numbers, figures."""
        e = html.escape
        h = f"h{heading_level}"
        parts = [f'<section class="claim" id="{e(self.id.lower())}">',
                 f"<{h}>{e(self.id)}: {e(self.claim)}</{h}>",
                 f'<p><span class="verdict {verdict_class(self.verdict)}">{e(self.verdict.value)}</span> '
                 f'<span class="mode">({"quick" if self.quick else "full"} run, {self.seconds:.1f} s)</span></p>',
                 f'<p class="rule"><b>Rule:</b> {e(self.rule)}</p>']
        if self.error:
            parts.append(f'<p class="error"><b>Error:</b> {e(self.error)}</p>')
        if self.measurements:
            rows = "".join(f"<tr><td>{e(m.name)}</td><td>{e(format_value(m.value, m.unit))}</td>"
                           f"<td>{e(m.note)}</td></tr>" for m in self.measurements)
            parts.append('<div class="scroll"><table class="numbers"><thead><tr><th>measured</th><th>value</th>'
                         f"<th>note</th></tr></thead><tbody>{rows}</tbody></table></div>")
        if self.caveats:
            parts.append("<p><b>Caveats:</b></p><ul>" + "".join(f"<li>{e(c)}</li>" for c in self.caveats) + "</ul>")
        if self.notes:
            parts.append('<p class="notes"><b>Notes:</b></p><ul>' + "".join(f"<li>{e(n)}</li>" for n in self.notes)
                         + "</ul>")
        for f in self.figures:
            parts.append(f'<figure><img src="{f.data_uri()}" alt="{e(f.caption)}" style="max-width:100%;'
                         f'height:auto"><figcaption>{e(f.caption)}</figcaption></figure>')
        if self.playground_url:
            url = e(self.playground_url)
            parts.append(f'<p><b>Playground:</b> <a href="{url}">{url}</a> '
                         "(open with <code>relulab playground</code> running)</p>")
        if self.configs or self.seeds:
            cfg = e(json.dumps(_jsonable(self.configs), indent=1))
            parts.append(f"<details><summary>configs and seeds ({_seed_text(self.seeds)})</summary>"
                         f"<pre>{cfg}</pre></details>")
        parts.append("</section>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    # ---- files ------------------------------------------------------------------------------------
    def save(self, out_dir: str | Path) -> Path:
        """Write ``result.json`` and one PNG per figure into ``out_dir``; return the JSON's path."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {}
        for f in self.figures:
            (out / f"{f.name}.png").write_bytes(f.png)
            paths[f.name] = f"{f.name}.png"
        target = out / "result.json"
        target.write_text(self.to_json(paths) + "\n")
        return target


def verdict_class(v: Verdict) -> str:
    """CSS class of a verdict badge."""
    return {Verdict.HOLDS: "holds", Verdict.CAVEATS: "caveats", Verdict.FAILS: "fails"}.get(v, "error")


def _seed_text(seeds: list[int]) -> str:
    if not seeds:
        return "none"
    s = sorted(seeds)
    if len(s) > 3 and s == list(range(s[0], s[0] + len(s))):
        return f"{s[0]}..{s[-1]} ({len(s)} seeds)"
    return ", ".join(map(str, s))
