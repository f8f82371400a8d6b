r"""A network over a block of points, a layer at a time, the points innermost: forward passes and metrics.

Activations live in ``H[k, unit, point]`` (the input of layer ``k``) and pre-activations in
``Z[k, unit, point]``. Each step is a loop over a row of points with the unit's weight held in a
register, so LLVM vectorises it; the kind of activation, loss and decision is chosen once per row,
not once per number. Every sum adds its terms in the order of the one-point-at-a-time formulas of
:mod:`.kernels` (``z = Σ_j h_j·w_j``, then ``+ b``), so the numbers are theirs bit for bit.
"""

from __future__ import annotations

import math

from numba import njit

from .kernels import BCE, CROSS_ENTROPY, MSE_LINEAR, MSE_TANH, NO_ACCURACY, SIGN, act_row, decide, loss_grad, loss_value

BLOCK = 64  # points per block when evaluating


@njit(cache=True, error_model="numpy")
def layers_forward(P, woff, boff, widths, acts, ap, H, Z, nb):
    """``Z[k, :, :nb]`` and ``H[k + 1, :, :nb]`` for every layer from the inputs in ``H[0, :, :nb]``."""
    L = widths.shape[0] - 1
    for k in range(L):
        din, dout, wo, bo = widths[k], widths[k + 1], woff[k], boff[k]
        for o in range(dout):
            z = Z[k, o]
            for i in range(nb):
                z[i] = 0.0
            for j in range(din):
                w, h = P[wo + o * din + j], H[k, j]
                for i in range(nb):
                    z[i] += h[i] * w
            b = P[bo + o]
            for i in range(nb):
                z[i] += b
            if k < L - 1:
                act_row(acts[k], z, H[k + 1, o], nb, ap[k, 0], ap[k, 1])


@njit(cache=True, error_model="numpy")
def load_rows(X, rows, start, nb, H0):
    """``H0[:, i] = X[rows[start + i]]`` (``rows`` None: consecutive rows from ``start``)."""
    for i in range(nb):
        r = start + i if rows is None else rows[start + i]
        for j in range(X.shape[1]):
            H0[j, i] = X[r, j]


@njit(cache=True, error_model="numpy")
def output_grads(loss, Zl, T, rows, start, nb, m, mean, dz, col, g):
    """``dz[:m, :nb]``: ∂ℓ/∂z of each point of the batch, divided by ``nb`` when ``mean``."""
    if m == 1 and loss <= MSE_LINEAR:  # the playground's ½(tanh z − t)²: a vectorisable row
        z = Zl[0]
        for i in range(nb):
            t = T[rows[start + i], 0]
            if loss == MSE_TANH:
                y = math.tanh(z[i])
                dz[0, i] = (y - t) * (1.0 - y * y)
            else:
                dz[0, i] = z[i] - t
    else:
        for i in range(nb):
            for o in range(m):
                col[o] = Zl[o, i]
            loss_grad(loss, col, T[rows[start + i]], m, g)
            for o in range(m):
                dz[o, i] = g[o]
    if mean:
        for o in range(m):
            for i in range(nb):
                dz[o, i] = dz[o, i] / nb


@njit(cache=True, error_model="numpy")
def block_metrics(loss, mode, Zl, T, Y, start, nb, m, col):
    """The summed loss and the number of right decisions over the block's points ``start…start+nb``."""
    total, hits = 0.0, 0
    if m == 1 and loss != CROSS_ENTROPY and mode in (SIGN, NO_ACCURACY):  # rows, no calls per point
        z = Zl[0]
        for i in range(nb):
            x, t = z[i], T[start + i, 0]
            if loss == BCE:
                total += (1.0 - t) * x - (min(x, 0.0) - math.log1p(math.exp(-abs(x))))
            else:
                d = (math.tanh(x) if loss == MSE_TANH else x) - t
                total += 0.5 * (d * d)
        if mode == SIGN:
            for i in range(nb):
                if (1.0 if z[i] >= 0.0 else -1.0) == Y[start + i]:
                    hits += 1
        return total, hits
    for i in range(nb):
        for o in range(m):
            col[o] = Zl[o, i]
        total += loss_value(loss, col, T[start + i], m)
        if mode != NO_ACCURACY and decide(mode, col, m) == Y[start + i]:
            hits += 1
    return total, hits


@njit(cache=True, error_model="numpy")
def evaluate(P, woff, boff, widths, acts, ap, X, T, Y, loss, mode, H, Z, col):
    """Mean loss and accuracy over the rows of ``X`` (nan for an empty set or no accuracy), in blocks of
    ``H.shape[2]`` points (``H``, ``Z``: ``(L, widest, block)`` scratch, ``col``: ``(widest,)``)."""
    n, L = X.shape[0], widths.shape[0] - 1
    if n == 0:
        return math.nan, math.nan
    total, hits = 0.0, 0
    for start in range(0, n, H.shape[2]):
        nb = min(H.shape[2], n - start)
        load_rows(X, None, start, nb, H[0])
        layers_forward(P, woff, boff, widths, acts, ap, H, Z, nb)
        s, h = block_metrics(loss, mode, Z[L - 1], T, Y, start, nb, widths[L], col)
        total += s
        hits += h
    return total / n, (hits / n if mode != NO_ACCURACY else math.nan)
