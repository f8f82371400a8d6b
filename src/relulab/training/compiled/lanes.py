r"""The lanes kernel: blocks of ``B`` models trained together, the model axis innermost.

Every array of a block carries the models last: parameters ``P[p, l]`` (the flat layout of
:mod:`.kernels`, one column per model); layer inputs and pre-activations ``H[k, j, i * B + l]``,
``Z[k, o, i * B + l]`` and the data ``X[j, r * B + l]`` hold, per unit, a row of points x lanes. A
layer's multiply-adds are loops over the ``B`` lanes; activations, their derivatives and the loss run
once per unit over the whole row (:mod:`.lane_ops`): contiguous, branch-free loops that LLVM turns
into AVX instructions. Each model's arithmetic and its order are the scalar loop's (:mod:`.kernels`),
so each model trains exactly as it does alone (the math functions of :mod:`.vmath` are a few ulp
from libm's). On the playground's 2-3-3-3-1 circle net: 9 µs per model-epoch relu, 12 µs tanh (2
cores, 1,000 models): per core 3.7x (relu) and 5x (tanh) the single-run loop (:mod:`.loops`).

The models of a block share what steers control flow: optimizer path, penalty kind, batch size and
their number of points. Per lane they have their own data, ``hyper[:, l] = (lr, momentum, reg rate,
target loss)``, and their own end: a model whose train loss is not finite (DIVERGED) or reaches its
target (TARGET) stops there; its weights are kept in ``Pf`` and its lane trains on as padding.
``stats[l, e]`` is ``(train loss, test loss, train acc, test acc)`` after epoch ``e`` (row 0: before
training), ``done[l]`` how many rows are written.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from .kernels import DIVERGED, FUSED_SGD, MOMENTUM, NO_ACCURACY, REG_L1, REG_L2, REG_NONE, RUNNING, TARGET
from .lane_ops import FAST, act_rows, dact_mul, hit_rows, loss_grad_rows, loss_rows

EVAL_POINTS = 16  # points per forward pass when evaluating (at least)


@njit(**FAST)
def forward(P, woff, boff, widths, acts, ap, X, start, nb, H, Z):
    """``Z[k, o]`` and ``H[k, j]`` (rows ``i * B + l``) of the points ``start:start + nb`` of ``X``."""
    L, B = widths.shape[0] - 1, P.shape[1]
    c0, c = start * B, nb * B
    for j in range(widths[0]):
        for q in range(c):
            H[0, j, q] = X[j, c0 + q]
    for k in range(L):
        din, dout, wo, bo = widths[k], widths[k + 1], woff[k], boff[k]
        for o in range(dout):
            for i in range(nb):
                for l in range(B):
                    Z[k, o, i * B + l] = 0.0 + H[k, 0, i * B + l] * P[wo + o * din, l]
            for j in range(1, din):
                p = wo + o * din + j
                for i in range(nb):
                    for l in range(B):
                        Z[k, o, i * B + l] += H[k, j, i * B + l] * P[p, l]
            for i in range(nb):
                for l in range(B):
                    Z[k, o, i * B + l] = Z[k, o, i * B + l] + P[bo + o, l]
            if k < L - 1:
                act_rows(acts[k], Z[k, o], H[k + 1, o], c, ap[k, 0], ap[k, 1])


@njit(**FAST)
def gradients(P, G, woff, boff, widths, acts, ap, X, T, start, nb, loss, mean, H, Z, dz, dzp, tmp):
    """Gradients of the batch ``start:start + nb`` into ``G``: summed, or averaged when ``mean``."""
    L, B = widths.shape[0] - 1, P.shape[1]
    forward(P, woff, boff, widths, acts, ap, X, start, nb, H, Z)
    m, c = widths[L], nb * B
    loss_grad_rows(loss, Z[L - 1], T, start * B, m, c, dz, tmp)
    if mean:
        for o in range(m):
            for q in range(c):
                dz[o, q] = dz[o, q] / nb
    for k in range(L - 1, -1, -1):
        din, dout, wo, bo = widths[k], widths[k + 1], woff[k], boff[k]
        for o in range(dout):
            for j in range(din):
                p = wo + o * din + j
                for l in range(B):
                    G[p, l] = 0.0 + dz[o, l] * H[k, j, l]
                for i in range(1, nb):
                    for l in range(B):
                        G[p, l] += dz[o, i * B + l] * H[k, j, i * B + l]
            for l in range(B):
                G[bo + o, l] = 0.0 + dz[o, l]
            for i in range(1, nb):
                for l in range(B):
                    G[bo + o, l] += dz[o, i * B + l]
        if k > 0:
            for j in range(din):
                for i in range(nb):
                    for l in range(B):
                        dzp[j, i * B + l] = 0.0 + dz[0, i * B + l] * P[wo + j, l]
                for o in range(1, dout):
                    p = wo + o * din + j
                    for i in range(nb):
                        for l in range(B):
                            dzp[j, i * B + l] += dz[o, i * B + l] * P[p, l]
                dact_mul(acts[k - 1], Z[k - 1, j], H[k, j], dzp[j], c, ap[k - 1, 0], ap[k - 1, 1])
            dz, dzp = dzp, dz


@njit(**FAST)
def update(P, G, V, D, W0, woff, boff, widths, nb, hyper, opt, reg, tmp):
    r"""THE compiled update step: one optimizer step plus the penalty, every lane ``l`` with its own
    ``lr, μ, rate = hyper[:3, l]`` (the single-run loop calls it with one lane), in the torch engines' order:

    - ``opt == FUSED_SGD`` (plain SGD, no penalty or L2): ``G`` holds the batch's summed gradients;
      ``w ← (w + (−lr/n)·G) − (lr·rate)·w_old`` (no penalty term when it is 0), ``b ← b + (−lr/n)·G``;
    - otherwise ``G`` is the mean gradient: SGD ``p ← p + (−lr)·G``; momentum ``v ← v·μ + G``,
      ``p ← p + (−lr)·v``; then, with a penalty, ``w ← w − (lr·rate)·R'(w_old)`` (L2: ``R' = w``; L1:
      ``sign w``, a weight that crosses zero becomes 0 and stays 0: ``D``, the playground's dead links).
    """
    L, B, n = widths.shape[0] - 1, P.shape[1], P.shape[0]
    lr, mu, rate = hyper[0], hyper[1], hyper[2]
    a, c = tmp[0], tmp[1]
    if opt == FUSED_SGD:
        for l in range(B):
            a[l] = -lr[l] / nb
            c[l] = lr[l] * rate[l] if reg == REG_L2 else 0.0
        for k in range(L):
            for p in range(woff[k], boff[k]):
                for l in range(B):
                    old = P[p, l]
                    new = old + a[l] * G[p, l]
                    P[p, l] = new - old * c[l] if c[l] != 0.0 else new
            for p in range(boff[k], boff[k] + widths[k + 1]):
                for l in range(B):
                    P[p, l] = P[p, l] + a[l] * G[p, l]
        return
    if reg != REG_NONE:
        for p in range(n):
            for l in range(B):
                W0[p, l] = P[p, l]
    for p in range(n):
        if opt == MOMENTUM:
            for l in range(B):
                V[p, l] = V[p, l] * mu[l] + G[p, l]
                P[p, l] = P[p, l] + (-lr[l]) * V[p, l]
        else:
            for l in range(B):
                P[p, l] = P[p, l] + (-lr[l]) * G[p, l]
    if reg == REG_NONE:
        return
    for l in range(B):
        c[l] = lr[l] * rate[l]
    for k in range(L):
        for p in range(woff[k], boff[k]):
            for l in range(B):
                cur, w0 = P[p, l], W0[p, l]
                der = w0 if reg == REG_L2 else (1.0 if w0 > 0.0 else (-1.0 if w0 < 0.0 else 0.0))
                new = cur - c[l] * der
                if reg == REG_L1:
                    kill = c[l] != 0.0 and cur * new < 0.0
                    new = 0.0 if kill else new
                    D[p, l] = 1 if kill else D[p, l]
                new = new if c[l] != 0.0 else cur
                P[p, l] = 0.0 if reg == REG_L1 and D[p, l] != 0 else new


@njit(**FAST)
def evaluate(P, woff, boff, widths, acts, ap, X, T, Y, loss, mode, H, Z, tmp, out_loss, out_acc):
    """Mean loss and accuracy of every lane over the points of ``X`` (nan: an empty set, no accuracy)."""
    L, B = widths.shape[0] - 1, P.shape[1]
    n = X.shape[1] // B
    for l in range(B):
        out_loss[l] = 0.0
        out_acc[l] = 0.0
    if n == 0:
        out_loss[:] = math.nan
        out_acc[:] = math.nan
        return
    m, step, v = widths[L], H.shape[2] // B, tmp[3]
    for start in range(0, n, step):
        nb = min(step, n - start)
        forward(P, woff, boff, widths, acts, ap, X, start, nb, H, Z)
        loss_rows(loss, Z[L - 1], T, start * B, m, nb * B, v, tmp)
        for i in range(nb):  # point after point, as the scalar loop sums
            for l in range(B):
                out_loss[l] += v[i * B + l]
        if mode != NO_ACCURACY:
            hit_rows(mode, Z[L - 1], Y, start * B, m, nb * B, v, tmp)
            for i in range(nb):
                for l in range(B):
                    out_acc[l] += v[i * B + l]
    for l in range(B):
        out_loss[l] = out_loss[l] / n
        out_acc[l] = out_acc[l] / n if mode != NO_ACCURACY else math.nan


@njit(**FAST)
def _record(P, V, Pf, ev, hyper, epoch_row, stats, done, status):
    """Write the epoch's row of each running lane; stop the lanes that diverged or reached their target."""
    for l in range(P.shape[1]):
        if status[l] != RUNNING:
            continue
        for c in range(4):
            stats[l, done[l], c] = ev[c, l]
        done[l] += 1
        if not epoch_row:
            continue
        tl = ev[0, l]
        if math.isfinite(tl) and not tl <= hyper[3, l]:
            continue
        status[l] = TARGET if math.isfinite(tl) else DIVERGED
        for p in range(P.shape[0]):
            Pf[p, l] = P[p, l]
            if status[l] == DIVERGED:  # a lane of infs and nans trains on as zeros
                P[p, l] = 0.0
                V[p, l] = 0.0


