r"""Building blocks of the lanes kernel (:mod:`.lanes`): activations, their derivatives, losses and
decisions over rows of ``points x lanes`` numbers (``z[i * B + l]``: point ``i`` of model ``l``).

Every function runs its ``kind`` dispatch once, outside one branch-free loop over the first ``B``
numbers of a row (here ``B`` counts numbers, not models), which LLVM vectorises. The arithmetic is
the one :mod:`.kernels` describes, with :mod:`.vmath`'s functions in place of libm's (a few ulp apart).
The single-run loop (:mod:`.blocks`) calls the same functions on rows of one model's points.
"""

from __future__ import annotations

from numba import njit

from .kernels import (
    ABS,
    ARGMAX_PM1,
    BCE,
    ELU,
    HARDSIGMOID,
    HARDTANH,
    IDENTITY,
    LEAKY_RELU,
    MSE_LINEAR,
    MSE_TANH,
    RELU,
    RELU6,
    SIGMOID,
    SIGN,
    SOFTPLUS,
    SOFTSIGN,
    TANH,
)
from .vmath import vexp, vexpm1, vlog, vlog1p, vsigmoid, vtanh

FAST = dict(cache=True, error_model="numpy")  # numpy's error model: no zero-division checks in loops


@njit(**FAST)
def act_rows(kind, z, h, B, p0, p1):
    """``h[q] = f(z[q])`` for ``q < B``."""
    if kind == RELU:
        for q in range(B):
            h[q] = z[q] if z[q] > 0.0 else 0.0
    elif kind == TANH:
        for q in range(B):
            h[q] = vtanh(z[q])
    elif kind == IDENTITY:
        for q in range(B):
            h[q] = z[q]
    elif kind == LEAKY_RELU:
        for q in range(B):
            h[q] = z[q] if z[q] > 0.0 else z[q] * p0
    elif kind == SIGMOID:
        for q in range(B):
            h[q] = vsigmoid(z[q])
    elif kind == ELU:
        for q in range(B):
            h[q] = z[q] if z[q] > 0.0 else p0 * vexpm1(z[q])
    elif kind == SOFTPLUS:
        for q in range(B):
            x = z[q]
            h[q] = x if x * p0 > 20.0 else vlog1p(vexp(p0 * x)) / p0
    elif kind == SOFTSIGN:
        for q in range(B):
            h[q] = z[q] / (1.0 + abs(z[q]))
    elif kind == RELU6:
        for q in range(B):
            h[q] = min(max(z[q], 0.0), 6.0)
    elif kind == HARDTANH:
        for q in range(B):
            h[q] = min(max(z[q], p0), p1)
    elif kind == HARDSIGMOID:
        for q in range(B):
            h[q] = min(max(z[q] + 3.0, 0.0), 6.0) / 6.0
    elif kind == ABS:
        for q in range(B):
            h[q] = abs(z[q])
    else:  # STEP
        for q in range(B):
            h[q] = 1.0 if z[q] > 0.0 else 0.0


@njit(**FAST)
def dact_mul(kind, z, h, g, B, p0, p1):
    """``g[q] = g[q] · f'(z[q])`` for ``q < B``, given ``h = f(z)`` (the registry's closed forms,
    autograd's choice at the kinks)."""
    if kind == RELU:
        for q in range(B):
            g[q] = g[q] * (1.0 if z[q] > 0.0 else 0.0)
    elif kind == TANH:
        for q in range(B):
            g[q] = g[q] * (1.0 - h[q] * h[q])
    elif kind == IDENTITY:
        for q in range(B):
            g[q] = g[q] * 1.0
    elif kind == LEAKY_RELU:
        for q in range(B):
            g[q] = g[q] * (1.0 if z[q] > 0.0 else p0)
    elif kind == SIGMOID:
        for q in range(B):
            g[q] = g[q] * (h[q] * (1.0 - h[q]))
    elif kind == ELU:
        for q in range(B):
            g[q] = g[q] * (1.0 if z[q] > 0.0 else p0 * vexp(min(z[q], 0.0)))
    elif kind == SOFTPLUS:
        for q in range(B):
            g[q] = g[q] * (1.0 / (1.0 + vexp(-(p0 * z[q]))))
    elif kind == SOFTSIGN:
        for q in range(B):
            d = 1.0 + abs(z[q])
            g[q] = g[q] * (1.0 / (d * d))
    elif kind == RELU6:
        for q in range(B):
            g[q] = g[q] * (1.0 if 0.0 < z[q] < 6.0 else 0.0)
    elif kind == HARDTANH:
        for q in range(B):
            g[q] = g[q] * (1.0 if p0 < z[q] < p1 else 0.0)
    elif kind == HARDSIGMOID:
        for q in range(B):
            g[q] = g[q] * (1.0 / 6.0 if -3.0 < z[q] < 3.0 else 0.0)
    elif kind == ABS:
        for q in range(B):
            g[q] = g[q] * (1.0 if z[q] > 0.0 else (-1.0 if z[q] < 0.0 else 0.0))
    else:  # STEP
        for q in range(B):
            g[q] = g[q] * 0.0


