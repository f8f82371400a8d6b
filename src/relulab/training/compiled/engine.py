"""The compiled engines on arrays: a network's :class:`Layout`, one run (:class:`CompiledRun`, the loop of
:mod:`.loops`) and many models at once (:func:`train_lanes`, the lanes kernel of :mod:`.lanes`).

Both take flat weights and return them with stats rows ``(epochs, 4)`` and a status code
(:data:`~relulab.training.history.STATUSES`); no module or trainer reaches them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numba
import numpy as np
import torch

from ...config import RunConfig
from ...data import Dataset
from ...models import init_stack
from ...objectives import LOSSES
from .. import notice as _notice  # noqa: F401  (says so on a terminal when the kernels compile)
from ..engines import act_pairs, widths
from ..run import Result
from ..step import encode
from . import kernels as K
from .lanes import train_blocks
from .loops import train_run

WORK_PER_CALL = 3e7  # multiply-adds per single-run kernel call (about 0.1 s): Ctrl-C and progress respond
LANES = 64  # models per block of the lanes kernel (at most)
LANE_WORK_PER_CALL = 2e8  # lane multiply-adds per lanes kernel call (about 0.1 s)
PADDING = 3  # the status of a lane that pads the last block
Arrays = tuple[np.ndarray, ...]  # (X, T, Y, Xt, Tt, Yt)


@dataclass(frozen=True)
class Layout:
    """A network as the kernels see it: widths, parameter offsets, activation and loss kernel ids."""

    widths: np.ndarray  # (L + 1,) int64
    woff: np.ndarray    # (L,) start of W_k in the flat parameters
    boff: np.ndarray    # (L,) start of b_k
    acts: np.ndarray    # (max(L - 1, 1),) activation kernel ids
    ap: np.ndarray      # (max(L - 1, 1), 2) their parameters
    loss: int
    mode: int

    @classmethod
    def of(cls, cfg: RunConfig, widths: Sequence[int], classification: bool, num_classes: int) -> Layout:
        woff, boff, at = [], [], 0
        for a, b in zip(widths[:-1], widths[1:], strict=True):
            woff.append(at)
            boff.append(at + a * b)
            at += a * b + b
        acts, ap = [0], [[0.0, 0.0]]  # a linear model still passes one (unused) row
        if cfg.hidden:
            acts, ap = [], []
            for spec, p in act_pairs(cfg.layer_activations(), cfg.activation_params):
                acts.append(K.ACTIVATION_IDS[spec.name])
                ap.append([float(p[k]) for k in K.ACTIVATIONS[spec.name]] + [0.0] * (2 - len(K.ACTIVATIONS[spec.name])))
        mode = (K.NO_ACCURACY if not classification else K.SIGN if cfg.loss != "cross_entropy"
                else K.ARGMAX_PM1 if num_classes == 2 else K.ARGMAX)
        return cls(np.array(widths, dtype=np.int64), np.array(woff, dtype=np.int64), np.array(boff, dtype=np.int64),
                   np.array(acts, dtype=np.int64), np.array(ap, dtype=np.float64),
                   K.LOSS_IDS[(cfg.loss, classification)], mode)

    @property
    def size(self) -> int:
        return int(self.boff[-1] + self.widths[-1])

    @property
    def net(self) -> tuple[np.ndarray, ...]:
        return self.woff, self.boff, self.widths, self.acts, self.ap

    def views(self, flat: np.ndarray) -> list[np.ndarray]:
        """``[W_0, b_0, W_1, ...]`` as views of a flat parameter array."""
        out = []
        for k in range(len(self.woff)):
            a, b = int(self.widths[k]), int(self.widths[k + 1])
            out += [flat[self.woff[k]:self.boff[k]].reshape(b, a), flat[self.boff[k]:self.boff[k] + b]]
        return out


def data_arrays(data: Dataset, loss_name: str) -> Arrays:
    """``(X, T, Y, Xt, Tt, Yt)``, float64: inputs ``(n, F)``, targets ``(n, cols)`` (class indices as
    floats), labels ``(n,)``, for the train and the test points."""
    enc = encode(data, LOSSES.get(loss_name), torch.float64)
    out: list[np.ndarray] = []
    for x, t, y in ((enc[0], enc[1], data.y_train), (enc[2], enc[3], data.y_test)):
        n = x.shape[0]
        out += [np.ascontiguousarray(a.reshape(n, -1).to(torch.float64).numpy()) for a in (x, t)]
        out.append(np.ascontiguousarray(y.reshape(n).to(torch.float64).numpy()))
    return tuple(out)


def kernel_inputs(cfgs: Sequence[RunConfig], datas: Sequence[Dataset], shape: Sequence[int]
                  ) -> tuple[Layout, np.ndarray, np.ndarray, list[Arrays], list[int]]:
    """Configs of one layout (``shape``: its widths) as the kernels read them: the :class:`Layout`,
    ``hyper`` rows ``(lr, momentum, reg rate, target loss)``, ``modes`` rows ``(optimizer path, penalty,
    batch size)``, the distinct data sets' :func:`data_arrays` and which of them each config trains on."""
    first, d0 = cfgs[0], datas[0]
    lay = Layout.of(first, shape, d0.problem == "classification", max(d.num_classes for d in datas))
    hyper = np.array([[c.lr, c.momentum, c.reg_rate, math.nan if c.target_loss is None else c.target_loss]
                      for c in cfgs])
    modes = np.array([[K.FUSED_SGD if c.optimizer == "sgd" and c.regularization != "l1" else
                       K.SGD + K.OPTIMIZERS.index(c.optimizer), K.PENALTY_IDS[c.regularization], c.batch_size]
                      for c in cfgs], dtype=np.int64)
    distinct = list({id(d): d for d in datas}.values())
    index = {id(d): i for i, d in enumerate(distinct)}
    return lay, hyper, modes, [data_arrays(d, first.loss) for d in distinct], [index[id(d)] for d in datas]


