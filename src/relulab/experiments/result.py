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
import json
import math
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..i18n import translate, translate_text

PLAYGROUND = "http://127.0.0.1:8000/"  # where `relulab playground` listens by default
# Every English label of the HTML (one place, for translations); values are trusted HTML.
WORDS = {"rule": "Rule:", "reproduce": "Reproduce:", "error": "Error:", "numbers": "Numbers:", "measured": "measured",
         "value": "value", "note": "note", "caveats": "Caveats:", "notes": "Notes:", "quick": "quick run",
         "full": "full run", "playground": "Playground:", "configs": "configs and seeds",
         "running": "or, with <code>relulab playground</code> already running:"}


class Verdict(StrEnum):
    HOLDS = "holds"
    CAVEATS = "holds with caveats"
    FAILS = "does not hold here"
    INCONCLUSIVE = "inconclusive"  # the experiment cannot tell (an interval straddles its margin)
    ERROR = "error"  # the claim failed to run; the message is in ClaimResult.error


class Kind(StrEnum):
    """What a part of a claim is: an experiment, or mathematics whose consequence the lab checks in numbers."""

    MEASURED = "measured"
    THEOREM = "theorem, checked numerically"


@dataclass(frozen=True)
class Part:
    """One statement of a claim with its own kind, rule, the numbers that rule read, and its verdict."""

    key: str  # short and stable: "extrapolates", "tanh_vanishes"
    statement: str
    kind: Kind
    rule: str
    verdict: Verdict
    reasons: tuple[str, ...] = ()  # why it is not a plain "holds"
    numbers: dict = field(default_factory=dict)  # rule input -> value

    def to_dict(self) -> dict:
        return {"key": self.key, "statement": self.statement, "kind": self.kind.value, "rule": self.rule,
                "verdict": self.verdict.value, "reasons": list(self.reasons), "numbers": _jsonable(self.numbers)}

    def number_text(self) -> str:
        return "; ".join(f"{k} = {format_value(v)}" for k, v in self.numbers.items())


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
        """Render a figure drawn by :mod:`relulab.viz` to PNG and close it (so long runs do not pile up figures)."""
        from ..viz.png import to_png  # matplotlib: only when a figure is drawn

        return cls(name, caption, to_png(fig, dpi))

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


def _value_text(m: Measurement, lang: str) -> str:
    return format_value(_in_lang(m.value, lang), translate(m.unit, lang))


