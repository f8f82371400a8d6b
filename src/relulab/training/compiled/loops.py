"""The compiled training loop: one batch step and whole runs of epochs (many models: :mod:`.lanes`).

``hyper`` rows are ``(lr, momentum, reg_rate, target_loss)`` (target nan: none), ``modes`` rows are
``(optimizer path, penalty, batch size)``; see :mod:`.kernels` for the ids and the arithmetic.
``stats`` rows are ``(train loss, test loss, train acc, test acc)`` after each epoch. A batch and the
evaluation run a layer at a time with the points innermost (:mod:`.blocks`): on the playground's
2-3-3-3-1 circle net about 16,900 epochs/s relu and 14,400 tanh (benchmarks/train_speed.py), 2.3x and
3.0x the one-point-at-a-time loop it replaced.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .blocks import BLOCK, evaluate, layers_forward, load_rows, output_grads
from .kernels import DIVERGED, FUSED_SGD, RUNNING, TARGET
from .lane_ops import FAST, dact_mul
from .lanes import update


@njit(**FAST)
def batch_gradients(P, G, woff, boff, widths, acts, ap, X, T, idx, start, nb, loss, mean, H, Z, dz, dzp, Tb, tmp):
    """Gradients of the batch ``idx[start:start + nb]`` into ``G``: summed, or averaged when ``mean``.

    A layer at a time over the batch's points (:mod:`.blocks`): ``H``, ``Z`` ``(L, widest, batch)``,
    ``dz``, ``dzp`` ``(widest, batch)``, ``Tb`` ``(target columns, batch)``, ``tmp`` ``(4, batch)`` scratch.
    """
    L = widths.shape[0] - 1
    load_rows(X, idx, start, nb, H[0])
    layers_forward(P, woff, boff, widths, acts, ap, H, Z, nb)
    output_grads(loss, Z[L - 1], T, idx, start, nb, widths[L], mean, dz, Tb, tmp)
    for k in range(L - 1, -1, -1):
        din, dout, wo, bo = widths[k], widths[k + 1], woff[k], boff[k]
        for o in range(dout):
            d = dz[o]
            for j in range(din):
                h = H[k, j]
                s = 0.0
                for i in range(nb):
                    s += d[i] * h[i]
                G[wo + o * din + j] = s
            s = 0.0
            for i in range(nb):
                s += d[i]
            G[bo + o] = s
        if k > 0:
            for j in range(din):
                e = dzp[j]
                for i in range(nb):
                    e[i] = 0.0
                for o in range(dout):
                    w, d = P[wo + o * din + j], dz[o]
                    for i in range(nb):
                        e[i] += d[i] * w
                dact_mul(acts[k - 1], Z[k - 1, j], H[k, j], e, nb, ap[k - 1, 0], ap[k - 1, 1])
            dz, dzp = dzp, dz


@njit(**FAST)
def train_run(P, V, D, woff, boff, widths, acts, ap, X, T, Y, Xt, Tt, Yt, idx, loss, mode,
              hyper, modes, epochs, stats):
    """``epochs`` epochs of one model (batches in the order ``idx``), stats after each epoch.

    Stops after an epoch whose train loss is not finite (DIVERGED) or reaches the target (TARGET);
    returns ``(epochs done, status)``. The step is the lanes kernel's :func:`~.lanes.update` on one lane.
    """
    target, opt, reg, bs = hyper[3], modes[0], modes[1], modes[2]
    n, wmax, L, size = X.shape[0], widths.max(), widths.shape[0] - 1, P.shape[0]
    nbmax = min(bs, n)
    H, Z = np.empty((L, wmax, nbmax)), np.empty((L, wmax, nbmax))
    dz, dzp = np.empty((wmax, nbmax)), np.empty((wmax, nbmax))
    HE, ZE = np.empty((L, wmax, BLOCK)), np.empty((L, wmax, BLOCK))
    Tb, TE = np.empty((T.shape[1], nbmax)), np.empty((T.shape[1], BLOCK))
    tmp = np.empty((4, max(nbmax, BLOCK)))
    G, W0, lane_tmp = np.empty((size, 1)), np.empty((size, 1)), np.empty((2, 1))
    P1, V1, D1, hyper1 = P.reshape((size, 1)), V.reshape((size, 1)), D.reshape((size, 1)), hyper.reshape((4, 1))
    g = G.reshape(size)
    for e in range(epochs):
        for start in range(0, n, bs):
            nb = min(bs, n - start)
            batch_gradients(P, g, woff, boff, widths, acts, ap, X, T, idx, start, nb, loss, opt != FUSED_SGD,
                            H, Z, dz, dzp, Tb, tmp)
            update(P1, G, V1, D1, W0, woff, boff, widths, nb, hyper1, opt, reg, lane_tmp)
        stats[e, 0], stats[e, 2] = evaluate(P, woff, boff, widths, acts, ap, X, T, Y, loss, mode, HE, ZE, TE, tmp)
        stats[e, 1], stats[e, 3] = evaluate(P, woff, boff, widths, acts, ap, Xt, Tt, Yt, loss, mode, HE, ZE, TE,
                                            tmp)
        if not math.isfinite(stats[e, 0]):
            return e + 1, DIVERGED
        if stats[e, 0] <= target:  # false for a nan target
            return e + 1, TARGET
    return epochs, RUNNING
