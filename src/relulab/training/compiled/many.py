"""Many models at once on the compiled engine: E runs of one network shape on the lanes kernel.

The runs may differ in everything but the network and the loss: weight seed, data (per-model data
sets, of any number of points), learning rate, momentum, regularization and its rate, batch size,
target loss. Runs that share batch size, optimizer path, penalty kind and numbers of points form a
part; a part trains in blocks of up to ``LANES`` models, the model axis vectorised (:mod:`.lanes`),
the blocks spread over all cores. Each model trains exactly as :class:`~relulab.training.Trainer`
would alone (tested to 1e-12). 1,000 seeds of the playground's circle net x 200 epochs: 1.8 s relu,
2.4 s tanh on 2 cores (the torch stack: 5.5 s, 11.9 s).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numba
import numpy as np
import torch

from ...config import RunConfig
from ...data import Dataset
from ...models import MLP, init_stack
from ...objectives import LOSSES
from ..build import build_model, make_dataset
from ..history import History
from ..run import Run
from ..step import divergence_message
from . import group_unsupported
from .engine import DIVERGED, RUNNING, TARGET, Layout, hyper_row, modes_row, split_arrays, stat_columns
from .lanes import train_blocks

LANES = 64  # models per block of the lanes kernel (at most)
LANE_WORK_PER_CALL = 2e8  # lane multiply-adds per kernel call (about 0.1 s): Ctrl-C and progress respond
_NO_DRAWS = torch.Generator()  # init 'zero' draws nothing
PADDING = 3  # the status of a lane that pads the last block
DATA_FIELDS = ("dataset", "n_points", "noise", "train_ratio", "features", "data_seed", "formula")


def _datasets(cfgs: Sequence[RunConfig], datas: Sequence[Dataset] | None) -> tuple[list[Dataset], list[int]]:
    """The distinct data sets and, per run, which one it trains on (shared sets are stored once)."""
    if datas is not None:
        if len(datas) != len(cfgs):
            raise ValueError(f"one data set per config: got {len(datas)} for {len(cfgs)} configs")
        ids: dict[int, int] = {}
        for d in datas:
            ids.setdefault(id(d), len(ids))
        unique = list({id(d): d for d in datas}.values())
        return unique, [ids[id(d)] for d in datas]
    keys: dict[tuple, int] = {}
    unique = []
    for c in cfgs:
        key = tuple(repr(getattr(c, f)) for f in DATA_FIELDS)
        if key not in keys:
            keys[key] = len(unique)
            unique.append(make_dataset(c))
    return unique, [keys[tuple(repr(getattr(c, f)) for f in DATA_FIELDS)] for c in cfgs]


def _arrays(d: Dataset, loss_name: str) -> tuple[np.ndarray, ...]:
    """``(X, T, Y, Xt, Tt, Yt)`` of one data set as the kernels read them (:func:`split_arrays`)."""
    loss = LOSSES.get(loss_name)
    out: list[np.ndarray] = []
    for x, y in ((d.train_inputs, d.y_train), (d.test_inputs, d.y_test)):
        out += split_arrays(x, loss.targets(y.to(torch.float64) if y.is_floating_point() else y, d.num_classes), y)
    return tuple(out)


def _lane_rows(arrays: list[np.ndarray]) -> np.ndarray:
    """One array ``(points, cols)`` (or ``(points,)``) per lane as the lanes kernel reads them:
    ``(cols, points * B)`` (or ``(points * B,)``), point ``i`` of lane ``l`` at column ``i * B + l``."""
    a = np.stack(arrays, axis=-1)  # (points, [cols,] B)
    if a.ndim == 2:
        return np.ascontiguousarray(a.reshape(-1))
    return np.ascontiguousarray(a.transpose(1, 0, 2).reshape(a.shape[1], -1))


def _initial_weights(cfgs: Sequence[RunConfig], widths: tuple[int, ...], lay: Layout) -> np.ndarray:
    """``(E, size)``: the weights :func:`build_model` draws for each config (:func:`init_stack`)."""
    P = np.empty((len(cfgs), lay.size))
    first = cfgs[0]
    for init in dict.fromkeys(c.init for c in cfgs):
        rows = [e for e, c in enumerate(cfgs) if c.init == init]
        ws, bs = init_stack(widths, first.layer_activations(), first.activation_params, init,
                            [cfgs[e].weight_seed for e in rows])
        for k in range(len(ws)):
            P[rows, lay.woff[k]:lay.boff[k]] = ws[k].reshape(len(rows), -1).numpy()
            P[rows, lay.boff[k]:lay.boff[k] + lay.widths[k + 1]] = bs[k].numpy()
    return P


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

    def __init__(self, idx: list[int], sets: list[tuple[np.ndarray, ...]], set_of: list[int], P: np.ndarray,
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
        self.status = np.full((nblk, self.B), RUNNING, dtype=np.int64)
        real = np.arange(nblk * self.B).reshape(nblk, self.B) < len(idx)
        self.status[~real] = PADDING
        self.real = real

    def results(self) -> list[tuple[int, np.ndarray, np.ndarray, int]]:
        """``(model index, flat weights, stats rows, status)`` of each model of the part."""
        out = []
        for k, e in enumerate(self.idx):
            b, l = divmod(k, self.B)
            st = int(self.status[b, l])
            flat = (self.P if st == RUNNING else self.Pf)[b, :, l]
            out.append((e, flat.copy(), self.stats[b, l, :self.done[b, l]], st))
        return out


def train_models(cfgs: Sequence[RunConfig], datas: Sequence[Dataset] | None = None, *,
                 on_epoch: Callable[[float], None] | None = None) -> list[Run]:
    """Train every config on the compiled engine, all models at once; one :class:`Run` per config.

    ``datas``: one data set per config (default: each config's own, built once per distinct data).
    ``on_epoch(k)`` reports progress in epochs of the whole group (``k`` may be a fraction).
    """
    if not cfgs:
        return []
    unique, data_of = _datasets(cfgs, datas)
    reason = group_unsupported(cfgs, [unique[i] for i in data_of], auto=False)
    if reason is not None:
        raise ValueError(f"the compiled engine cannot train these runs together: {reason}")
    first, d0 = cfgs[0], unique[0]
    classification = d0.problem == "classification"
    template = build_model(first, d0)
    lay = Layout.of(first, template.widths, classification, max(d.num_classes for d in unique))
    epochs = first.epochs
    P = _initial_weights(cfgs, template.widths, lay)
    sets = [_arrays(d, first.loss) for d in unique]
    hyper = np.array([hyper_row(c) for c in cfgs])
    parts: dict[tuple, list[int]] = {}
    for e, c in enumerate(cfgs):
        s = sets[data_of[e]]
        parts.setdefault((*modes_row(c), len(s[0]), len(s[3])), []).append(e)
    blocks = [(_Part(idx, sets, data_of, P, hyper, epochs), key) for key, idx in parts.items()]
    net = (lay.woff, lay.boff, lay.widths, lay.acts, lay.ap)
    work = sum(p.P.shape[0] * p.B * max(1, key[3]) for p, key in blocks) * lay.size * 3
    chunk = max(1, min(epochs, int(LANE_WORK_PER_CALL // work)))
    for start in range(0, epochs, chunk):
        k = min(chunk, epochs - start)
        for part, (opt, reg, bs, _, _) in blocks:
            train_blocks(part.P, part.V, part.D, part.Pf, *net, *part.data, part.set_of, lay.loss, lay.mode,
                         part.hyper, opt, reg, bs, k, start == 0, part.stats, part.done, part.status)
        if on_epoch is not None:
            on_epoch(k)
    runs: list[Run | None] = [None] * len(cfgs)
    for part, _ in blocks:
        for e, flat, stats, status in part.results():
            runs[e] = _run(cfgs[e], unique[data_of[e]], template, lay, flat, stats, status, classification)
    return runs  # type: ignore[return-value]


def _run(cfg: RunConfig, data: Dataset, template: torch.nn.Module, lay: Layout, flat: np.ndarray,
         stats: np.ndarray, status: int, classification: bool) -> Run:
    model = MLP(template.widths[0], cfg.hidden, template.widths[-1], template.activation_names,
                activation_params=cfg.activation_params, init="zero", generator=_NO_DRAWS)
    with torch.no_grad():
        for p, src in zip(model.parameters(), lay.views(flat), strict=True):
            p.copy_(torch.from_numpy(src))
    tl, vl, ta, va = stat_columns(stats, classification, len(data.x_test))
    hist = History(list(range(len(tl))), tl, vl, ta, va)
    last = len(tl) - 1
    if status == DIVERGED:
        return Run(cfg, model, data, hist, "diverged", divergence_message(cfg, last, tl[-1]))
    if status == TARGET:
        return Run(cfg, model, data, hist, "target_loss", f"train loss reached {cfg.target_loss} at epoch {last}")
    return Run(cfg, model, data, hist)

