"""The claims table of docs/claims.md (and docs/claims.zh.md), from the claims.json of a full run.

    python scripts/claims_table.py out/claims/claims.json > table.md
    python scripts/claims_table.py out/claims/claims.json --lang zh   # titles, verdicts, parts in Chinese

Prints the markdown table (id, title, verdict, parts, key number) and the "why" list of every verdict
that is not a plain *holds*, from the run's own JSON: nothing is re-measured or edited by hand. In another
language every text goes through the string catalogue (``relulab.i18n``), never translated here.
"""

from __future__ import annotations

import argparse
import json

from relulab.experiments import CLAIMS
from relulab.i18n import LANGUAGES, tr, translate, translate_text

# the table's own words (headings, labels) are catalogue strings like every other text
HEAD = ("id", "claim", "verdict", "parts", "key number")


def cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _part(p: dict, lang: str) -> str:
    """A part in the table: its key (English) or its statement (another language), theorem marked, verdict."""
    if lang == "en":
        return f"{p['key']}{' (theorem)' if p['kind'].startswith('theorem') else ''}: {p['verdict']}"
    theorem = f"（{tr('theorem', lang)}）" if p["kind"].startswith("theorem") else ""
    return f"{translate(p.get('statement') or p['key'], lang)}{theorem}：{translate(p['verdict'], lang)}"


def _why(p: dict, lang: str) -> str:
    reasons = " ".join(p.get("reasons") or [])
    if lang == "en":
        return f"{p['key']} ({p['kind']}): {p['verdict']} -- {reasons}"
    return (f"{translate(p.get('statement') or p['key'], lang)}（{translate(p['kind'], lang)}）："
            f"{translate(p['verdict'], lang)} —— {translate_text(reasons, lang)}")


def table(data: dict, lang: str = "en") -> str:
    meta = data.get("meta", {})
    t = (lambda s, **v: tr(s, lang, **v)) if lang != "en" else (lambda s, **v: s.format(**v))
    sep = "；" if lang != "en" else "; "
    lines = [t("Measured by the full run (`relulab claims`, generated {generated}, {seconds} s of claims, "
               "torch {torch}):", generated=meta.get("generated", "?"), seconds=meta.get("seconds", "?"),
               torch=meta.get("torch", "?")), "",
             "| " + " | ".join(t(h) for h in HEAD) + " |", "|---|---|---|---|---|"]
    why = []
    for c in data["claims"]:
        parts = sep.join(_part(p, lang) for p in c.get("parts") or []) or "—"
        title = CLAIMS.get(c["id"]).title
        key = c.get("key_number") or c.get("error") or ""
        lines.append(f"| {c['id']} | {cell(translate(title, lang))} | **{cell(translate(c['verdict'], lang))}** | "
                     f"{cell(parts)} | {cell(translate_text(key, lang))} |")
        off = [_why(p, lang) for p in c.get("parts") or [] if p["verdict"] != "holds"]
        if c["verdict"] != "holds":
            caveats = " ".join(translate_text(x, lang) for x in c.get("caveats") or [])
            text = sep.join(off) or caveats or translate(c["verdict"], lang)
            why.append(f"- **{c['id']}**: {text}")
    return "\n".join(lines + ["", t("Why the verdicts that are not a plain *holds*:"), ""] + [cell(w) for w in why])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="The claims table of the docs, from a claims.json.")
    parser.add_argument("claims_json")
    parser.add_argument("--lang", default="en", choices=list(LANGUAGES))
    args = parser.parse_args()
    with open(args.claims_json, encoding="utf-8") as f:
        print(table(json.load(f), args.lang))
