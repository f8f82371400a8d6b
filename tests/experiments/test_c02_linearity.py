"""C2's two parts (theorems, checked numerically) on numbers giving each of their verdicts."""

from __future__ import annotations

import pytest

from relulab.experiments import Verdict
from relulab.experiments import c02_linearity as c02

H, C, F = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS


ROWS = [(2e-6, 0.0, 1.0, 1e-3, H, (H, H)), (2e-6, 0.0, 1.0, 1e-12, C, (H, C)), (2e-6, 0.0, 1.0, 0.0, C, (H, C)),
        (2e-6, 1e-13, 1.0, 2e-12, H, (H, H)), (1e-6, 0.0, 1.0, 0.0, C, (F, C)), (5.0, 1e-12, 1.0, 1.0, C, (F, H)),
        (5.0, 0.0, 1e-6, 1.0, C, (H, F)), (0.0, 0.0, 0.0, 0.0, F, (F, F))]


def numbers(relu, ident, hom, pos) -> dict:
    return {"relu_additivity": relu, "identity_additivity": ident, "relu_homogeneity": hom,
            "relu_positive_homogeneity": pos}


CASES = [(numbers(*row[:4]), dict(zip(("not_additive", "not_homogeneous"), row[5], strict=True))) for row in ROWS]


@pytest.mark.parametrize(("relu", "ident", "hom", "pos", "verdict", "parts"), ROWS)
def test_c2(relu, ident, hom, pos, verdict, parts):
    m = numbers(relu, ident, hom, pos)
    v, why = c02.decide(m)
    assert v is verdict
    assert tuple(p.judge(m).verdict for p in c02.PARTS) == parts
    assert all(p.kind.value == "theorem, checked numerically" for p in c02.PARTS)
    if parts[1] is C:
        assert "positively homogeneous" in c02.PARTS[1].judge(m).reasons[0]
