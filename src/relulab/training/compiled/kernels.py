r"""The compiled kernels: SGD (plain or momentum) on small MLPs, float64, numba: the per-number arithmetic.

Parameters of one model live in one flat array ``P``: layer ``k`` holds ``W_k`` ``(out, in)``
row-major at ``woff[k]`` and ``b_k`` at ``boff[k]``. The arithmetic is the fused torch engine's,
operation for operation (:mod:`relulab.training.fused`, :mod:`relulab.training.regularizers`):

- ``opt == FUSED_SGD`` (plain SGD with no penalty or L2): gradients summed over the batch,
  ``w ← w + (−lr/n)·Σg − (lr·l2)·w_old``, biases without the penalty;
- otherwise: gradients averaged (``dz / n``), ``torch.optim.SGD``'s update (``buf ← μ·buf + g``,
  ``p ← p − lr·buf`` with momentum), then the penalty ``w ← w − (lr·rate)·R'(w_old)``; L1 sets a
  weight that crosses zero to 0 and freezes it (``D``, the playground's dead links).

Everything here is compiled once per machine (``cache=True``); the tests check the results against
the torch engines to 1e-12.
"""

from __future__ import annotations

import math

from numba import njit

# activation kernel ids (see relulab.training.compiled.ACTIVATION_KERNELS)
IDENTITY, RELU, LEAKY_RELU, TANH, SIGMOID, ELU, SOFTPLUS, SOFTSIGN = 0, 1, 2, 3, 4, 5, 6, 7
RELU6, HARDTANH, HARDSIGMOID, ABS, STEP = 8, 9, 10, 11, 12
# loss kernel ids: the loss and its head
MSE_TANH, MSE_LINEAR, BCE, CROSS_ENTROPY = 0, 1, 2, 3
# how a prediction becomes a label: sign of output 0 (±1), argmax as ±1, argmax as index, none
SIGN, ARGMAX_PM1, ARGMAX, NO_ACCURACY = 0, 1, 2, 3
# optimizer paths and penalties
FUSED_SGD, SGD, MOMENTUM = 0, 1, 2
REG_NONE, REG_L1, REG_L2 = 0, 1, 2
# how a training call ended
RUNNING, DIVERGED, TARGET = 0, 1, 2


@njit(cache=True, error_model="numpy")
def act(kind, x, p0, p1):
    if kind == RELU:
        return x if x > 0.0 else 0.0
    if kind == TANH:
        return math.tanh(x)
    if kind == IDENTITY:
        return x
    if kind == LEAKY_RELU:
        return x if x > 0.0 else x * p0
    if kind == SIGMOID:
        return 1.0 / (1.0 + math.exp(-x))
    if kind == ELU:
        return x if x > 0.0 else p0 * math.expm1(x)
    if kind == SOFTPLUS:  # torch's threshold 20: linear above it
        return x if x * p0 > 20.0 else math.log1p(math.exp(p0 * x)) / p0
    if kind == SOFTSIGN:
        return x / (1.0 + abs(x))
    if kind == RELU6:
        return min(max(x, 0.0), 6.0)
    if kind == HARDTANH:
        return min(max(x, p0), p1)
    if kind == HARDSIGMOID:
        return min(max(x + 3.0, 0.0), 6.0) / 6.0
    if kind == ABS:
        return abs(x)
    return 1.0 if x > 0.0 else 0.0  # STEP