@njit(**FAST)
def _max_rows(z, m, B, mx):
    for q in range(B):
        mx[q] = z[0, q]
    for o in range(1, m):
        for q in range(B):
            mx[q] = max(mx[q], z[o, q])


@njit(**FAST)
def loss_grad_rows(loss, z, t, t0, m, B, out, tmp):
    """``out[o, q] = ∂ℓ/∂z[o, q]`` for ``q < B``, against targets ``t[:, t0 + q]`` (``tmp``: scratch rows)."""
    if loss == MSE_TANH:
        for o in range(m):
            for q in range(B):
                y = vtanh(z[o, q])
                out[o, q] = (y - t[o, t0 + q]) * (1.0 - y * y)
    elif loss == MSE_LINEAR:
        for o in range(m):
            for q in range(B):
                out[o, q] = z[o, q] - t[o, t0 + q]
    elif loss == BCE:
        for q in range(B):
            out[0, q] = 1.0 / (1.0 + vexp(-z[0, q])) - t[0, t0 + q]
    else:  # CROSS_ENTROPY: softmax, minus one at the target class
        mx, s = tmp[0], tmp[1]
        _max_rows(z, m, B, mx)
        for q in range(B):
            s[q] = 0.0
        for o in range(m):
            for q in range(B):
                out[o, q] = vexp(z[o, q] - mx[q])
                s[q] += out[o, q]
        for o in range(m):
            for q in range(B):
                r = out[o, q] / s[q]
                out[o, q] = r - 1.0 if t[0, t0 + q] == o else r


@njit(**FAST)
def loss_rows(loss, z, t, t0, m, B, v, tmp):
    """``v[q] = ℓ(z[:, q], t[:, t0 + q])`` for ``q < B`` (``tmp``: scratch rows)."""
    if loss <= MSE_LINEAR:
        for q in range(B):
            v[q] = 0.0
        for o in range(m):
            for q in range(B):
                d = (vtanh(z[o, q]) if loss == MSE_TANH else z[o, q]) - t[o, t0 + q]
                v[q] += d * d
        for q in range(B):
            v[q] = 0.5 * v[q]
    elif loss == BCE:
        for q in range(B):
            x = z[0, q]
            v[q] = (1.0 - t[0, t0 + q]) * x - (min(x, 0.0) - vlog1p(vexp(-abs(x))))
    else:
        mx, s, zt = tmp[0], tmp[1], tmp[2]
        _max_rows(z, m, B, mx)
        for q in range(B):
            s[q] = 0.0
            zt[q] = 0.0
        for o in range(m):
            for q in range(B):
                s[q] += vexp(z[o, q] - mx[q])
                zt[q] = z[o, q] if t[0, t0 + q] == o else zt[q]
        for q in range(B):
            v[q] = -(zt[q] - mx[q] - vlog(s[q]))


@njit(**FAST)
def hit_rows(mode, z, y, y0, m, B, v, tmp):
    """``v[q] = 1`` where column ``q`` decides label ``y[y0 + q]`` (sign of output 0, or argmax), else 0."""
    if mode == SIGN:
        for q in range(B):
            v[q] = 1.0 if (1.0 if z[0, q] >= 0.0 else -1.0) == y[y0 + q] else 0.0
        return
    best, top = tmp[0], tmp[1]
    for q in range(B):
        best[q] = 0.0
        top[q] = z[0, q]
    for o in range(1, m):
        for q in range(B):
            up = z[o, q] > top[q]
            best[q] = o if up else best[q]
            top[q] = z[o, q] if up else top[q]
    for q in range(B):
        label = 2.0 * best[q] - 1.0 if mode == ARGMAX_PM1 else best[q]
        v[q] = 1.0 if label == y[y0 + q] else 0.0
