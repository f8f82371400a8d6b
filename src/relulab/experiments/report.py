"""All claims on ONE self-contained HTML page (figures as ``data:`` URIs, no script, no network) + JSON.

The page opens with a verdict table linking to each claim's section; each section gives the claim,
its rule, its parts (each with its kind, rule, numbers and verdict), the command that reproduces it,
the measured numbers, the caveats, the figures, the configs and seeds and, where the experiment is a
playground setting, a copyable ``relulab playground --open`` command and a link to a playground on this
machine (never another site). The CSS is inline and responsive: on a phone a wide figure keeps a
readable width (40rem) and scrolls sideways in its own box.

In another language (``lang="zh"``) every sentence, label, rule, caption and key number comes from the string
catalogue (:mod:`relulab.i18n`); the figures are the run's own PNGs, whose axis labels stay English
technical labels (the Chinese caption sits beside each one in the HTML).

>>> from relulab.experiments.result import ClaimResult, Measurement, Verdict
>>> page = report_html([ClaimResult("C0", "a claim", Verdict.HOLDS, "x > 1", [Measurement("x", 2)])])
>>> page.startswith("<!DOCTYPE html>"), 'href="#c0"' in page, "http" in page
(True, True, False)
"""

from __future__ import annotations

import html
import json
import platform
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import torch

from ..i18n import HTML_LANG, check_lang, tr, translate, translate_text
from .result import ClaimResult, Verdict, verdict_class

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.45;margin:0 auto;
max-width:60rem;padding:0.75rem;color:#1d1d1f;background:#fff;overflow-wrap:anywhere}
h1{font-size:1.5rem;margin:0.3rem 0}h3{font-size:1.15rem;margin:1.2rem 0 0.4rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:0.9rem}
th,td{border-bottom:1px solid #ddd;padding:0.3rem 0.4rem;text-align:left;vertical-align:top}
.verdict{display:inline-block;padding:0.05rem 0.5rem;border-radius:0.8rem;font-weight:600;white-space:nowrap}
.holds{background:#d9f2dd;color:#0b5e1b}.caveats{background:#fff1c2;color:#6b4f00}
.fails{background:#fbd5d5;color:#8a1111}.error{background:#e4e4e4;color:#333}
.inconclusive{background:#dfe8f7;color:#1f3f73}
div.part{border-left:3px solid #ddd;padding:0 0 0 0.6rem;margin:0.6rem 0}div.part p{margin:0.25rem 0}
.kind{color:#666;font-size:0.85rem}code{font-size:0.85rem;background:#f3f3f3;padding:0 0.2rem;overflow-wrap:anywhere}
section.claim{border-top:2px solid #eee;margin-top:1.2rem}
figure{margin:0.6rem 0}img{max-width:100%;height:auto;display:block}
figcaption{font-size:0.85rem;color:#555}
pre{font-size:0.75rem;overflow-x:auto;background:#f6f6f6;padding:0.4rem}
.mode,.meta{color:#666;font-size:0.85rem}
table.verdicts td:first-child{white-space:nowrap;overflow-wrap:normal}
.figscroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
@media (max-width:40rem){body{padding:0.5rem}th,td{padding:0.25rem}.hide-small{display:none}
.figscroll img{max-width:none!important;width:max(100%,40rem)}}
"""


EVERY_VERDICT = "Each verdict is computed from the numbers of this run by the rule printed beside them."


def environment() -> dict:
    """Where the numbers were measured (threads matter for timings)."""
    return {"torch": torch.__version__, "python": platform.python_version(), "machine": platform.machine(),
            "threads": torch.get_num_threads(), "cuda": torch.cuda.is_available()}


def _title(r: ClaimResult) -> str:
    """The claim's short title from the registry (its full text heads its own section)."""
    from .registry import CLAIMS

    return CLAIMS.get(r.id).title if r.id in CLAIMS else r.claim


def _key_number(r: ClaimResult, lang: str) -> str:
    """The key number in ``lang``; a claim that broke shows its exception's message as code."""
    if r.error:
        return f"<code>{html.escape(r.key_number()[:200])}</code>"
    return html.escape(r.key_number(lang)[:200])


def report_html(results: Sequence[ClaimResult], *, title: str = "relulab: the claims, measured",
                meta: dict | None = None, lang: str = "en") -> str:
    """The whole report as one HTML document (no external resource of any kind), in ``lang`` (its sentences,
    labels and captions through the string catalogue; commands, names and numbers as they are)."""
    check_lang(lang)

    def e(text: str) -> str:
        return html.escape(translate_text(str(text), lang))

    counts = Counter(r.verdict.value for r in results)
    summary = ", ".join(f"{n} {translate(v, lang)}" for v, n in counts.items())
    rows = "".join(
        f'<tr><td><a href="#{html.escape(r.id.lower())}">{html.escape(r.id)}</a></td>'
        f'<td><span class="verdict {verdict_class(r.verdict)}">{e(r.verdict.value)}</span></td>'
        f'<td>{e(_title(r))}</td><td class="hide-small">{_key_number(r, lang)}</td></tr>' for r in results)
    info = ""
    if meta:
        info = '<p class="meta">' + html.escape(", ".join(f"{translate(k, lang)}: {translate(str(v), lang)}"
                                                          for k, v in meta.items())) + "</p>"
    body = "\n".join(r.to_html(lang=lang) for r in results)
    return f"""<!DOCTYPE html>
<html lang="{HTML_LANG[lang]}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title><style>{CSS}</style></head>
<body><h1>{e(title)}</h1>
<p>{html.escape(tr("{n} claims: {summary}.", lang, n=len(results), summary=summary))} {e(EVERY_VERDICT)}</p>{info}
<div class="scroll"><table class="verdicts"><thead><tr><th>{e("id")}</th><th>{e("verdict")}</th><th>{e("claim")}</th>
<th class="hide-small">{e("key number")}</th></tr></thead><tbody>{rows}</tbody></table></div>
{body}
</body></html>
"""


def write_report(results: Sequence[ClaimResult], out_dir: str | Path, *, quick: bool = False,
                 seconds: float | None = None, lang: str = "en") -> Path:
    """Write ``index.html``, ``claims.json`` and ``figures/<name>.png`` into ``out_dir``; return the HTML path."""
    out = Path(out_dir)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    entries = []
    for r in results:
        paths = {}
        for f in r.figures:
            (out / "figures" / f"{f.name}.png").write_bytes(f.png)
            paths[f.name] = f"figures/{f.name}.png"
        entries.append(r.to_dict(paths))
    meta = {"generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "mode": "quick" if quick else "full",
            **({"seconds": round(seconds, 1)} if seconds is not None else {}), **environment()}
    verdicts = {r.id: r.verdict.value for r in results}
    payload = {"meta": meta, "verdicts": verdicts, "claims": entries}
    (out / "claims.json").write_text(json.dumps(payload, indent=2) + "\n")
    page = out / "index.html"
    page.write_text(report_html(results, meta=meta, lang=lang), encoding="utf-8")
    return page


def verdict_counts(results: Sequence[ClaimResult]) -> dict[str, int]:
    return {v.value: sum(r.verdict is v for r in results) for v in Verdict}
