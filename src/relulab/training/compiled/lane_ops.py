r"""Per-lane building blocks of the lanes kernel (:mod:`.lanes`): activations, their derivatives,
losses and decisions, each applied to one row of ``B`` models.

Every function takes rows of the model axis (``z[l]`` is model ``l``'s number) and runs its ``kind``
dispatch once, outside a branch-free loop over the lanes that LLVM vectorises. The arithmetic is
:mod:`.kernels`' scalar arithmetic, operation for operation, with :mod:`.vmath`'s functions in place
of libm's (a few ulp apart).
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
def act_rows(kind, z, h, p0, p1):
    """``h[l] = f(z[l])`` for every lane."""
    B = z.shape[0]
    if kind == RELU:
        for l in range(B):
            h[l] = z[l] if z[l] > 0.0 else 0.0
    elif kind == TANH:
        for l in range(B):
            h[l] = vtanh(z[l])
    elif kind == IDENTITY:
        for l in range(B):
            h[l] = z[l]
    elif kind == LEAKY_RELU:
        for l in range(B):
            h[l] = z[l] if z[l] > 0.0 else z[l] * p0
    elif kind == SIGMOID:
        for l in range(B):
            h[l] = vsigmoid(z[l])
    elif kind == ELU:
        for l in range(B):
            h[l] = z[l] if z[l] > 0.0 else p0 * vexpm1(z[l])
    elif kind == SOFTPLUS:
        for l in range(B):
            x = z[l]
            h[l] = x if x * p0 > 20.0 else vlog1p(vexp(p0 * x)) / p0
    elif kind == SOFTSIGN:
        for l in range(B):
            h[l] = z[l] / (1.0 + abs(z[l]))
    elif kind == RELU6:
        for l in range(B):
            h[l] = min(max(z[l], 0.0), 6.0)
    elif kind == HARDTANH:
        for l in range(B):
            h[l] = min(max(z[l], p0), p1)
    elif kind == HARDSIGMOID:
        for l in range(B):
            h[l] = min(max(z[l] + 3.0, 0.0), 6.0) / 6.0
    elif kind == ABS:
        for l in range(B):
            h[l] = abs(z[l])
    else:  # STEP
        for l in range(B):
            h[l] = 1.0 if z[l] > 0.0 else 0.0


@njit(**FAST)
def dact_mul(kind, z, h, g, p0, p1):
    """``g[l] = g[l] · f'(z[l])`` given ``h = f(z)`` (the closed forms of :func:`.kernels.dact`)."""
    B = z.shape[0]
    if kind == RELU:
        for l in range(B):
            g[l] = g[l] * (1.0 if z[l] > 0.0 else 0.0)
    elif kind == TANH:
        for l in range(B):
            g[l] = g[l] * (1.0 - h[l] * h[l])
    elif kind == IDENTITY:
        for l in range(B):
            g[l] = g[l] * 1.0
    elif kind == LEAKY_RELU:
        for l in range(B):
            g[l] = g[l] * (1.0 if z[l] > 0.0 else p0)
    elif kind == SIGMOID:
        for l in range(B):
            g[l] = g[l] * (h[l] * (1.0 - h[l]))
    elif kind == ELU:
        for l in range(B):
            g[l] = g[l] * (1.0 if z[l] > 0.0 else p0 * vexp(min(z[l], 0.0)))
    elif kind == SOFTPLUS:
        for l in range(B):
            g[l] = g[l] * (1.0 / (1.0 + vexp(-(p0 * z[l]))))
    elif kind == SOFTSIGN:
        for l in range(B):
            d = 1.0 + abs(z[l])
            g[l] = g[l] * (1.0 / (d * d))
    elif kind == RELU6:
        for l in range(B):
            g[l] = g[l] * (1.0 if 0.0 < z[l] < 6.0 else 0.0)
    elif kind == HARDTANH:
        for l in range(B):
            g[l] = g[l] * (1.0 if p0 < z[l] < p1 else 0.0)
    elif kind == HARDSIGMOID:
        for l in range(B):
            g[l] = g[l] * (1.0 / 6.0 if -3.0 < z[l] < 3.0 else 0.0)
    elif kind == ABS:
        for l in range(B):
            g[l] = g[l] * (1.0 if z[l] > 0.0 else (-1.0 if z[l] < 0.0 else 0.0))
    else:  # STEP
        for l in range(B):
            g[l] = g[l] * 0.0


