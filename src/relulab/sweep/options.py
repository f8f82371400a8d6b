"""Command-line spellings of a spec: ``--base`` (JSON object or ``FIELD=VALUE``) and ``--grid FIELD=V1,V2``.

Alternatives on an axis are separated by commas, except for fields whose own values contain commas
(``hidden``, ``features``, per-layer ``activation`` lists, ``activation_params``): there ``:`` separates
them, e.g. ``hidden=3,3,3:8,8``. Values are strings that the RunConfig converts ("0.03" -> 0.03).

>>> parse_grid("hidden=3,3,3:8,8")
('hidden', ('3,3,3', '8,8'))
>>> parse_grid("activation=relu,tanh")
('activation', ('relu', 'tanh'))
>>> parse_base(['{"lr": 0.1}', "hidden=3,3"])
{'lr': 0.1, 'hidden': '3,3'}
"""

from __future__ import annotations

import json
from typing import Any

COLON_FIELDS = ("hidden", "features", "activation_params")


def _field_value(name: str, text: str) -> Any:
    if name == "features":
        return tuple(p.strip() for p in text.split(",") if p.strip())
    if name == "activation_params":
        out = {}
        for item in filter(None, (p.strip() for p in text.split(","))):
            key, eq, num = item.partition("=")
            try:
                if not eq:
                    raise ValueError
                out[key.strip()] = float(num)
            except ValueError:
                raise ValueError(f"activation_params wants name=value pairs like negative_slope=0.1, got {item!r}")\
                    from None
        return out
    return text


def parse_grid(text: str) -> tuple[str, tuple[Any, ...]]:
    """``FIELD=V1,V2`` (or ``FIELD=A:B`` for comma-valued fields) -> ``(field, values)``."""
    name, eq, rest = text.partition("=")
    name = name.strip()
    if not eq or not name:
        raise ValueError(f"--grid wants FIELD=VALUE1,VALUE2 (e.g. activation=relu,tanh), got {text!r}")
    if not rest.strip():
        raise ValueError(f"empty axis {name!r}: --grid {name}= gives no values")
    sep = ":" if name in COLON_FIELDS or ":" in rest else ","
    return name, tuple(_field_value(name, p.strip()) for p in rest.split(sep))


def parse_base(items: list[str]) -> dict[str, Any]:
    """``--base`` options, in order: each a JSON object or one ``FIELD=VALUE``; later ones win."""
    out: dict[str, Any] = {}
    for item in items:
        if item.lstrip().startswith("{"):
            try:
                obj = json.loads(item)
            except json.JSONDecodeError as e:
                raise ValueError(f"--base is not a valid JSON object ({e}): {item!r}") from None
            if not isinstance(obj, dict):
                raise ValueError(f"--base wants a JSON object or FIELD=VALUE, got {item!r}")
            out.update(obj)
            continue
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise ValueError(f"--base wants a JSON object or FIELD=VALUE (e.g. lr=0.1), got {item!r}")
        out[name.strip()] = _field_value(name.strip(), value.strip())
    return out
