r"""Weight penalties with the playground's semantics: applied to weights only (never biases), after
the optimizer's step, using the weight from before the step.

For plain SGD this is exactly TensorFlow Playground's ``updateWeights``:
:math:`w \leftarrow w - \eta\,g - \eta\lambda\,R'(w_{\text{old}})`, with ``L1`` setting a weight that
crosses zero to exactly 0 and freezing it there (the playground's "dead link").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
def apply_penalty(reg: Regularizer, weights: Sequence[Tensor], before: Sequence[Tensor],
                  dead: Sequence[Tensor] | None, steps: Sequence[float | Tensor]) -> None:
    """``w -= step * R'(w_before)`` in place, one step per weight (a float, or a tensor broadcasting
    against it: per-model rates of a stack); L1 zeroes (and marks in ``dead``) weights that cross 0."""
    if reg.der is None:
        return
    for i, (w, w0, step) in enumerate(zip(weights, before, steps, strict=True)):
        if isinstance(step, float) and step == 0:
            continue
        new = w - step * reg.der(w0)
        if reg.clip_at_zero:
            crossed = (w * new) < 0
            new = torch.where(crossed, torch.zeros_like(new), new)
            if dead is not None:
                dead[i] |= crossed
        w.copy_(new)
