"""C10's rule: the listed values, matched to 4 decimals or not."""

from __future__ import annotations

from relulab.experiments import Verdict
from relulab.experiments import c10_variants as c10

H, C, F = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS


def _off(value: float) -> dict:
    values = {k: list(v) for k, v in c10.LISTED.items()}
    values["elu"][0] = value
    return {"mismatches": c10.compare(values)}


CASES = [({"mismatches": c10.compare(c10.LISTED)}, {"decide": H}), (_off(-0.63216), {"decide": F}),
         (_off(-0.63214), {"decide": H})]


def test_c10():
    assert c10.decide({"mismatches": c10.compare(c10.LISTED)}) == (H, [])
    off = {k: list(v) for k, v in c10.LISTED.items()}
    off["elu"][0] = -0.63216  # rounds to -0.6322, not the listed -0.6321
    v, why = c10.decide({"mismatches": c10.compare(off)})
    assert v is F and why == ["elu(-1) = -0.6322 but the claim lists -0.6321"]
    close = {k: list(v) for k, v in c10.LISTED.items()}
    close["elu"][0] = -0.63214  # rounds to the listed value
    assert c10.decide({"mismatches": c10.compare(close)})[0] is H