@njit(**FAST)
def train_block(P, V, D, Pf, woff, boff, widths, acts, ap, X, T, Y, Xt, Tt, Yt, loss, mode, hyper, opt, reg, bs,
                epochs, first, stats, done, status):
    """``epochs`` epochs of one block (row 0 first when ``first``); see the module's docstring."""
    L, B = widths.shape[0] - 1, P.shape[1]
    n = X.shape[1] // B
    wmax, nbuf = widths.max(), max(EVAL_POINTS, min(bs, n))
    H = np.empty((L, wmax, nbuf * B))
    Z = np.empty((L, wmax, nbuf * B))
    dz = np.empty((wmax, nbuf * B))
    dzp = np.empty((wmax, nbuf * B))
    G = np.empty_like(P)
    W0 = np.empty_like(P) if reg != REG_NONE else np.empty((0, B))
    tmp = np.empty((4, nbuf * B))
    ev = np.empty((4, B))
    if first:
        evaluate(P, woff, boff, widths, acts, ap, X, T, Y, loss, mode, H, Z, tmp, ev[0], ev[2])
        evaluate(P, woff, boff, widths, acts, ap, Xt, Tt, Yt, loss, mode, H, Z, tmp, ev[1], ev[3])
        _record(P, V, Pf, ev, hyper, False, stats, done, status)
    for _ in range(epochs):
        running = False
        for l in range(B):
            running = running or status[l] == RUNNING
        if not running:
            return
        for start in range(0, n, bs):
            nb = min(bs, n - start)
            gradients(P, G, woff, boff, widths, acts, ap, X, T, start, nb, loss, opt != FUSED_SGD, H, Z, dz, dzp,
                      tmp)
            update(P, G, V, D, W0, woff, boff, widths, nb, hyper, opt, reg, tmp)
        evaluate(P, woff, boff, widths, acts, ap, X, T, Y, loss, mode, H, Z, tmp, ev[0], ev[2])
        evaluate(P, woff, boff, widths, acts, ap, Xt, Tt, Yt, loss, mode, H, Z, tmp, ev[1], ev[3])
        _record(P, V, Pf, ev, hyper, True, stats, done, status)


@njit(cache=True, parallel=True, error_model="numpy")
def train_blocks(P, V, D, Pf, woff, boff, widths, acts, ap, X, T, Y, Xt, Tt, Yt, set_of, loss, mode, hyper,
                 opt, reg, bs, epochs, first, stats, done, status):
    """:func:`train_block` for every block (a ``prange``): arrays ``(blocks, ...)``; block ``b`` reads
    the data set ``X[set_of[b]]`` (train) and ``Xt[set_of[b]]`` (test), ``(points, ..., B)`` each."""
    for b in prange(P.shape[0]):
        s = set_of[b]
        train_block(P[b], V[b], D[b], Pf[b], woff, boff, widths, acts, ap, X[s], T[s], Y[s], Xt[s], Tt[s], Yt[s],
                    loss, mode, hyper[b], opt, reg, bs, epochs, first, stats[b], done[b], status[b])