class CompiledRun:
    """One run on the single-run loop, on arrays: its :class:`Layout`, ``hyper`` row (lr, momentum, reg
    rate, target loss), ``modes`` row (optimizer path, penalty, batch size) and :func:`data_arrays`. It
    keeps only the optimizer's state between calls (momentum ``V``); the weights are the caller's."""

    def __init__(self, layout: Layout, hyper: np.ndarray, modes: np.ndarray, arrays: Arrays,
                 shuffler: torch.Generator | None) -> None:
        self.layout, self.hyper, self.modes, self.arrays, self.shuffler = layout, hyper, modes, arrays, shuffler
        self.V, self.order = np.zeros(layout.size), np.arange(len(arrays[0]), dtype=np.int64)
        work = max(1, len(self.order) * layout.size * 3)
        self.chunk = 1 if shuffler is not None else max(1, int(WORK_PER_CALL // work))  # epochs per call

    def train(self, P: np.ndarray, D: np.ndarray, epochs: int, stop_at_target: bool
              ) -> tuple[np.ndarray, np.ndarray, int]:
        """Up to ``epochs`` epochs in one kernel call from flat weights ``P`` (L1's dead links ``D``, uint8),
        both updated in place: the weights, the epochs' stats rows and the status code."""
        order = self.order if self.shuffler is None else torch.randperm(len(self.order),
                                                                        generator=self.shuffler).numpy()
        stats = np.empty((epochs, 4))
        hyper = self.hyper if stop_at_target else np.array([*self.hyper[:3], math.nan])
        done, code = train_run(P, self.V, D, *self.layout.net, *self.arrays, order, self.layout.loss,
                               self.layout.mode, hyper, self.modes, epochs, stats)
        return P, stats[:done], code


def _lane_rows(arrays: list[np.ndarray]) -> np.ndarray:
    """One array ``(points, cols)`` (or ``(points,)``) per lane as the lanes kernel reads them:
    ``(cols, points * B)`` (or ``(points * B,)``), point ``i`` of lane ``l`` at column ``i * B + l``."""
    a = np.stack(arrays, axis=-1)  # (points, [cols,] B)
    if a.ndim == 2:
        return np.ascontiguousarray(a.reshape(-1))
    return np.ascontiguousarray(a.transpose(1, 0, 2).reshape(a.shape[1], -1))


def _lanes(count: int) -> int:
    """Lanes per block for ``count`` models: blocks of at most LANES, as many blocks as a multiple of the
    cores (so that every core gets as much work), their lanes as even as can be."""
    cores = max(1, numba.get_num_threads())
    blocks = -(-count // LANES)
    blocks = -(-blocks // cores) * cores
    return -(-count // blocks)


class _Part:
    """Models that share batch size, optimizer path, penalty kind and number of points, in blocks of
    ``B`` lanes (the last block padded with copies of its first model, which no one reads)."""

    def __init__(self, idx: list[int], sets: Sequence[Arrays], set_of: Sequence[int], P: np.ndarray,
                 hyper: np.ndarray, epochs: int) -> None:
        self.idx, self.B = idx, _lanes(len(idx))
        nblk = -(-len(idx) // self.B)
        lanes = [[idx[k] if k < len(idx) else idx[b * self.B] for k in range(b * self.B, (b + 1) * self.B)]
                 for b in range(nblk)]
        self.P = np.ascontiguousarray(np.stack([P[row].T for row in lanes]))
        self.V, self.Pf = np.zeros_like(self.P), np.zeros_like(self.P)
        self.D = np.zeros(self.P.shape, dtype=np.uint8)
        self.hyper = np.ascontiguousarray(np.stack([hyper[row].T for row in lanes]))
        shared = len({set_of[e] for e in idx}) == 1
        blocks = lanes[:1] if shared else lanes
        self.data = [np.stack([_lane_rows([sets[set_of[e]][a] for e in row]) for row in blocks]) for a in range(6)]
        self.set_of = np.zeros(nblk, dtype=np.int64) if shared else np.arange(nblk, dtype=np.int64)
        self.stats = np.empty((nblk, self.B, epochs + 1, 4))
        self.done = np.zeros((nblk, self.B), dtype=np.int64)
        self.status = np.full((nblk, self.B), K.RUNNING, dtype=np.int64)
        self.status[np.arange(nblk * self.B).reshape(nblk, self.B) >= len(idx)] = PADDING

    def results(self) -> list[tuple[int, np.ndarray, np.ndarray, int]]:
        """``(model index, flat weights, stats rows, status)`` of each model of the part."""
        out = []
        for k, e in enumerate(self.idx):
            b, l = divmod(k, self.B)
            st = int(self.status[b, l])
            flat = (self.P if st == K.RUNNING else self.Pf)[b, :, l]
            out.append((e, flat.copy(), self.stats[b, l, :self.done[b, l]], st))
        return out


def train_lanes(lay: Layout, P: np.ndarray, hyper: np.ndarray, modes: np.ndarray, sets: Sequence[Arrays],
                set_of: Sequence[int], epochs: int, on_chunk: Callable[[int], None] | None = None
                ) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """E models of one layout at once: initial weights ``P`` ``(E, size)``, ``hyper`` ``(E, 4)`` (lr,
    momentum, reg rate, target loss), ``modes`` ``(E, 3)`` (optimizer path, penalty, batch size), model
    ``e`` on the data arrays ``sets[set_of[e]]``. Per model: (final weights, stats rows from epoch 0,
    status code). ``on_chunk(k)`` after every kernel call of ``k`` epochs."""
    parts: dict[tuple, list[int]] = {}
    for e, m in enumerate(modes.tolist()):
        s = sets[set_of[e]]
        parts.setdefault((*m, len(s[0]), len(s[3])), []).append(e)
    blocks = [(_Part(idx, sets, set_of, P, hyper, epochs), key) for key, idx in parts.items()]
    work = sum(p.P.shape[0] * p.B * max(1, key[3]) for p, key in blocks) * lay.size * 3
    chunk = max(1, min(epochs, int(LANE_WORK_PER_CALL // work)))
    for start in range(0, epochs, chunk):
        k = min(chunk, epochs - start)
        for part, (opt, reg, bs, _, _) in blocks:
            train_blocks(part.P, part.V, part.D, part.Pf, *lay.net, *part.data, part.set_of, lay.loss, lay.mode,
                         part.hyper, opt, reg, bs, k, start == 0, part.stats, part.done, part.status)
        if on_chunk is not None:
            on_chunk(k)
    out: list = [None] * len(P)
    for part, _ in blocks:
        for e, flat, stats, status in part.results():
            out[e] = (flat, stats, status)
    return out


def train_configs(cfgs: Sequence[RunConfig], datas: Sequence[Dataset], on_chunk: Callable[[int], None] | None
                  ) -> list[Result]:
    """Configs of one layout on :func:`train_lanes`, from the weights ``build_model`` draws (:func:`init_stack`):
    per model its parameters (weights, then biases), stats rows and status code."""
    first, shape = cfgs[0], widths(cfgs[0], datas[0])
    lay, hyper, modes, sets, set_of = kernel_inputs(cfgs, datas, shape)
    P = np.empty((len(cfgs), lay.size))
    for init in dict.fromkeys(c.init for c in cfgs):
        rows = [e for e, c in enumerate(cfgs) if c.init == init]
        ws, bs = init_stack(shape, first.layer_activations(), first.activation_params, init,
                            [cfgs[e].weight_seed for e in rows])
        for k in range(len(ws)):
            P[rows, lay.woff[k]:lay.boff[k]] = ws[k].reshape(len(rows), -1).numpy()
            P[rows, lay.boff[k]:lay.boff[k] + lay.widths[k + 1]] = bs[k].numpy()
    out = train_lanes(lay, P, hyper, modes, sets, set_of, first.epochs, on_chunk)
    return [((v := lay.views(flat))[0::2] + v[1::2], stats, code) for flat, stats, code in out]
