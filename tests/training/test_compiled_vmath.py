"""vmath's functions equal libm's (``math``) to a few ulp over the whole double range, and vectorise."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from numba import njit

from relulab.training.compiled import vmath

N = 1_000_000  # points per range


def _apply(f):
    @njit(error_model="numpy")
    def run(x, out):
        for i in range(x.shape[0]):
            out[i] = f(x[i])
    return run


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


FUNCS = {  # name: (vmath's, libm's, the max error in ulp over the points below)
    "exp": (vmath.vexp, math.exp, 2),
    "expm1": (vmath.vexpm1, math.expm1, 4),
    "tanh": (vmath.vtanh, math.tanh, 2),
    "sigmoid": (vmath.vsigmoid, njit(_sigmoid), 4),
    "log": (vmath.vlog, math.log, 1),
    "log1p": (vmath.vlog1p, math.log1p, 3),
}
APPLIED = {name: (_apply(v), _apply(m), ulp) for name, (v, m, ulp) in FUNCS.items()}


def _points(name: str) -> np.ndarray:
    """Millions of doubles: uniform on [-1, 1], [-50, 50] and [-750, 750], every binade (random bit
    patterns), tiny numbers; the logarithms' domains for log and log1p."""
    rng = np.random.default_rng(7)
    u = rng.uniform(-1.0, 1.0, N)
    bits = rng.integers(0, 0x7FF0000000000000, N, dtype=np.int64).view(np.float64)  # all finite positives
    x = np.concatenate([u, 50 * u, 750 * u, bits, -bits, rng.normal(0.0, 1e-6, N // 10)])
    if name == "log":
        return np.abs(x)
    if name == "log1p":
        return np.concatenate([np.abs(x), rng.uniform(-1.0, 0.0, N)])
    return x


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_within_a_few_ulp_of_libm_over_millions_of_points(name):
    mine, libm, bound = APPLIED[name]
    x = _points(name)
    got, ref = np.empty_like(x), np.empty_like(x)
    mine(x, got)
    libm(x, ref)
    finite = np.isfinite(ref)
    assert np.array_equal(got[~finite], ref[~finite], equal_nan=True), "overflow, -inf and nan where libm has them"
    ulps = np.abs(got[finite] - ref[finite]) / np.spacing(np.abs(ref[finite]))
    assert len(x) > 5 * N and ulps.max() <= bound, f"{name}: {ulps.max()} ulp at x={x[finite][ulps.argmax()]!r}"


EDGES = [0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, -1e-300,
         0.5, -0.5, 0.625, -0.625, 1.0, -1.0, 19.0, -19.0, 44.1, -44.1, 709.78, 709.79, -745.13, -745.14, 1e300,
         -1e300, 1.7976931348623157e308, -1.7976931348623157e308]


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_edge_cases_equal_libm_signs_of_zero_included(name):
    mine, libm, bound = APPLIED[name]
    x = np.array(EDGES + [-1.0, -2.0, -math.inf])
    got, ref = np.empty_like(x), np.empty_like(x)
    mine(x, got)
    libm(x, ref)
    for xi, g, r in zip(x, got, ref, strict=True):
        if math.isnan(r) or math.isinf(r) or r == 0.0:
            assert (math.isnan(g) and math.isnan(r)) or (g == r and math.copysign(1, g) == math.copysign(1, r)), \
                f"{name}({xi!r}) = {g!r}, libm {r!r}"
        else:
            assert abs(g - r) <= bound * np.spacing(abs(r)), f"{name}({xi!r}) = {g!r}, libm {r!r}"


def test_a_loop_over_them_vectorises_and_calls_no_libm():
    ir = APPLIED["tanh"][0].inspect_llvm(APPLIED["tanh"][0].signatures[0])
    assert re.search(r"<\d+ x double>", ir), "the loop over vtanh is vectorised"
    assert not re.search(r"call [^\n]*@(tanh|exp|expm1|log|log1p)\(", ir)
    libm_ir = APPLIED["tanh"][1].inspect_llvm(APPLIED["tanh"][1].signatures[0])
    assert re.search(r"@tanh\(", libm_ir), "the check sees a libm call where there is one"
