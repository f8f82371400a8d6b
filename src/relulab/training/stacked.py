"""Train E runs that differ only in their weight seed as ONE stacked model: weights ``(E, out, in)``.

The fused forward/backward broadcasts over the leading axis, so each batch costs one set of calls
for all E models instead of E. Every operation acts on each model's slice alone (matmuls per model,
elementwise updates), so the result equals E separate runs -- the tests check it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch

from ..config import RunConfig
from ..objectives import OPTIMIZERS, apply_penalty
from .build import make_dataset
from .fused import FusedNet
from .history import EpochStats
from .loop import Trainer, train
from .run import Run


def stackable(cfgs: Sequence[RunConfig]) -> bool:
    """Same config up to ``weight_seed``, fused-capable, no early stop, no per-run shuffling."""
    first = cfgs[0].model_copy(update={"weight_seed": 0})
    return (all(c.model_copy(update={"weight_seed": 0}) == first for c in cfgs)
            and first.target_loss is None and not first.shuffle and first.engine != "autograd")


def train_many(cfgs: Sequence[RunConfig], *, on_epoch: Callable[[float], None] | None = None) -> list[Run]:
    """Runs for ``cfgs``: one stacked model when :func:`stackable`, else one run after another.

    ``on_epoch(k)`` reports progress in epochs of the whole group (k may be a fraction).
    """
    if not cfgs:
        return []
    data = make_dataset(cfgs[0])
    trainers = [Trainer(c, data=data) for c in cfgs] if stackable(cfgs) else []
    if not trainers or any(t.net is None for t in trainers):
        runs = []
        for c in cfgs:
            runs.append(train(c, data=data))
            if on_epoch is not None:
                on_epoch(c.epochs / len(cfgs))
        return runs
    return _train_stacked(trainers, on_epoch)


def _train_stacked(trainers: list[Trainer], on_epoch: Callable[[float], None] | None) -> list[Run]:
    t0, cfg = trainers[0], trainers[0].cfg
    nets = [t.net for t in trainers]
    n_layers = len(nets[0].weights)
    ws = [torch.stack([net.weights[k] for net in nets]).clone() for k in range(n_layers)]  # (E, out, in)
    bs = [torch.stack([net.biases[k] for net in nets]).clone() for k in range(n_layers)]   # (E, out)
    stack = FusedNet(ws, bs, nets[0].acts)
    params = stack.params
    opt = OPTIMIZERS.get(cfg.optimizer)(params, cfg)
    dead = [torch.zeros_like(w, dtype=torch.bool) for w in ws]
    x, t = t0.x_train, t0.t_train
    n, bs_ = len(x), cfg.batch_size
    diverged: dict[int, str] = {}
    for epoch in range(1, cfg.epochs + 1):
        for start in range(0, n, bs_):
            before = [w.clone() for w in ws] if t0.reg.der is not None else None
            for p, g in zip(params, stack.gradients(x[start:start + bs_], t[start:start + bs_], t0.loss,
                                                    t0.classification), strict=True):
                p.grad = g
            opt.step()
            if before is not None:
                apply_penalty(t0.reg, ws, before, dead, cfg.lr * cfg.reg_rate)
                if t0.reg.clip_at_zero:
                    for w, d in zip(ws, dead, strict=True):
                        w.masked_fill_(d, 0.0)
        for e, stats in enumerate(_evaluate(stack, t0, epoch)):
            if e in diverged:
                continue
            trainers[e].epoch = epoch
            trainers[e].history.append(stats)
            if not math.isfinite(stats.train_loss):
                diverged[e] = (f"training diverged at epoch {epoch}: train loss is {stats.train_loss}; "
                               f"lower the learning rate (lr={cfg.lr})")
        if on_epoch is not None:
            on_epoch(1)
    runs = []
    with torch.no_grad():
        for e, tr in enumerate(trainers):
            for k, lin in enumerate(tr.model.linears):
                lin.weight.copy_(ws[k][e])
                lin.bias.copy_(bs[k][e])
            runs.append(tr.to_run("diverged", diverged[e]) if e in diverged else tr.to_run())
    return runs


def _evaluate(stack: FusedNet, t0: Trainer, epoch: int) -> list[EpochStats]:
    """Per-model metrics for the whole stack at once."""
    k = t0.data.num_classes
    out: dict[str, list] = {}
    with torch.no_grad():
        for split, xs, ts, ys in (("train", t0.x_train, t0.t_train, t0.data.y_train),
                                  ("test", t0.x_test, t0.t_test, t0.data.y_test)):
            if len(xs) == 0:
                out[split] = [(math.nan, None)] * stack.weights[0].shape[0]
                continue
            z = stack.forward(xs)[0]  # (E, n, out)
            loss = t0.loss.value(z, ts, t0.classification).mean(-1).tolist()
            if t0.classification:
                acc = (t0.loss.decide(z, k) == ys.to(z.dtype)).to(z.dtype).mean(-1).tolist()
            else:
                acc = [None] * len(loss)
            out[split] = list(zip(loss, acc, strict=True))
    return [EpochStats(epoch, tl, vl, ta, va) for (tl, ta), (vl, va) in zip(out["train"], out["test"], strict=True)]
