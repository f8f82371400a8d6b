r"""The lanes kernel: blocks of ``B`` models trained together, the model axis innermost.

Every array of a block carries the models last: parameters ``P[p, l]`` (the flat layout of
:mod:`.kernels`, one column per model), layer inputs and pre-activations ``H[k, i, j, l]``,
``Z[k, i, o, l]``, the data ``X[r, j, l]``. Each step of the scalar loop (:mod:`.loops`) becomes a
loop over the ``B`` lanes, contiguous and branch-free, which LLVM turns into AVX instructions; the
per-model arithmetic and its order are the scalar loop's, so each model trains exactly as
``loops.train_run`` trains it (the math functions of :mod:`.vmath` are a few ulp from libm's).

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
from .lane_ops import FAST, act_rows, dact_mul, hits_add, loss_add, loss_grad_rows


@njit(**FAST)
def forward(P, woff, boff, widths, acts, ap, X, start, nb, H, Z):
    """``Z[k, i]`` and ``H[k, i]`` of the points ``start:start + nb`` of ``X``, all lanes."""
    L, B = widths.shape[0] - 1, P.shape[1]
    for i in range(nb):
        for j in range(widths[0]):
            for l in range(B):
                H[0, i, j, l] = X[start + i, j, l]
    for k in range(L):
        din, dout, wo, bo = widths[k], widths[k + 1], woff[k], boff[k]
        for i in range(nb):
            for o in range(dout):
                for l in range(B):
                    Z[k, i, o, l] = 0.0
                for j in range(din):
                    for l in range(B):
                        Z[k, i, o, l] += H[k, i, j, l] * P[wo + o * din + j, l]
                for l in range(B):
                    Z[k, i, o, l] = Z[k, i, o, l] + P[bo + o, l]
                if k < L - 1:
                    act_rows(acts[k], Z[k, i, o], H[k + 1, i, o], ap[k, 0], ap[k, 1])


@njit(**FAST)
def gradients(P, G, woff, boff, widths, acts, ap, X, T, start, nb, loss, mean, H, Z, dz, dzp, tmp):
    """Gradients of the batch ``start:start + nb`` into ``G``: summed, or averaged when ``mean``."""
    L, B = widths.shape[0] - 1, P.shape[1]
    forward(P, woff, boff, widths, acts, ap, X, start, nb, H, Z)
    m = widths[L]
    for i in range(nb):
        loss_grad_rows(loss, Z[L - 1, i], T[start + i], m, dz[i], tmp)
        if mean:
            for o in range(m):
                for l in range(B):
                    dz[i, o, l] = dz[i, o, l] / nb
    for k in range(L - 1, -1, -1):
        din, dout, wo, bo = widths[k], widths[k + 1], woff[k], boff[k]
        for o in range(dout):
            for j in range(din):
                p = wo + o * din + j
                for l in range(B):
                    G[p, l] = 0.0
                for i in range(nb):
                    for l in range(B):
                        G[p, l] += dz[i, o, l] * H[k, i, j, l]
            for l in range(B):
                G[bo + o, l] = 0.0
            for i in range(nb):
                for l in range(B):
                    G[bo + o, l] += dz[i, o, l]
        if k > 0:
            for i in range(nb):
                for j in range(din):
                    for l in range(B):
                        dzp[i, j, l] = 0.0
                    for o in range(dout):
                        for l in range(B):
                            dzp[i, j, l] += dz[i, o, l] * P[wo + o * din + j, l]
                    dact_mul(acts[k - 1], Z[k - 1, i, j], H[k, i, j], dzp[i, j], ap[k - 1, 0], ap[k - 1, 1])
            dz, dzp = dzp, dz


@njit(**FAST)
def update(P, G, V, D, W0, woff, boff, widths, nb, hyper, opt, reg, tmp):
    """One optimizer step plus the penalty, every lane with its own lr, momentum and rate."""
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
    """Mean loss and accuracy of every lane over the rows of ``X`` (nan: an empty set, no accuracy)."""
    L, B, n = widths.shape[0] - 1, P.shape[1], X.shape[0]
    for l in range(B):
        out_loss[l] = 0.0
        out_acc[l] = 0.0
    if n == 0:
        out_loss[:] = math.nan
        out_acc[:] = math.nan
        return
    m, step = widths[L], H.shape[1]
    for start in range(0, n, step):
        nb = min(step, n - start)
        forward(P, woff, boff, widths, acts, ap, X, start, nb, H, Z)
        for i in range(nb):
            loss_add(loss, Z[L - 1, i], T[start + i], m, out_loss, tmp)
            if mode != NO_ACCURACY:
                hits_add(mode, Z[L - 1, i], Y[start + i], m, out_acc, tmp)
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
    L, B, n = widths.shape[0] - 1, P.shape[1], X.shape[0]
    wmax, nbuf = widths.max(), max(1, min(bs, max(n, 1)))
    H = np.empty((L, nbuf, wmax, B))
    Z = np.empty((L, nbuf, wmax, B))
    dz = np.empty((nbuf, wmax, B))
    dzp = np.empty((nbuf, wmax, B))
    G = np.empty_like(P)
    W0 = np.empty_like(P) if reg != REG_NONE else np.empty((0, B))
    tmp = np.empty((3, B))
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
