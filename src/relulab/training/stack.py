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
from typing import NamedTuple

import torch
from torch import Tensor

from ..activations import Activation
from ..config import RunConfig
from ..data import Dataset
from ..models import init_stack
from .build import DTYPES
from .engines import act_pairs, widths
from .fused import FusedNet
from .history import DIVERGED
from .learned import LearnedStack
from .narrow import NarrowStack
from .run import Result
from .step import Rule, Update, encode, metrics_from_logits

StackNet = FusedNet | NarrowStack | LearnedStack  # forward/gradients/logits/inputs/model_first, one layout each
LAYOUTS: dict[str, Callable[..., StackNet]] = {"stack-narrow": NarrowStack.from_model_first, "stack-batched": FusedNet,
                                               "stack-learned": LearnedStack}


class StackData(NamedTuple):
    """Train/test inputs, targets and labels: ``(n, …)`` when every model has the same data (``axis`` 0),
    else ``(E, n, …)`` (``axis`` 1, the points' axis)."""

    x_tr: Tensor
    t_tr: Tensor
    x_te: Tensor
    t_te: Tensor
    y_tr: Tensor
    y_te: Tensor
    axis: int
    classification: bool
    num_classes: int


def stack_inputs(cfgs: Sequence[RunConfig], datas: Sequence[Dataset]
                 ) -> tuple[list[Tensor], list[Tensor], list[tuple[Activation, dict[str, float]]], Rule, StackData]:
    """Configs of one stack key (one data set each) as :func:`train_stack` reads them, THE place the torch
    stack reads configs: initial weights ``(E, out, in)`` and biases ``(E, out)`` drawn as ``build_model``
    draws them (:func:`init_stack`), the activations with their parameters, the :class:`Rule`, the data."""
    cfg, d0, dtype = cfgs[0], datas[0], DTYPES[cfgs[0].dtype]
    rule, shared = Rule.of(cfgs, dtype), all(d is d0 for d in datas)
    unique = {id(d): [*encode(d, rule.loss, dtype), d.y_train, d.y_test] for d in datas}
    parts = [unique[id(d)] for d in datas]
    arrays = parts[0] if shared else [torch.stack([p[i] for p in parts]) for i in range(6)]
    weights, biases = init_stack(widths(cfg, d0), cfg.layer_activations(), cfg.activation_params, cfg.init,
                                 [c.weight_seed for c in cfgs], dtype)
    return (weights, biases, act_pairs(cfg.layer_activations(), cfg.activation_params), rule,
            StackData(*arrays, 0 if shared else 1, d0.problem == "classification", d0.num_classes))


def train_stack(layout: str, weights: Sequence[Tensor], biases: Sequence[Tensor],
                acts: Sequence[tuple[Activation, dict[str, float]]], rule: Rule, data: StackData, epochs: int,
                on_epoch: Callable[[float], None] | None = None) -> list[Result]:
    """E models as one stack in ``layout`` (``stack-narrow``, ``stack-batched``, ``stack-learned``) from
    initial ``weights`` ``(E, out, in)`` and ``biases`` ``(E, out)``: per model (parameters, stats rows,
    status). ``on_epoch(1.0)`` after every epoch."""
    loss, classification, k, axis = rule.loss, data.classification, data.num_classes, data.axis
    n_tr, n_te = data.x_tr.shape[axis], data.x_te.shape[axis]
    narrow = layout == "stack-narrow"
    net: StackNet = LAYOUTS[layout](weights, biases, acts)
    x_tr, x_all = net.inputs(data.x_tr), net.inputs(torch.cat([data.x_tr, data.x_te], dim=axis))  # one pass: both
    x_axis = 0 if narrow else axis  # the points' axis of the inputs in the engine's layout
    update = Update(net, rule, classification, model_axis=-1 if narrow else 0, points_axis=0 if narrow else -2)

    def evaluate() -> Tensor:
        """``(4, E)``: train loss, test loss, train accuracy, test accuracy (NaN where there is none)."""
        z = net.logits(x_all)  # (E, n_tr + n_te, out)
        rows = []
        for start, n, t, y in ((0, n_tr, data.t_tr, data.y_tr), (n_tr, n_te, data.t_te, data.y_te)):
            value, acc = metrics_from_logits(loss, z.narrow(1, start, n), t, y, classification, k)
            rows.append((value, acc if acc is not None else torch.full_like(value, float("nan"))))
        return torch.stack([rows[0][0], rows[1][0], rows[0][1], rows[1][1]])

    records = [evaluate()]
    stopped: dict[int, tuple[int, list[Tensor]]] = {}  # model -> (epoch, weights then)
    for epoch in range(1, epochs + 1):
        for start in range(0, n_tr, rule.batch_size):
            size = min(rule.batch_size, n_tr - start)
            update(x_tr.narrow(x_axis, start, size), data.t_tr.narrow(axis, start, size))
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
            ([p[e] for p in params], rows[e], 0) for e in range(len(weights[0]))]
