"""The torch stack: E runs of one shape (differing in seeds, learning rate, regularization rate, momentum)
trained as ONE model of weight stacks ``(E, out, in)`` drawn at once (:func:`relulab.models.init_stack`);
per-model hyper-parameters are ``(E,)`` tensors; shared data is ``(n, in)``, per-model data ``(E, n, in)``.
Every operation acts on each model's slice alone (equal to E separate runs to 1e-12 in float64); a model
that diverges stops there with its weights, the rest train on. Layouts: ``stack-narrow`` (model axis
last, :mod:`.narrow`), ``stack-batched`` (:class:`~.fused.FusedNet`), ``stack-learned`` (autograd,
:mod:`.learned`). Each batch is one :class:`~.step.Update`, each epoch one pass over train + test points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from ..activations import get_activation
from ..config import RunConfig
from ..data import Dataset
from ..models import init_stack
from ..objectives import LOSSES, OPTIMIZERS, REGULARIZERS
from .build import DTYPES
from .fused import FusedNet
from .history import DIVERGED
from .learned import LearnedStack
from .narrow import NarrowStack
from .run import Result
from .step import Update, encode, metrics_from_logits

StackNet = FusedNet | NarrowStack | LearnedStack  # forward/gradients/logits/inputs/model_first, one layout each


def per_model(values: Sequence[float], dtype: torch.dtype) -> float | Tensor:
    """One float when every model has the same value (the lone run's arithmetic), else an ``(E,)`` tensor."""
    return float(values[0]) if len(set(values)) == 1 else torch.tensor(values, dtype=dtype)


def _stack_data(datas: Sequence[Dataset], cfg: RunConfig) -> tuple[list[Tensor], int]:
    """Train/test inputs and targets: ``(n, …)`` when every model has the same data, else ``(E, n, …)``.
    Returns them and the axis of the points."""
    loss, dtype = LOSSES.get(cfg.loss), DTYPES[cfg.dtype]
    if all(d is datas[0] for d in datas):
        return list(encode(datas[0], loss, dtype)), 0
    unique = {id(d): encode(d, loss, dtype) for d in datas}
    parts = [unique[id(d)] for d in datas]
    return [torch.stack([p[i] for p in parts]) for i in range(4)], 1


def _labels(datas: Sequence[Dataset], split: str, axis: int) -> Tensor:
    ys = [getattr(d, f"y_{split}") for d in datas]
    return ys[0] if axis == 0 else torch.stack(ys)


def train_stack(cfgs: Sequence[RunConfig], datas: Sequence[Dataset], on_epoch: Callable[[float], None] | None,
                layout: str) -> list[Result]:
    """Train ``cfgs`` (one stack key) on ``datas`` (one per config) as one stack in ``layout``
    (``stack-narrow``, ``stack-batched``, ``stack-learned``): per model (parameters, stats rows, status)."""
    cfg, data = cfgs[0], datas[0]
    dtype, loss = DTYPES[cfg.dtype], LOSSES.get(cfg.loss)
    classification, k = data.problem == "classification", data.num_classes
    (x_tr, t_tr, x_te, t_te), axis = _stack_data(datas, cfg)
    y_tr, y_te = _labels(datas, "train", axis), _labels(datas, "test", axis)
    n_tr, n_te = x_tr.shape[axis], x_te.shape[axis]

    names = cfg.layer_activations()
    acts = [get_activation(a) for a in names]
    widths = (x_tr.shape[-1], *cfg.hidden, loss.out_dim(k))
    weights, biases = init_stack(widths, names, cfg.activation_params, cfg.init, [c.weight_seed for c in cfgs], dtype)
    resolved = [a.resolve(**{p: v for p, v in cfg.activation_params.items() if p in a.params}) for a in acts]
    pairs = list(zip(acts, resolved, strict=True))
    narrow = layout == "stack-narrow"
    net: StackNet = (LearnedStack(weights, biases, pairs, dtype) if layout == "stack-learned"
                     else NarrowStack.from_model_first(weights, biases, pairs) if narrow
                     else FusedNet(weights, biases, pairs))
    x_tr, x_all = net.inputs(x_tr), net.inputs(torch.cat([x_tr, x_te], dim=axis))  # one pass evaluates both
    x_axis = 0 if narrow else axis  # the points' axis of the inputs in the engine's layout
    update = Update(net.params, net.weights, lambda x, t, mean: net.gradients(x, t, loss, classification, mean=mean),
                    optimizer=OPTIMIZERS.get(cfg.optimizer), reg=REGULARIZERS.get(cfg.regularization),
                    lr=per_model([c.lr for c in cfgs], dtype), reg_rate=per_model([c.reg_rate for c in cfgs], dtype),
                    momentum=per_model([c.momentum for c in cfgs], dtype), model_axis=-1 if narrow else 0,
                    points_axis=0 if narrow else -2)

    def evaluate() -> Tensor:
        """``(4, E)``: train loss, test loss, train accuracy, test accuracy (NaN where there is none)."""
        z = net.logits(x_all)  # (E, n_tr + n_te, out)
        rows = []
        for start, n, t, y in ((0, n_tr, t_tr, y_tr), (n_tr, n_te, t_te, y_te)):
            value, acc = metrics_from_logits(loss, z.narrow(1, start, n), t, y, classification, k)
            rows.append((value, acc if acc is not None else torch.full_like(value, float("nan"))))
        return torch.stack([rows[0][0], rows[1][0], rows[0][1], rows[1][1]])

    records = [evaluate()]
    stopped: dict[int, tuple[int, list[Tensor]]] = {}  # model -> (epoch, weights then)
    batch = cfg.batch_size
    for epoch in range(1, cfg.epochs + 1):
        for start in range(0, n_tr, batch):
            size = min(batch, n_tr - start)
            update(x_tr.narrow(x_axis, start, size), t_tr.narrow(axis, start, size))
        records.append(evaluate())
        bad = ~torch.isfinite(records[-1][0])
        if bad.any():
            for e in bad.nonzero().flatten().tolist():
                if e not in stopped:
                    stopped[e] = (epoch, [p[e].clone() for p in net.model_first()])
        if on_epoch is not None:
            on_epoch(1.0)
    rows = torch.stack(records).permute(2, 0, 1).to(torch.float64).numpy()  # (E, epochs + 1, 4)
    params = net.model_first()  # weights, biases, learned activation parameters: (E, ...) each
    return [(stopped[e][1], rows[e, :stopped[e][0] + 1], DIVERGED) if e in stopped else
            ([p[e] for p in params], rows[e], 0) for e in range(len(cfgs))]
