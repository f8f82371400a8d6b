"""Claims in parts: each part is one statement with its own rule; the claim's verdict follows from theirs.

A claim module lists its parts as :class:`PartRule` s (``PARTS = [PartRule(...), ...]``) and registers
them with ``register_claim(ID, TITLE, TEXT, parts=PARTS)``; each part's ``decide`` reads the claim's
measured numbers ``m`` and returns ``(verdict, reasons)``, exactly like a whole claim's ``decide``. Adding
a part (a real-data one, say) is appending a ``PartRule`` whose ``inputs`` the claim's ``run`` measures.
The claim's verdict comes from its parts by :data:`PARTS_RULE` (:func:`combine`).

>>> rule = PartRule("positive", "x is positive", "x > 0", lambda m: (Verdict.HOLDS, []), ("x",))
>>> p = rule.judge({"x": 2, "y": 3})
>>> p.verdict.value, p.numbers
('holds', {'x': 2})
>>> combine([p, rule.judge({"x": 1})])
(<Verdict.HOLDS: 'holds'>, [])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .result import Kind, Part, Verdict

Decide = Callable[[dict], tuple[Verdict, list[str]]]

PARTS_RULE = ("the claim holds when every part holds; it is inconclusive when no part can tell; it does not hold "
              "here when no part holds (each fails or cannot tell); otherwise it holds with caveats, naming each "
              "part that does not hold")


@dataclass(frozen=True)
class PartRule:
    """A part of a claim before measuring: its statement, kind, rule text and the pure ``decide``."""

    key: str
    statement: str
    rule: str
    decide: Decide
    inputs: tuple[str, ...]  # the keys of the claim's numbers that ``decide`` reads (shown with the part)
    kind: Kind = Kind.MEASURED

    def judge(self, m: dict) -> Part:
        missing = [k for k in self.inputs if k not in m]
        if missing:
            raise KeyError(f"part {self.key!r} needs the numbers {missing}, which the claim's run did not measure")
        verdict, reasons = self.decide(m)
        return Part(self.key, self.statement, self.kind, self.rule, verdict, tuple(reasons),
                    {k: m[k] for k in self.inputs})


def combine(parts: Sequence[Part]) -> tuple[Verdict, list[str]]:
    """The claim's verdict from its parts' (:data:`PARTS_RULE`) and one reason per part that does not hold."""
    if not parts:
        raise ValueError("a claim in parts needs at least one part")
    verdicts = [p.verdict for p in parts]
    reasons = [f"{p.key} ({p.kind.value}): {p.verdict.value}" + (f" -- {p.reasons[0]}" if p.reasons else "")
               for p in parts if p.verdict is not Verdict.HOLDS]
    if Verdict.ERROR in verdicts:
        return Verdict.ERROR, reasons
    if all(v is Verdict.HOLDS for v in verdicts):
        return Verdict.HOLDS, []
    if all(v is Verdict.INCONCLUSIVE for v in verdicts):
        return Verdict.INCONCLUSIVE, reasons
    if all(v in (Verdict.FAILS, Verdict.INCONCLUSIVE) for v in verdicts):
        return Verdict.FAILS, reasons
    return Verdict.CAVEATS, reasons


def rule_text(parts: Sequence[PartRule]) -> str:
    """A parted claim's whole rule: how the parts combine, then each part's own rule."""
    groups: dict[str, list[str]] = {}  # parts that share a rule are named together
    for p in parts:
        groups.setdefault(p.rule.rstrip("."), []).append(p.key)
    return PARTS_RULE + ". " + " ".join(f"[{', '.join(keys)}] {rule}." for rule, keys in groups.items())


def decide_parts(parts: Sequence[PartRule]) -> Decide:
    """The claim-level ``decide`` of a parted claim: judge every part, then :func:`combine`."""
    return lambda m: combine([p.judge(m) for p in parts])
