"""The registry of claims: each claim module registers its ``run`` with its rule and ``decide``.

>>> from relulab.experiments import claim_id
>>> claim_id("C99")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: unknown claim 'C99'; choose one of ...
"""

from __future__ import annotations

import re
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..registry import Registry
from .parts import PartRule, decide_parts, rule_text
from .result import ClaimResult, Measurement, Verdict

Progress = Callable[[float], None]
Decide = Callable[[dict], tuple[Verdict, list[str]]]


@dataclass(frozen=True)
class Claim:
    """One claim: its text, the fixed rule that decides it, the experiment and the pure ``decide``."""

    id: str
    title: str
    text: str
    rule: str
    run: Callable[..., ClaimResult]  # run(quick=False, seed=0, device="cpu", progress=None)
    decide: Decide
    parts: tuple[PartRule, ...] = ()  # a claim in parts: its verdict follows from theirs

    def result(self, m: dict, measurements: list[Measurement], **fields: Any) -> ClaimResult:
        """A ClaimResult for this claim whose verdict and caveats come from ``decide(m)`` -- for a claim in
        parts, from its parts, each judged on ``m`` (context that does not change the verdict goes in
        ``notes=``)."""
        verdict, caveats = self.decide(m)
        parts = [p.judge(m) for p in self.parts]
        return ClaimResult(self.id, self.text, verdict, self.rule, measurements, caveats=list(caveats),
                           rule_inputs=dict(m), parts=parts, **fields)


CLAIMS: Registry[Claim] = Registry("claim")


def _order(cid: str) -> int:
    return int(cid[1:])


def claim_ids() -> list[str]:
    """Registered claim ids in numeric order (C1, C2, ..., C14)."""
    return sorted(CLAIMS.names(), key=_order)


def claim_id(text: str) -> str:
    """Normalise ``c4`` / ``C4`` / ``C04`` to ``C4``; an unregistered id is a ValueError."""
    m = re.fullmatch(r"\s*[cC]0*(\d+)\s*", str(text))
    cid = f"C{int(m.group(1))}" if m else str(text).strip()
    if cid not in CLAIMS:
        ids = claim_ids()
        allowed = f"{ids[0]}..{ids[-1]}" if ids else "none registered"
        raise ValueError(f"unknown claim {text!r}; choose one of {allowed}")
    return cid


def get_claim(text: str) -> Claim:
    return CLAIMS.get(claim_id(text))


def register_claim(id: str, title: str, text: str, rule: str | None = None, decide: Decide | None = None, *,
                   parts: tuple[PartRule, ...] | list[PartRule] = ()) -> Callable:
    """Decorator on a claim module's ``run``: registers it as :class:`Claim` ``id`` and returns ``run``.
    A claim has either one ``rule`` and ``decide``, or ``parts`` (its rule and decide then come from them)."""
    if bool(parts) == (rule is not None or decide is not None):
        raise ValueError(f"claim {id}: give either rule and decide, or parts")
    if parts:
        rule, decide = rule_text(parts), decide_parts(parts)

    def deco(run: Callable[..., ClaimResult]) -> Callable[..., ClaimResult]:
        CLAIMS.register(id, Claim(id, title, text, rule, run, decide, tuple(parts)))
        return run

    return deco


def command(id: str, *, quick: bool = False, seed: int = 0, device: str = "cpu") -> str:
    """The command line that reproduces a claim's result."""
    return " ".join(["relulab claim", id, *(["--quick"] if quick else []), *([f"--seed {seed}"] if seed else []),
                     *([f"--device {device}"] if device != "cpu" else [])])


def run_claim(id: str, *, quick: bool = False, seed: int = 0, device: str = "cpu",
              progress: Progress | None = None, lang: str = "en") -> ClaimResult:
    """Run one claim, timed; any exception becomes an ERROR result carrying its message. Its figures' text is
    in ``lang`` where a font can draw it (:func:`relulab.viz.fonts.drawing_in`); its numbers do not depend on it."""
    from ..viz.fonts import drawing_in

    claim = get_claim(id)
    t0 = time.perf_counter()
    try:
        with drawing_in(lang):
            result = claim.run(quick=quick, seed=seed, device=device, progress=progress)
    except Exception as e:  # noqa: BLE001 -- a failing claim must not stop the others
        last = traceback.extract_tb(e.__traceback__)[-1]
        where = f" (at {last.filename.rsplit('/', 1)[-1]}:{last.lineno})"
        result = ClaimResult(claim.id, claim.text, Verdict.ERROR, claim.rule, [],
                             error=f"{type(e).__name__}: {e}{where}")
    result.quick = quick
    result.command = command(claim.id, quick=quick, seed=seed, device=device)
    result.seconds = time.perf_counter() - t0
    if progress is not None:
        progress(1.0)
    return result