def _in_lang(value: Any, lang: str) -> Any:
    """A measured value with its words in ``lang`` (dict keys and strings such as "piecewise linear")."""
    if isinstance(value, str):
        return translate(value, lang)
    if isinstance(value, dict):
        return {translate(str(k), lang): _in_lang(v, lang) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_in_lang(v, lang) for v in value]
    return value


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
    parts: list[Part] = field(default_factory=list)  # the claim's statements, each judged by its own rule
    command: str = ""  # the command line that reproduces this result
    key: str = ""  # the one number that sums the claim up (empty: the first measurement)

    def key_number(self, lang: str = "en") -> str:
        """The claim's chosen key number, else its parts' verdicts, else its first measurement (in ``lang``)."""
        if self.error:
            return self.error.splitlines()[0][:120]
        if self.key:
            return translate(self.key, lang)
        if self.parts:
            return ", ".join(f"{p.key}: {translate(p.verdict.value, lang)}" for p in self.parts)
        m = self.measurements[0] if self.measurements else None
        return f"{translate(m.name, lang)}: {format_value(m.value, translate(m.unit, lang))}"[:160] if m else ""

    # ---- text -------------------------------------------------------------------------------------
    def to_text(self, lang: str = "en") -> str:
        """The result as lines of text; in ``lang``, each sentence and label through the string catalogue
        (commands, ids, part keys and numbers as they are)."""
        def t(text: str) -> str:
            return translate(text, lang)

        def label(word: str) -> str:  # "rule:" -> "规则：" (the colon belongs to the label)
            return t(f"{word}:")

        lines = [f"{self.id}  {t(self.verdict.value)}  --  {t(self.claim)}", f"  {label('rule')} {t(self.rule)}"]
        if self.error:
            lines.append(f"  {label('error')} {self.error}")
        for p in self.parts:
            lines.append(f"  {t('part')} {p.key} [{t(p.kind.value)}]: {t(p.verdict.value)} -- {t(p.statement)}")
            lines.append(f"    {label('rule')} {t(p.rule)}")
            if p.numbers:
                lines.append(f"    {label('numbers')} {p.number_text()}")
            lines += [f"    {label('why')} {t(r)}" for r in p.reasons]
        for m in self.measurements:
            note = f"  ({t(m.note)})" if m.note else ""
            lines.append(f"  {t(m.name)}: {_value_text(m, lang)}{note}")
        lines += [f"  {label('caveat')} {t(c)}" for c in self.caveats]
        lines += [f"  {label('note')} {t(n)}" for n in self.notes]
        lines += [f"  {t('figure')} {f.name}: {t(f.caption)}" for f in self.figures]
        if self.seeds:
            lines.append(f"  {label('seeds')} {t(_seed_text(self.seeds))}")
        if self.playground_url:
            lines.append(f"  {label('playground')} relulab playground --open '{local_link(self.playground_url)}'")
        if self.command:
            lines.append(f"  {label('reproduce')} {self.command}")
        lines.append(f"  ({t('quick run' if self.quick else 'full run')}, {self.seconds:.1f} s)")
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
            "parts": [p.to_dict() for p in self.parts], "command": self.command, "key_number": self.key_number(),
        }

    def to_json(self, figure_paths: dict[str, str] | None = None) -> str:
        return json.dumps(self.to_dict(figure_paths), indent=2)

    # ---- HTML -------------------------------------------------------------------------------------
    def to_html(self, heading_level: int = 3, lang: str = "en") -> str:
        """An HTML fragment (no scripts, no external resources): verdict, rule, parts, numbers, figures, the
        command that reproduces it and, for a playground setting, a link to a local playground. In ``lang``
        every sentence, label and caption goes through the string catalogue; commands and numbers stay."""
        w = {k: translate(v, lang) for k, v in WORDS.items()}

        def e(text: str) -> str:
            return html.escape(translate_text(text, lang))

        h = f"h{heading_level}"
        out = [f'<section class="claim" id="{html.escape(self.id.lower())}">',
               f"<{h}>{e(self.id)}: {e(self.claim)}</{h}>",
               f'<p>{_badge(self.verdict, lang)} <span class="mode">({w["quick"] if self.quick else w["full"]}, '
               f'{self.seconds:.1f} s)</span></p>',
               f'<p class="rule"><b>{w["rule"]}</b> {e(self.rule)}</p>']
        if self.command:
            out.append(f'<p class="cmd"><b>{w["reproduce"]}</b> <code>{html.escape(self.command)}</code></p>')
        if self.error:  # an exception's own message: shown as it was raised
            out.append(f'<p class="error"><b>{w["error"]}</b> <code>{html.escape(self.error)}</code></p>')
        for p in self.parts:
            out.append(f'<div class="part" id="{html.escape(self.id.lower())}-{html.escape(p.key)}"><p>'
                       f'{_badge(p.verdict, lang)} <b>{e(p.statement)}</b> <span class="kind">({e(p.kind.value)})'
                       f'</span></p><p class="rule"><b>{w["rule"]}</b> {e(p.rule)}</p>'
                       + (f'<p><b>{w["numbers"]}</b> <code>{html.escape(p.number_text())}</code></p>'
                          if p.numbers else "")
                       + "".join(f"<p>{e(r)}</p>" for r in p.reasons)
                       + (f'<p class="cmd"><b>{w["reproduce"]}</b> <code>{html.escape(self.command)} --part '
                          f'{html.escape(p.key)}</code>'
                          "</p>" if self.command else "") + "</div>")
        if self.measurements:
            rows = "".join(f"<tr><td>{e(m.name)}</td><td>{html.escape(_value_text(m, lang))}</td><td>{e(m.note)}</td>"
                           "</tr>" for m in self.measurements)
            out.append(f'<div class="scroll"><table class="numbers"><thead><tr><th>{w["measured"]}</th>'
                       f'<th>{w["value"]}</th><th>{w["note"]}</th></tr></thead><tbody>{rows}</tbody></table></div>')
        if self.caveats:
            out.append(f'<p><b>{w["caveats"]}</b></p><ul>' + "".join(f"<li>{e(c)}</li>" for c in self.caveats)
                       + "</ul>")
        if self.notes:
            out.append(f'<p class="notes"><b>{w["notes"]}</b></p><ul>'
                       + "".join(f"<li>{e(n)}</li>" for n in self.notes) + "</ul>")
        for f in self.figures:
            out.append(f'<figure><div class="figscroll"><img src="{f.data_uri()}" alt="{e(f.caption)}" '
                       f'style="max-width:100%;height:auto"></div><figcaption>{e(f.caption)}</figcaption></figure>')
        if self.playground_url:
            link = html.escape(local_link(self.playground_url))
            out.append(f'<p class="cmd"><b>{w["playground"]}</b> <code>relulab playground --open \'{link}\'</code>'
                       f'</p><p>{w["running"]} <a href="{link}">{link}</a></p>')
        if self.configs or self.seeds:
            cfg = html.escape(json.dumps(_jsonable(self.configs), indent=1))
            out.append(f"<details><summary>{w['configs']} ({e(_seed_text(self.seeds))})</summary>"
                       f"<pre>{cfg}</pre></details>")
        out.append("</section>")
        return "\n".join(out)

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


def _badge(v: Verdict, lang: str = "en") -> str:
    return f'<span class="verdict {verdict_class(v)}">{html.escape(translate(v.value, lang))}</span>'


def local_link(url: str) -> str:
    """The same playground setting on a relulab playground on this machine (the state is the link's hash)."""
    return PLAYGROUND + "#" + url.partition("#")[2]


def verdict_class(v: Verdict) -> str:
    """CSS class of a verdict badge."""
    return {Verdict.HOLDS: "holds", Verdict.CAVEATS: "caveats", Verdict.FAILS: "fails",
            Verdict.INCONCLUSIVE: "inconclusive"}.get(v, "error")


def _seed_text(seeds: list[int]) -> str:
    if not seeds:
        return "none"
    s = sorted(seeds)
    if len(s) > 3 and s == list(range(s[0], s[0] + len(s))):
        return f"{s[0]}..{s[-1]} ({len(s)} seeds)"
    return ", ".join(map(str, s))
