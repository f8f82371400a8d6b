"""A stack of E MLPs trained with autograd: for activations that learn parameters per unit (PReLU:
slopes ``(E, 1, units)``, one per model and unit, as ``nn.PReLU(units)`` holds in each lone run) or
have no closed-form derivative (GELU, SiLU, ...). Weights ``(E, out, in)``.

The forward pass is the fused one's (the first layer one matmul when the models share their data);
the gradients come from autograd on the sum of the models' losses, which is each model's own gradient
because no parameter is shared. ``STACKED_FORMS`` gives each learnable activation its form with a
per-model, per-unit parameter tensor; an activation missing there cannot be stacked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from ..activations import Activation
from .step import Autograd

# name -> f(z, a) with z (E, n, units) and a (E, 1, units); the slope of x <= 0 as F.prelu (and its gradient)
STACKED_FORMS: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "prelu": lambda z, a: torch.where(z > 0, z, a * z),
}


class LearnedStack(Autograd):
    """Weights, biases and learned activation parameters of E models (gradients: :class:`~.step.Autograd`)."""

    def __init__(self, weights: Sequence[Tensor], biases: Sequence[Tensor],
                 acts: Sequence[tuple[Activation, dict[str, float]]]) -> None:
        self.weights = [w.requires_grad_() for w in weights]
        self.biases = [b.requires_grad_() for b in biases]
        self.acts = list(acts)
        e = weights[0].shape[0]
        self.learned: list[Tensor | None] = []  # per hidden layer: (E, 1, units) or None
        for (act, p), w in zip(self.acts, self.weights, strict=False):
            if not act.learnable:
                self.learned.append(None)
                continue
            start = act.module(w.shape[1], **p).to(w.dtype).weight.detach()  # what a lone run starts from
            self.learned.append(start.expand(e, 1, -1).clone().requires_grad_())
        self.extra = [a for a in self.learned if a is not None]

    @property
    def params(self) -> list[Tensor]:
        return [*self.weights, *self.biases, *self.extra]

    def model_first(self) -> list[Tensor]:
        return [p.detach() for p in self.params]

    @staticmethod
    def inputs(x: Tensor) -> Tensor:
        return x

    def forward(self, x: Tensor) -> Tensor:
        h, last = x, len(self.weights) - 1
        for k, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            e, o, i = w.shape
            if h.dim() == 2:  # shared input: one matmul over W.reshape(E*out, in)
                z = torch.addmm(b.reshape(e * o), h, w.reshape(e * o, i).mT).view(len(h), e, o).transpose(0, 1)
            else:
                z = torch.baddbmm(b.unsqueeze(-2), h, w.mT)
            if k == last:
                return z
            act, p = self.acts[k]
            a = self.learned[k]
            h = STACKED_FORMS[act.name](z, a) if a is not None else act.fn(z, **p)
        raise AssertionError("a network has at least one linear layer")