@njit(cache=True, error_model="numpy")
def dact(kind, x, h, p0, p1):
    """f'(x) given ``h = f(x)``: the closed forms of the activation registry (autograd's choice at the
    kinks). tanh and sigmoid reuse ``h``: the same number the registry's formula recomputes."""
    if kind == RELU:
        return 1.0 if x > 0.0 else 0.0
    if kind == TANH:
        return 1.0 - h * h
    if kind == IDENTITY:
        return 1.0
    if kind == LEAKY_RELU:
        return 1.0 if x > 0.0 else p0
    if kind == SIGMOID:
        return h * (1.0 - h)
    if kind == ELU:
        return 1.0 if x > 0.0 else p0 * math.exp(min(x, 0.0))
    if kind == SOFTPLUS:
        return 1.0 / (1.0 + math.exp(-(p0 * x)))
    if kind == SOFTSIGN:
        d = 1.0 + abs(x)
        return 1.0 / (d * d)
    if kind == RELU6:
        return 1.0 if 0.0 < x < 6.0 else 0.0
    if kind == HARDTANH:
        return 1.0 if p0 < x < p1 else 0.0
    if kind == HARDSIGMOID:
        return 1.0 / 6.0 if -3.0 < x < 3.0 else 0.0
    if kind == ABS:
        return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)
    return 0.0  # STEP


@njit(cache=True, error_model="numpy")
def act_row(kind, z, h, n, p0, p1):
    """``h[:n] = f(z[:n])``: the kind is chosen once per row, so the common activations vectorise."""
    if kind == RELU:
        for i in range(n):
            x = z[i]
            h[i] = x if x > 0.0 else 0.0
    elif kind == TANH:
        for i in range(n):
            h[i] = math.tanh(z[i])
    elif kind == IDENTITY:
        for i in range(n):
            h[i] = z[i]
    else:
        for i in range(n):
            h[i] = act(kind, z[i], p0, p1)


@njit(cache=True, error_model="numpy")
def dact_row(kind, z, h, d, n, p0, p1):
    """``d[:n] *= f'(z[:n])`` given ``h = f(z)`` (relu keeps the product's zero: ``0·d``, as torch)."""
    if kind == RELU:
        for i in range(n):
            d[i] = d[i] * (1.0 if z[i] > 0.0 else 0.0)
    elif kind == TANH:
        for i in range(n):
            d[i] = d[i] * (1.0 - h[i] * h[i])
    elif kind != IDENTITY:
        for i in range(n):
            d[i] = d[i] * dact(kind, z[i], h[i], p0, p1)


@njit(cache=True, error_model="numpy")
def loss_value(loss, z, t, m):
    """The per-sample loss of logits ``z[:m]`` against target row ``t``."""
    if loss <= MSE_LINEAR:  # MSE_TANH or MSE_LINEAR
        s = 0.0
        for o in range(m):
            d = (math.tanh(z[o]) if loss == MSE_TANH else z[o]) - t[o]
            s += d * d
        return 0.5 * s
    if loss == BCE:  # torch: (1 - t) z - log σ(z)
        x = z[0]
        return (1.0 - t[0]) * x - (min(x, 0.0) - math.log1p(math.exp(-abs(x))))
    mx = z[0]
    for o in range(1, m):
        mx = max(mx, z[o])
    s = 0.0
    for o in range(m):
        s += math.exp(z[o] - mx)
    return -(z[int(t[0])] - mx - math.log(s))


@njit(cache=True, error_model="numpy")
def loss_grad(loss, z, t, m, out):
    """∂ℓ/∂z of one sample into ``out[:m]``."""
    if loss == MSE_TANH:
        for o in range(m):
            y = math.tanh(z[o])
            out[o] = (y - t[o]) * (1.0 - y * y)
    elif loss == MSE_LINEAR:
        for o in range(m):
            out[o] = z[o] - t[o]
    elif loss == BCE:
        out[0] = 1.0 / (1.0 + math.exp(-z[0])) - t[0]
    else:
        mx = z[0]
        for o in range(1, m):
            mx = max(mx, z[o])
        s = 0.0
        for o in range(m):
            out[o] = math.exp(z[o] - mx)
            s += out[o]
        for o in range(m):
            out[o] = out[o] / s
        out[int(t[0])] -= 1.0


@njit(cache=True, error_model="numpy")
def decide(mode, z, m):
    if mode == SIGN:
        return 1.0 if z[0] >= 0.0 else -1.0
    best = 0
    for o in range(1, m):
        if z[o] > z[best]:
            best = o
    return 2.0 * best - 1.0 if mode == ARGMAX_PM1 else float(best)
