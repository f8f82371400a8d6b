"""Live checks of a lesson step: what the learner's own run shows, measured on the session's numbers.

A check is a short text such as ``"test_acc >= 0.9 and sides <= 8"``: metric names from :data:`METRICS`,
an operator (``<= >= < > == !=``) and a literal (a number, ``true``/``false`` or a name), joined by
``and``. It is parsed here -- never evaluated as code -- and evaluated on *observations*: the plain
dict the playground builds from its frame (:func:`observe`).

>>> c = parse_check("test_acc >= 0.9 and activation == relu")
>>> c.holds({"test_acc": 0.95, "activation": "relu"}), c.holds({"test_acc": 0.5, "activation": "relu"})
(True, False)
>>> try:
...     parse_check("accuracy > 1")
... except ValueError as e:
...     print(str(e).split(";")[0])
check 'accuracy > 1': unknown metric 'accuracy'
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# metric -> the one line the page shows beside the check (English; translated by the catalogue)
METRICS: dict[str, str] = {
    "epoch": "epochs trained",
    "train_loss": "training loss",
    "test_loss": "test loss",
    "train_acc": "training accuracy",
    "test_acc": "test accuracy",
    "regions": "linear regions of the network (pieces of the line in the 1-D lab)",
    "sides": "sides of the closed class region (the boundary polygon)",
    "dead": "dead units (never active on the training data)",
    "sparsity": "fraction of exact zeros among the hidden activations",
    "grad_ratio": "gradient norm at the first hidden layer / at the last one",
    "linear": "the whole network folds into one linear map",
    "activation": "activation of the first hidden layer",
    "layers": "hidden layers",
    "units": "hidden units in all",
    "perceptron": "perceptron mode",
    "dataset": "data set",
}
OPS: dict[str, Callable[[Any, Any], bool]] = {"<=": operator.le, ">=": operator.ge, "==": operator.eq,
                                              "!=": operator.ne, "<": operator.lt, ">": operator.gt}
_TERM = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|==|!=|<|>)\s*([A-Za-z0-9_.+-]+)\s*$")


@dataclass(frozen=True)
class Term:
    metric: str
    op: str
    value: float | bool | str

    def holds(self, seen: Mapping[str, Any]) -> bool:
        v = seen.get(self.metric)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return False
        if isinstance(self.value, bool):
            return isinstance(v, bool) and OPS[self.op](v, self.value)
        if isinstance(self.value, str):
            return isinstance(v, str) and OPS[self.op](v, self.value)
        return isinstance(v, int | float) and not isinstance(v, bool) and OPS[self.op](v, self.value)

    def text(self) -> str:
        v = str(self.value).lower() if isinstance(self.value, bool) else (
            f"{self.value:g}" if isinstance(self.value, float) else self.value)
        return f"{self.metric} {self.op} {v}"


@dataclass(frozen=True)
class Check:
    terms: tuple[Term, ...]

    def holds(self, seen: Mapping[str, Any]) -> bool:
        return all(t.holds(seen) for t in self.terms)

    def metrics(self) -> list[str]:
        return list(dict.fromkeys(t.metric for t in self.terms))

    def text(self) -> str:
        return " and ".join(t.text() for t in self.terms)


def _literal(text: str) -> float | bool | str:
    if text in ("true", "false"):
        return text == "true"
    try:
        x = float(text)
    except ValueError:
        return text
    if not math.isfinite(x):
        raise ValueError(f"{text!r} is not a finite number")
    return x


def parse_check(text: str) -> Check:
    """``"metric op value and ..."`` -> :class:`Check`; ``ValueError`` naming the check and the problem."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a check is a text such as 'test_acc >= 0.9', got {text!r}")
    terms = []
    for part in re.split(r"\s+and\s+", text.strip()):
        m = _TERM.match(part)
        if not m:
            raise ValueError(f"check {text!r}: {part.strip()!r} is not 'metric op value' (op: {' '.join(OPS)})")
        metric, op, raw = m.groups()
        if metric not in METRICS:
            raise ValueError(f"check {text!r}: unknown metric {metric!r}; allowed: {list(METRICS)}")
        try:
            value = _literal(raw)
        except ValueError as e:
            raise ValueError(f"check {text!r}: {e}") from None
        if isinstance(value, bool | str) and op not in ("==", "!="):
            raise ValueError(f"check {text!r}: {raw!r} is not a number, so only == and != compare with it")
        terms.append(Term(metric, op, value))
    return Check(tuple(terms))


def observe(frame: Mapping[str, Any], state: Mapping[str, Any]) -> dict[str, Any]:
    """The metrics of a playground frame (its losses and analysis panels) and state (config, network)."""
    diag = frame.get("diagnostics") or {}
    reg = frame.get("regions") or {}
    layers = [x for x in diag.get("layers", []) if x.get("grad_norm") is not None]
    seen: dict[str, Any] = {k: frame.get(k) for k in ("epoch", "train_loss", "test_loss", "train_acc", "test_acc")}
    closed = [s["sides"] for s in reg.get("sides", []) if not s.get("touches_window")]
    sparsities = [x["sparsity"] for x in diag.get("layers", [])]
    net = state.get("network", {})
    seen.update({
        "regions": reg.get("count"),
        "sides": min(closed) if closed else None,
        "dead": diag.get("dead_total", 0 if "refused" in diag else None),
        "sparsity": sum(sparsities) / len(sparsities) if sparsities else (0.0 if "refused" in diag else None),
        "grad_ratio": (layers[0]["grad_norm"] / layers[-1]["grad_norm"]
                       if len(layers) >= 2 and layers[-1]["grad_norm"] else None),
        "linear": "refused" not in (frame.get("collapse") or {"refused": ""}),
        "activation": (net.get("activations") or [None])[0],
        "layers": len(net.get("hidden", [])),
        "units": sum(net.get("hidden", [])),
        "perceptron": bool(state.get("perceptron")),
        "dataset": (state.get("config") or {}).get("dataset"),
    })
    return seen
