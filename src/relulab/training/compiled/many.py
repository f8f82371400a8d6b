"""Many models at once on the compiled engine: E runs of one network shape, a ``prange`` over models.

The runs may differ in everything but the network and the loss: weight seed, data (per-model data
sets), learning rate, momentum, regularization and its rate, batch size, target loss. Each model
trains on its own, exactly as :class:`~relulab.training.Trainer` would (tested to 1e-12), on all cores.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence

import numpy as np
import torch

from ...config import RunConfig
from ...data import Dataset
from ...models import init_stack
from ...objectives import LOSSES
from ..build import build_model, make_dataset
from ..history import History
from ..run import Run
from ..step import divergence_message
from . import group_unsupported
from .engine import WORK_PER_CALL, Layout, hyper_row, modes_row, split_arrays
from .loops import evaluate_models
from .loops import train_models as _train_models_kernel

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


def _stack(datas: list[Dataset], split: str, loss_name: str) -> tuple[np.ndarray, ...]:
    loss = LOSSES.get(loss_name)
    parts = []
    for d in datas:
        x = d.train_inputs if split == "train" else d.test_inputs
        y = d.y_train if split == "train" else d.y_test
        parts.append(split_arrays(x, loss.targets(y.to(torch.float64) if y.is_floating_point() else y,
                                                  d.num_classes), y))
    off = np.cumsum([0] + [len(p[0]) for p in parts]).astype(np.int64)
    return (*(np.ascontiguousarray(np.concatenate([p[i] for p in parts])) for i in range(3)), off)


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
    E, epochs = len(cfgs), first.epochs
    P = _initial_weights(cfgs, template.widths, lay)
    V, D = np.zeros_like(P), np.zeros(P.shape, dtype=np.uint8)
    X, T, Y, off = _stack(unique, "train", first.loss)
    Xt, Tt, Yt, offt = _stack(unique, "test", first.loss)
    ids = np.array(data_of, dtype=np.int64)
    hyper = np.array([hyper_row(c) for c in cfgs])
    modes = np.array([modes_row(c) for c in cfgs], dtype=np.int64)
    stats = np.empty((E, epochs + 1, 4))
    net = (lay.woff, lay.boff, lay.widths, lay.acts, lay.ap)
    evaluate_models(P, *net, X, T, Y, Xt, Tt, Yt, off, offt, ids, lay.loss, lay.mode, stats[:, 0])
    done, status = np.ones(E, dtype=np.int64), np.zeros(E, dtype=np.int64)
    work = E * max(1, off[-1] // len(unique)) * lay.size * 3
    chunk = max(1, min(epochs, int(WORK_PER_CALL // work)))
    for start in range(0, epochs, chunk):
        k = min(chunk, epochs - start)
        _train_models_kernel(P, V, D, *net, X, T, Y, Xt, Tt, Yt, off, offt, ids, lay.loss, lay.mode, hyper,
                             modes, k, stats, done, status)
        if on_epoch is not None:
            on_epoch(k)
    return [_run(c, unique[data_of[e]], template, lay, P[e], stats[e, :done[e]], int(status[e]), classification)
            for e, c in enumerate(cfgs)]


def _run(cfg: RunConfig, data: Dataset, template: torch.nn.Module, lay: Layout, flat: np.ndarray,
         stats: np.ndarray, status: int, classification: bool) -> Run:
    model = copy.deepcopy(template)
    with torch.no_grad():
        for p, src in zip(model.parameters(), lay.views(flat), strict=True):
            p.copy_(torch.from_numpy(src))
    tl, vl, ta, va = stats.T.tolist()
    no_test = len(data.x_test) == 0
    hist = History(list(range(len(tl))), tl, vl, ta if classification else [None] * len(tl),
                   va if classification and not no_test else [None] * len(tl))
    last = len(tl) - 1
    if status == 1:
        return Run(cfg, model, data, hist, "diverged", divergence_message(cfg, last, tl[-1]))
    if status == 2:
        return Run(cfg, model, data, hist, "target_loss", f"train loss reached {cfg.target_loss} at epoch {last}")
    return Run(cfg, model, data, hist)

