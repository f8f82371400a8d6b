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
from ..models import MLP, init_stack
from ..models.stacked import unstack
from ..objectives import LOSSES, OPTIMIZERS, REGULARIZERS
from .build import DTYPES
from .fused import FusedNet
from .history import STATUSES, History
from .learned import LearnedStack
from .narrow import NarrowStack
from .run import Run
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
                engine: tuple[str, str]) -> list[Run]:
    """Train ``cfgs`` (one stack key) on ``datas`` (one per config) as one stack; ``engine``: the layout's
    name (``stack-narrow``, ``stack-batched``, ``stack-learned``) and the reason it was chosen."""
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
    narrow = engine[0] == "stack-narrow"
    net: StackNet = (LearnedStack(weights, biases, pairs, dtype) if engine[0] == "stack-learned"
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
    return _runs(cfgs, datas, net.model_first(), torch.stack(records), stopped, classification, n_te > 0, engine)


def _runs(cfgs: Sequence[RunConfig], datas: Sequence[Dataset], params: list[Tensor], records: Tensor,
          stopped: dict[int, tuple[int, list[Tensor]]], classification: bool, has_test: bool,
          engine: tuple[str, str]) -> list[Run]:
    """One :class:`Run` per model from the stack's parameters (weights, biases, then learned activation
    parameters, ``(E, …)``) and its ``(epochs + 1, 4, E)`` metrics."""
    cfg = cfgs[0]
    per_model_rows = records.permute(2, 0, 1).to(torch.float64).numpy()  # (E, epochs + 1, 4)
    names, dtype, half = cfg.layer_activations(), DTYPES[cfg.dtype], len(cfg.hidden) + 1
    dummy = torch.Generator()
    runs = []
    for e, (c, data) in enumerate(zip(cfgs, datas, strict=True)):
        last, code, mine, i = cfg.epochs, 0, params, e
        if e in stopped:
            last, snapshot = stopped[e]
            code, mine, i = STATUSES.index("diverged"), [p.unsqueeze(0) for p in snapshot], 0
        history = History()
        history.extend(0, per_model_rows[e, :last + 1], classification, has_test)
        model = MLP(params[0].shape[-1], c.hidden, params[half - 1].shape[-2], names,
                    activation_params=c.activation_params, init="zero", generator=dummy, dtype=dtype)
        unstack(model, mine[:half], mine[half:2 * half], i)
        with torch.no_grad():
            learned = [p for m in model.activations for p in m.parameters()]  # PReLU slopes, (units,) each
            for p, a in zip(learned, mine[2 * half:], strict=True):
                p.copy_(a[i].reshape(-1))
        runs.append(Run.finished(c, model, data, history, code, engine))
    return runs
