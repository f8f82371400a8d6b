"""The measured verdict of each claim, from the ``claims.json`` of a full run shipped with the package.

Read defensively: a claims.json from an older or newer relulab (with or without ``parts``, ``key_number``)
gives what it has; a missing file or claim gives ``None``, never an error.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).with_name("claims.json")


@cache
def _load(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def measured(claim: str, path: str | Path = SHIPPED) -> dict[str, Any] | None:
    """``{"id", "verdict", "key", "parts": [{"statement", "verdict"}], "generated", "machine", "mode",
    "command"}`` of ``claim`` in the full run, or ``None`` when that run has no such claim."""
    data = _load(str(path))
    entry = next((c for c in data.get("claims", []) if isinstance(c, dict) and c.get("id") == claim), None)
    if entry is None:
        return None
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    key = entry.get("key_number")
    if not isinstance(key, str) or not key:
        ms = [m for m in entry.get("measurements", []) if isinstance(m, dict)]
        key = f"{ms[0].get('name')}: {ms[0].get('value')} {ms[0].get('unit', '')}".strip() if ms else ""
    parts = [{"statement": str(p.get("statement", "")), "verdict": str(p.get("verdict", ""))}
             for p in entry.get("parts", []) or [] if isinstance(p, dict)]
    machine = ", ".join(f"{k} {meta[k]}" for k in ("machine", "threads", "torch", "python") if k in meta)
    return {"id": claim, "verdict": str(entry.get("verdict", "")), "key": key, "parts": parts,
            "generated": str(meta.get("generated", "")), "mode": str(meta.get("mode", "")), "machine": machine,
            "command": str(entry.get("command") or f"relulab claim {claim}")}


def report_results(path: str | Path = SHIPPED) -> tuple[list[Any], dict[str, Any]]:
    """The claims of a claims.json as :class:`~relulab.experiments.result.ClaimResult` (without figures),
    and its meta, for ``report_html``; entries it cannot read are left out."""
    from ..experiments.result import ClaimResult, Kind, Measurement, Part, Verdict

    data = _load(str(path))
    out = []
    for c in data.get("claims", []):
        try:
            parts = [Part(p.get("key", ""), p.get("statement", ""), Kind(p.get("kind", Kind.MEASURED.value)),
                          p.get("rule", ""), Verdict(p["verdict"]), tuple(p.get("reasons", [])), p.get("numbers", {}))
                     for p in c.get("parts", []) or []]
            out.append(ClaimResult(
                c["id"], c.get("claim", ""), Verdict(c["verdict"]), c.get("rule", ""),
                [Measurement(m["name"], m["value"], m.get("unit", ""), m.get("note", ""))
                 for m in c.get("measurements", [])],
                caveats=list(c.get("caveats", [])), configs=list(c.get("configs", [])), seeds=list(c.get("seeds", [])),
                playground_url=c.get("playground_url"), quick=bool(c.get("quick")), seconds=float(c.get("seconds", 0)),
                error=c.get("error"), notes=list(c.get("notes", [])), parts=parts, command=c.get("command", "")))
        except (KeyError, TypeError, ValueError):
            continue
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    return out, meta
