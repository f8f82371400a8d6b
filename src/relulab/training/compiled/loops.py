"""The compiled training loop: one batch step, whole runs of epochs, and many models in parallel.

``hyper`` rows are ``(lr, momentum, reg_rate, target_loss)`` (target nan: none), ``modes`` rows are
``(optimizer path, penalty, batch size)``; see :mod:`.kernels` for the ids and the arithmetic.
``stats`` rows are ``(train loss, test loss, train acc, test acc)`` after each epoch.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from .kernels import (
    DIVERGED,
    FUSED_SGD,
    MOMENTUM,
    REG_L1,
    REG_L2,
    REG_NONE,
    RUNNING,
    TARGET,
    act,
    dact,
    evaluate,
    loss_grad,
)


@njit(cache=True)
def batch_gradients(P, G, woff, boff, widths, acts, ap, X, T, idx, start, nb, loss, mean, H, Z, dz, dzp):
    """Gradients of the batch ``idx[start:start + nb]`` into ``G``: summed, or averaged when ``mean``."""
    L = widths.shape[0] - 1
    for i in range(nb):
        r = idx[start + i]
        for j in range(widths[0]):
            H[0, i, j] = X[r, j]
    for k in range(L):
        din, dout, wo, bo = widths[k], widths[k + 1], woff[k], boff[k]
        for i in range(nb):
            for o in range(dout):
                s = 0.0
                for j in range(din):
                    s += H[k, i, j] * P[wo + o * din + j]
                z = s + P[bo + o]
                Z[k, i, o] = z
                if k < L - 1:
                    H[k + 1, i, o] = act(acts[k], z, ap[k, 0], ap[k, 1])
    m = widths[L]
    for i in range(nb):
        loss_grad(loss, Z[L - 1, i], T[idx[start + i]], m, dz[i])
        if mean:
            for o in range(m):
                dz[i, o] = dz[i, o] / nb
    for k in range(L - 1, -1, -1):
        din, dout, wo, bo = widths[k], widths[k + 1], woff[k], boff[k]
        for o in range(dout):
            for j in range(din):
                s = 0.0
                for i in range(nb):
                    s += dz[i, o] * H[k, i, j]
                G[wo + o * din + j] = s
            s = 0.0
            for i in range(nb):
                s += dz[i, o]
            G[bo + o] = s
        if k > 0:
            for i in range(nb):
                for j in range(din):
                    s = 0.0
                    for o in range(dout):
                        s += dz[i, o] * P[wo + o * din + j]
                    dzp[i, j] = s * dact(acts[k - 1], Z[k - 1, i, j], H[k, i, j], ap[k - 1, 0],
                                                  ap[k - 1, 1])
            dz, dzp = dzp, dz


@njit(cache=True)
def update(P, G, V, D, W0, woff, boff, widths, nb, lr, mu, rate, opt, reg):
    """One optimizer step plus the penalty, exactly as the torch engines order them."""
    L = widths.shape[0] - 1
    n = P.shape[0]
    if opt == FUSED_SGD:
        pen = lr * rate if reg == REG_L2 else 0.0
        alpha = -lr / nb
        for k in range(L):
            wo = woff[k]
            for p in range(wo, wo + widths[k] * widths[k + 1]):
                old = P[p]
                P[p] = old + alpha * G[p]
                if pen != 0.0:
                    P[p] = P[p] - old * pen
        for k in range(L):
            for p in range(boff[k], boff[k] + widths[k + 1]):
                P[p] = P[p] + alpha * G[p]
        return
    if reg != REG_NONE:
        for p in range(n):
            W0[p] = P[p]
    if opt == MOMENTUM:
        for p in range(n):
            V[p] = V[p] * mu + G[p]
            P[p] = P[p] + (-lr) * V[p]
    else:
        for p in range(n):
            P[p] = P[p] + (-lr) * G[p]
    if reg == REG_NONE:
        return
    step = lr * rate
    for k in range(L):
        wo = woff[k]
        for p in range(wo, wo + widths[k] * widths[k + 1]):
            if step != 0.0:
                w0 = W0[p]
                der = w0 if reg == REG_L2 else (1.0 if w0 > 0.0 else (-1.0 if w0 < 0.0 else 0.0))
                new = P[p] - step * der
                if reg == REG_L1 and P[p] * new < 0.0:
                    new = 0.0
                    D[p] = 1
                P[p] = new
            if reg == REG_L1 and D[p]:
                P[p] = 0.0


@njit(cache=True)
def train_run(P, V, D, woff, boff, widths, acts, ap, X, T, Y, Xt, Tt, Yt, idx, loss, mode,
              hyper, modes, epochs, stats):
    """``epochs`` epochs of one model (batches in the order ``idx``), stats after each epoch.

    Stops after an epoch whose train loss is not finite (DIVERGED) or reaches the target (TARGET);
    returns ``(epochs done, status)``.
    """
    lr, mu, rate, target = hyper[0], hyper[1], hyper[2], hyper[3]
    opt, reg, bs = modes[0], modes[1], modes[2]
    n, wmax, L = X.shape[0], widths.max(), widths.shape[0] - 1
    nbmax = min(bs, n)
    H = np.empty((L, nbmax, wmax))
    Z = np.empty((L, nbmax, wmax))
    dz = np.empty((nbmax, wmax))
    dzp = np.empty((nbmax, wmax))
    G = np.empty_like(P)
    W0 = np.empty_like(P)
    a = np.empty(wmax)
    b = np.empty(wmax)
    for e in range(epochs):
        for start in range(0, n, bs):
            nb = min(bs, n - start)
            batch_gradients(P, G, woff, boff, widths, acts, ap, X, T, idx, start, nb, loss, opt != FUSED_SGD,
                            H, Z, dz, dzp)
            update(P, G, V, D, W0, woff, boff, widths, nb, lr, mu, rate, opt, reg)
        stats[e, 0], stats[e, 2] = evaluate(P, woff, boff, widths, acts, ap, X, T, Y, loss, mode, a, b)
        stats[e, 1], stats[e, 3] = evaluate(P, woff, boff, widths, acts, ap, Xt, Tt, Yt, loss, mode, a, b)
        if not math.isfinite(stats[e, 0]):
            return e + 1, DIVERGED
        if stats[e, 0] <= target:  # false for a nan target
            return e + 1, TARGET
    return epochs, RUNNING


@njit(cache=True, parallel=True)
def train_models(P, V, D, woff, boff, widths, acts, ap, X, T, Y, Xt, Tt, Yt, off, offt, data_of, loss, mode,
                 hyper, modes, epochs, stats, done, status):
    """``epochs`` more epochs of E models at once (``prange``), each on its data set ``data_of[e]``.

    Data set ``s`` is rows ``off[s]:off[s + 1]`` of ``X, T, Y`` (train) and ``offt[s]:offt[s + 1]`` of
    ``Xt, Tt, Yt`` (test). Models whose ``status`` is not RUNNING are skipped; ``done[e]`` counts the
    epochs each model has trained, ``stats[e, done[e] - 1]`` is its latest row.
    """
    for e in prange(P.shape[0]):
        if status[e] != RUNNING:
            continue
        s = data_of[e]
        lo, hi, lot, hit = off[s], off[s + 1], offt[s], offt[s + 1]
        idx = np.arange(hi - lo)
        k, st = train_run(P[e], V[e], D[e], woff, boff, widths, acts, ap, X[lo:hi], T[lo:hi], Y[lo:hi],
                          Xt[lot:hit], Tt[lot:hit], Yt[lot:hit], idx, loss, mode, hyper[e], modes[e], epochs,
                          stats[e, done[e]:done[e] + epochs])
        done[e] += k
        status[e] = st


@njit(cache=True, parallel=True)
def evaluate_models(P, woff, boff, widths, acts, ap, X, T, Y, Xt, Tt, Yt, off, offt, data_of, loss, mode, out):
    """``out[e] = (train loss, test loss, train acc, test acc)`` of each model on its data set."""
    wmax = widths.max()
    for e in prange(P.shape[0]):
        a = np.empty(wmax)
        b = np.empty(wmax)
        s = data_of[e]
        lo, hi, lot, hit = off[s], off[s + 1], offt[s], offt[s + 1]
        out[e, 0], out[e, 2] = evaluate(P[e], woff, boff, widths, acts, ap, X[lo:hi], T[lo:hi], Y[lo:hi],
                                        loss, mode, a, b)
        out[e, 1], out[e, 3] = evaluate(P[e], woff, boff, widths, acts, ap, Xt[lot:hit], Tt[lot:hit],
                                        Yt[lot:hit], loss, mode, a, b)
