"""The one rule that reads a column of labels as classes or as regression targets (CSV uploads in the
page, ``relulab train --data-csv``, :func:`~relulab.data.dataset_from_points`).

Integer labels with at most :data:`MAX_CLASSES` distinct values forming ``{-1, 1}``, ``{0, 1}`` (two
classes, scikit-learn's usual format) or ``{0, ..., k-1}`` (k classes) are classes; anything else is
regression. Two classes are stored as -1/+1 (the playground's encoding), k classes as 0..k-1.
``reason`` is the sentence that says which was chosen and why.

>>> read_labels(torch.tensor([0., 1., 1.])).reason
'labels {0, 1}: two classes (0 is read as -1)'
>>> read_labels(torch.tensor([0., 2., 1.])).num_classes
3
>>> read_labels(torch.tensor([0.5, 1.0])).reason
'labels are not integers (0.5, ...): regression targets'
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

MAX_CLASSES = 10


@dataclass(frozen=True)
class Labels:
    problem: str  # "classification" or "regression"
    labels: Tensor  # float64: -1/+1 for two classes, 0..k-1 for k, the values for regression
    num_classes: int  # 0 for regression
    reason: str


def _show(values: list[float]) -> str:
    return "{" + ", ".join(f"{v:g}" for v in values[:6]) + (", ..." if len(values) > 6 else "") + "}"


def read_labels(y: Tensor) -> Labels:
    """Classes or regression targets, by the rule above; ``y`` of shape ``(n,)``."""
    y = torch.as_tensor(y, dtype=torch.float64)
    if not bool(torch.isfinite(y).all()):
        raise ValueError("labels must be finite numbers, got NaN or infinity")
    frac = y[y != y.round()]
    if len(frac):
        return Labels("regression", y, 0, f"labels are not integers ({float(frac[0]):g}, ...): regression targets")
    values = torch.unique(y).tolist()
    shown = _show(values)
    if len(values) > MAX_CLASSES:
        return Labels("regression", y, 0, f"{len(values)} distinct integer labels (more than {MAX_CLASSES}): "
                                          "regression targets")
    if values == [-1.0, 1.0]:
        return Labels("classification", y, 2, "labels {-1, 1}: two classes")
    if values == [0.0, 1.0]:
        return Labels("classification", 2 * y - 1, 2, "labels {0, 1}: two classes (0 is read as -1)")
    if len(values) > 2 and values == [float(i) for i in range(len(values))]:
        return Labels("classification", y, len(values), f"labels {shown}: {len(values)} classes")
    return Labels("regression", y, 0, f"labels {shown} are not {{-1, 1}}, {{0, 1}} or {{0, ..., k-1}}: "
                                      "regression targets")
