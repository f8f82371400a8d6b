"""C1's rule on both sides of its thresholds (numbers giving each verdict: ``CASES``)."""

from __future__ import annotations

import pytest

from relulab.experiments import Verdict
from relulab.experiments import c01_collapse as c01

H, C, F = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS


ROWS = [(1e-10, 0, H), (3e-15, -5, H), (1.01e-10, 0, F), (1e-12, 1, F), (float("nan"), 0, F)]
CASES = [({"max_abs_diff": diff, "rank_excess": excess}, {"decide": v}) for diff, excess, v in ROWS]


@pytest.mark.parametrize(("diff", "excess", "verdict"), ROWS)
def test_c1(diff, excess, verdict):
    v, why = c01.decide({"max_abs_diff": diff, "rank_excess": excess})
    assert v is verdict and bool(why) == (verdict is F)
