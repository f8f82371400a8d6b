r"""One network over a block of points, a layer at a time, the points innermost: the single-run kernel's rows.

Activations live in ``H[k, unit, point]`` (the input of layer ``k``) and pre-activations in
``Z[k, unit, point]``. Each step is a loop over a row of points with the unit's weight held in a
register, so LLVM vectorises it; activations, their derivatives, losses and decisions are the lanes
kernel's row functions (:mod:`.lane_ops`, here with one model and the points along the row). Every
sum adds its terms in the order of the scalar formulas of :mod:`.kernels` (``z = Σ_j h_j·w_j``, then
``+ b``; the loss point after point).
"""

from __future__ import annotations

import math

from numba import njit

from .kernels import NO_ACCURACY
from .lane_ops import FAST, act_rows, hit_rows, loss_grad_rows, loss_rows

BLOCK = 64  # points per block when evaluating


@njit(**FAST)
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
                act_rows(acts[k], z, H[k + 1, o], nb, ap[k, 0], ap[k, 1])


@njit(**FAST)
def load_rows(X, rows, start, nb, H0):
    """``H0[:, i] = X[rows[start + i]]`` (``rows`` None: consecutive rows from ``start``)."""
    for i in range(nb):
        r = start + i if rows is None else rows[start + i]
        for j in range(X.shape[1]):
            H0[j, i] = X[r, j]


@njit(**FAST)
def output_grads(loss, Zl, T, rows, start, nb, m, mean, dz, Tb, tmp):
    """``dz[:m, :nb]``: ∂ℓ/∂z of each point of the batch, divided by ``nb`` when ``mean`` (``Tb``: the
    batch's targets, one row per target column; ``tmp``: scratch rows)."""
    load_rows(T, rows, start, nb, Tb)
    loss_grad_rows(loss, Zl, Tb, 0, m, nb, dz, tmp)
    if mean:
        for o in range(m):
            for i in range(nb):
                dz[o, i] = dz[o, i] / nb


@njit(**FAST)
def evaluate(P, woff, boff, widths, acts, ap, X, T, Y, loss, mode, H, Z, Tb, tmp):
    """Mean loss and accuracy over the rows of ``X`` (nan for an empty set or no accuracy), in blocks of
    ``H.shape[2]`` points (``H``, ``Z``: ``(L, widest, block)``, ``Tb``: ``(target columns, block)``,
    ``tmp``: ``(4, block)`` scratch)."""
    n, L, m = X.shape[0], widths.shape[0] - 1, widths[-1]
    if n == 0:
        return math.nan, math.nan
    total, hits = 0.0, 0.0
    v = tmp[3]
    for start in range(0, n, H.shape[2]):
        nb = min(H.shape[2], n - start)
        load_rows(X, None, start, nb, H[0])
        layers_forward(P, woff, boff, widths, acts, ap, H, Z, nb)
        load_rows(T, None, start, nb, Tb)
        loss_rows(loss, Z[L - 1], Tb, 0, m, nb, v, tmp)
        for i in range(nb):
            total += v[i]
        if mode != NO_ACCURACY:
            hit_rows(mode, Z[L - 1], Y, start, m, nb, v, tmp)
            for i in range(nb):
                hits += v[i]
    return total / n, (hits / n if mode != NO_ACCURACY else math.nan)
