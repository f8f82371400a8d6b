"""The analysis panels of a frame: accuracy and confusion counts, dead units / sparsity / gradient
norms (:func:`relulab.analysis.inspect.inspect`), the linear-collapse view
(:func:`relulab.analysis.collapse.collapse`) and the exact linear regions (:mod:`.overlay`).

Each function takes a :class:`~relulab.server.lab.Lab` and returns plain JSON-ready data; a
panel that does not apply says why in ``"refused"`` rather than raising.
"""

from __future__ import annotations

from typing import Any

import torch

from ..activations import get_activation
from ..analysis.collapse import collapse
from ..analysis.inspect import inspect
from .lab import Lab
from .wire import clean


def confusion(lab: Lab) -> dict[str, Any] | None:
    """Counts on the test points: ``matrix[true][predicted]`` (two classes: -1 is row 0, +1 row 1)."""
    t, data = lab.trainer, lab.trainer.data
    if data.problem != "classification" or len(data.y_test) == 0:
        return None
    z = t.logits(t.x_test)
    k = max(data.num_classes, 2)
    pred = torch.where(z[:, 0] > 0, 1.0, -1.0) if lab.perceptron else t.loss.decide(z, data.num_classes)
    to_idx = (lambda v: (v > 0).long()) if data.num_classes == 2 else (lambda v: v.long())
    m = torch.zeros(k, k, dtype=torch.long)
    m.index_put_((to_idx(data.y_test), to_idx(pred)), torch.ones(len(pred), dtype=torch.long), accumulate=True)
    labels = ["-1", "+1"] if data.num_classes == 2 else [str(i) for i in range(k)]
    return {"labels": labels, "matrix": m.tolist()}


def diagnostics(lab: Lab) -> dict[str, Any] | None:
    """Per hidden layer: dead units, sparsity (exact zeros), ``||dL/dy||``; per linear layer ``||dL/dW||``.

    Measured on the training points with the run's own loss.
    """
    t = lab.trainer
    if lab.perceptron or not len(t.x_train):
        return None
    hidden = sum(lab.model_cfg.hidden)
    linear = [n for n in lab.model_cfg.layer_activations() if get_activation(n).linear]
    if hidden and len(linear) == len(lab.model_cfg.hidden):
        names = ", ".join(sorted(set(linear)))
        return {"refused": f"{hidden} hidden unit{'s' if hidden != 1 else ''}, all linear ({names}): a linear "
                           "unit passes every value on, so none can die or be exactly zero",
                "units_total": hidden}
    loss, cls = t.loss, t.classification
    report = inspect(t.model, t.x_train, t.t_train, lambda out, tgt: loss.value(out, tgt, cls).mean())
    layers = [{"name": s.activation, "units": s.units, "dead": list(s.dead), "sparsity": float(s.sparsity.mean()),
               "active": s.active.tolist(), "grad_norm": s.grad_norm} for s in report.sites]
    weight_norms = [report.weight_grad_norms.get(f"{i}.weight") for i, m in enumerate(t.model)
                    if isinstance(m, torch.nn.Linear)]
    return clean({"layers": layers, "weight_grad_norms": weight_norms,
                  "dead_total": sum(len(s.dead) for s in report.sites),
                  "units_total": sum(s.units for s in report.sites)}, 6)


def linear_collapse(lab: Lab) -> dict[str, Any]:
    """When every hidden activation is linear: the one affine map the whole network equals."""
    names = lab.model_cfg.layer_activations()
    nonlinear = sorted({n for n in names if not get_activation(n).linear})
    if nonlinear:
        return {"refused": f"the network is not linear: {', '.join(nonlinear)} bends it. Choose the "
                           f"'identity' (linear) activation to see every layer fold into one."}
    r = collapse(lab.trainer.model, generator=torch.Generator().manual_seed(0), samples=64)
    if not r.linear or r.layer is None:  # pragma: no cover - identity layers always fold
        return {"refused": str(r)}
    return clean({"layers": len(lab.trainer.model.linears), "features": list(lab.trainer.data.features),
                  "weight": r.layer.weight.detach().tolist(), "bias": r.layer.bias.detach().tolist(),
                  "rank": r.rank, "max_abs_diff": r.max_abs_diff, "method": r.method}, 6)
