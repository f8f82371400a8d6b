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
