"""The whole network in one compiled call, for small widths (the playground's nets): every layer's
cut (:func:`.kernels.cut_layer`) and the affine map after it as plain loops, so that a 3x3x3 net costs
one call instead of a few numpy operations per layer. Wider layers take the per-layer path of
:mod:`.planar`, whose matrix products go to BLAS.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .cut import cut_layer
from .kernels import padded


@njit(cache=True)
def _affine(Hn, n, W, b):
    """``(R, 3 n)`` maps through ``x @ W.T + b`` (``W (out, n)``): ``(R, 3, out)``; for small widths."""
    R, out = Hn.shape[0], W.shape[0]
    Z = np.empty((R, 3, out))
    for r in range(R):
        for d in range(3):
            for j in range(out):
                acc = 0.0
                for k in range(n):
                    acc += Hn[r, d * n + k] * W[j, k]
                Z[r, d, j] = acc + b[j] if d == 2 else acc
    return Z


@njit(cache=True)
def small_partition(vx, vy, Z, shapes, flat, Lu, Lv, tol, min_area):
    """The whole network in one call, for small widths. Layer ``l`` has ``shapes[l] = (n, m, out)`` and
    its breakpoints ``(n, m)``, slopes and intercepts ``(n, m + 1)``, ``W (out, n)`` and ``b (out,)``
    one after the other in ``flat``; ``m = -1``: an affine map alone. Returns vertices ``(R, V, 2)``,
    counts, ``A (R, out, 2)``, ``b (R, out)``, patterns and the count after each piecewise layer."""
    start, count = np.zeros(1, np.int64), np.full(1, vx.shape[0], np.int64)
    pat = np.zeros((1, 0), np.int8)
    counts = np.empty(shapes.shape[0], np.int64)
    L, o = 0, 0
    for row in range(shapes.shape[0]):
        n, m, out = shapes[row, 0], shapes[row, 1], shapes[row, 2]
        if m < 0:
            Hn = Z.reshape(Z.shape[0], 3 * n)
        else:
            k = n * (m + 1)
            bp, sl, ic = flat[o:o + n * m], flat[o + n * m:o + n * m + k], flat[o + n * m + k:o + n * m + 2 * k]
            vx, vy, start, count, _, Hn, pat = cut_layer(vx, vy, start, count, Z, bp.reshape(n, m),
                                                         sl.reshape(n, m + 1), ic.reshape(n, m + 1), pat,
                                                         Lu, Lv, tol, min_area)
            o += n * m + 2 * k
            counts[L] = count.shape[0]
            L += 1
        Z = _affine(Hn, n, flat[o:o + out * n].reshape(out, n), flat[o + out * n:o + out * n + out])
        o += out * n + out
    R, K = Z.shape[0], Z.shape[2]
    A, b = np.empty((R, K, 2)), np.empty((R, K))
    for r in range(R):
        for j in range(K):
            A[r, j, 0], A[r, j, 1], b[r, j] = Z[r, 0, j], Z[r, 1, j], Z[r, 2, j]
    return padded(vx, vy, start, count), count, A, b, pat, counts[:L]
