r"""Weight penalties with the playground's semantics: applied to weights only (never biases), after
the optimizer's step, using the weight from before the step.

For plain SGD this is exactly TensorFlow Playground's ``updateWeights``:
:math:`w \leftarrow w - \eta\,g - \eta\lambda\,R'(w_{\text{old}})`, with ``L1`` setting a weight that
crosses zero to exactly 0 and freezing it there (the playground's "dead link").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from ..registry import Registry


@dataclass(frozen=True)
class Regularizer:
    name: str
    der: Callable[[Tensor], Tensor] | None  # R'(w); None: no penalty
    clip_at_zero: bool = False
    latex: str = ""


REGULARIZERS: Registry[Regularizer] = Registry("regularization")
REGULARIZERS.register("none", Regularizer("none", None))
REGULARIZERS.register("l1", Regularizer("l1", torch.sign, clip_at_zero=True, latex=r"\lambda \sum |w|"))
REGULARIZERS.register("l2", Regularizer("l2", lambda w: w, latex=r"\tfrac{\lambda}{2} \sum w^2"))


@torch.no_grad()
def apply_penalty(reg: Regularizer, weights: list[Tensor], before: list[Tensor], dead: list[Tensor] | None,
                  step: float) -> None:
    """``w -= step * R'(w_before)`` in place; L1 zeroes (and marks in ``dead``) weights that cross 0."""
    if reg.der is None or step == 0:
        return
    for i, (w, w0) in enumerate(zip(weights, before, strict=True)):
        new = w - step * reg.der(w0)
        if reg.clip_at_zero:
            crossed = (w * new) < 0
            new = torch.where(crossed, torch.zeros_like(new), new)
            if dead is not None:
                dead[i] |= crossed
        w.copy_(new)