@njit(**FAST)
def _max_rows(z, m, mx):
    B = z.shape[1]
    for l in range(B):
        mx[l] = z[0, l]
    for o in range(1, m):
        for l in range(B):
            mx[l] = max(mx[l], z[o, l])


@njit(**FAST)
def loss_grad_rows(loss, z, t, m, out, tmp):
    """``out[o, l] = ∂ℓ/∂z[o, l]`` of one sample in every lane (``tmp``: two scratch rows)."""
    B = z.shape[1]
    if loss == MSE_TANH:
        for o in range(m):
            for l in range(B):
                y = vtanh(z[o, l])
                out[o, l] = (y - t[o, l]) * (1.0 - y * y)
    elif loss == MSE_LINEAR:
        for o in range(m):
            for l in range(B):
                out[o, l] = z[o, l] - t[o, l]
    elif loss == BCE:
        for l in range(B):
            out[0, l] = 1.0 / (1.0 + vexp(-z[0, l])) - t[0, l]
    else:  # CROSS_ENTROPY: softmax, minus one at the target class
        mx, s = tmp[0], tmp[1]
        _max_rows(z, m, mx)
        for l in range(B):
            s[l] = 0.0
        for o in range(m):
            for l in range(B):
                out[o, l] = vexp(z[o, l] - mx[l])
                s[l] += out[o, l]
        for o in range(m):
            for l in range(B):
                q = out[o, l] / s[l]
                out[o, l] = q - 1.0 if t[0, l] == o else q


@njit(**FAST)
def loss_add(loss, z, t, m, total, tmp):
    """``total[l] += ℓ(z[:, l], t[:, l])`` in every lane (``tmp``: three scratch rows)."""
    B = z.shape[1]
    if loss <= MSE_LINEAR:
        s = tmp[0]
        for l in range(B):
            s[l] = 0.0
        for o in range(m):
            for l in range(B):
                d = (vtanh(z[o, l]) if loss == MSE_TANH else z[o, l]) - t[o, l]
                s[l] += d * d
        for l in range(B):
            total[l] += 0.5 * s[l]
    elif loss == BCE:
        for l in range(B):
            x = z[0, l]
            total[l] += (1.0 - t[0, l]) * x - (min(x, 0.0) - vlog1p(vexp(-abs(x))))
    else:
        mx, s, zt = tmp[0], tmp[1], tmp[2]
        _max_rows(z, m, mx)
        for l in range(B):
            s[l] = 0.0
            zt[l] = 0.0
        for o in range(m):
            for l in range(B):
                s[l] += vexp(z[o, l] - mx[l])
                zt[l] = z[o, l] if t[0, l] == o else zt[l]
        for l in range(B):
            total[l] += -(zt[l] - mx[l] - vlog(s[l]))


@njit(**FAST)
def hits_add(mode, z, y, m, hits, tmp):
    """``hits[l] += 1`` where lane ``l`` decides label ``y[l]`` (:func:`.kernels.decide`)."""
    B = z.shape[1]
    if mode == SIGN:
        for l in range(B):
            hits[l] += 1.0 if (1.0 if z[0, l] >= 0.0 else -1.0) == y[l] else 0.0
        return
    best, top = tmp[0], tmp[1]
    for l in range(B):
        best[l] = 0.0
        top[l] = z[0, l]
    for o in range(1, m):
        for l in range(B):
            up = z[o, l] > top[l]
            best[l] = o if up else best[l]
            top[l] = z[o, l] if up else top[l]
    for l in range(B):
        label = 2.0 * best[l] - 1.0 if mode == ARGMAX_PM1 else best[l]
        hits[l] += 1.0 if label == y[l] else 0.0
