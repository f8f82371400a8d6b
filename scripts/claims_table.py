"""The claims table of docs/claims.md, from the claims.json of a full run.

    python scripts/claims_table.py out/claims/claims.json > table.md

Prints the markdown table (id, title, verdict, parts, key number) and the "why" list of every verdict
that is not a plain *holds*, from the run's own JSON: nothing is re-measured or edited by hand.
"""

from __future__ import annotations

import json
import sys

from relulab.experiments import CLAIMS


def cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(data: dict) -> str:
    meta = data.get("meta", {})
    lines = [f"Measured by the full run (`relulab claims`, generated {meta.get('generated', '?')}, "
             f"{meta.get('seconds', '?')} s of claims, torch {meta.get('torch', '?')}):", "",
             "| id | claim | verdict | parts | key number |", "|---|---|---|---|---|"]
    why = []
    for c in data["claims"]:
        parts = "; ".join(f"{p['key']}{' (theorem)' if p['kind'].startswith('theorem') else ''}: {p['verdict']}"
                          for p in c.get("parts") or []) or "—"
        lines.append(f"| {c['id']} | {cell(CLAIMS.get(c['id']).title)} | **{c['verdict']}** | {cell(parts)} | "
                     f"{cell(c.get('key_number') or c.get('error') or '')} |")
        off = [f"{p['key']} ({p['kind']}): {p['verdict']} -- {' '.join(p.get('reasons') or [])}"
               for p in c.get("parts") or [] if p["verdict"] != "holds"]
        if c["verdict"] != "holds":
            why.append(f"- **{c['id']}**: " + ("; ".join(off) or " ".join(c.get("caveats") or []) or c["verdict"]))
    return "\n".join(lines + ["", "Why the verdicts that are not a plain *holds*:", ""] + [cell(w) for w in why])


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        print(table(json.load(f)))
