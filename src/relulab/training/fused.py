r"""A fused forward/backward for plain MLPs: no autograd graph, one matmul per layer and direction.

For networks of a few units per layer PyTorch's per-call overhead is the whole cost, so this path
computes the gradients by hand. The same code serves one model (weights ``(out, in)``) and a stack
of ``E`` models (weights ``(E, out, in)``): ``torch.matmul`` broadcasts over the leading axis.

Backward, for ``z_k = h_{k-1} W_k^T + b_k`` and ``h_k = f(z_k)``:
``dW_k = dz_k^T h_{k-1}``, ``db_k = Σ_batch dz_k``, ``dz_{k-1} = (dz_k W_k) ⊙ f'(z_{k-1})``.
The tests check the gradients against autograd.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from ..activations import Activation
from ..objectives import Loss


@dataclass(frozen=True)
class FusedNet:
    """Views of an MLP's parameters: ``weights[k]`` is ``(…, out, in)``, ``biases[k]`` is ``(…, out)``."""

    weights: Sequence[Tensor]
    biases: Sequence[Tensor]
    acts: Sequence[tuple[Activation, dict[str, float]]]  # one per hidden layer

    def forward(self, x: Tensor) -> tuple[Tensor, list[Tensor], list[Tensor]]:
        """Output logits ``(…, n, out)`` and the per-layer inputs ``h`` and pre-activations ``z``."""
        hs, zs = [x], []
        h = x
        last = len(self.weights) - 1
        for k, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            if w.dim() == 2:
                z = torch.addmm(b, h, w.mT)  # (n, out)
            elif h.dim() == 2:  # a stack sharing its input: one matmul over W.reshape(E*out, in)
                e, o, i = w.shape
                z = torch.addmm(b.reshape(e * o), h, w.reshape(e * o, i).mT).view(len(h), e, o).transpose(0, 1)
            else:  # a stack: (E, n, out)
                z = torch.baddbmm(b.unsqueeze(-2), h, w.mT)
            if k == last:
                return z, hs, zs
            act, p = self.acts[k]
            zs.append(z)
            h = act.fn(z, **p)
            hs.append(h)
        raise AssertionError("a network has at least one linear layer")

    def gradients(self, x: Tensor, t: Tensor, loss: Loss, classification: bool, *, mean: bool = True) -> list[Tensor]:
        """Gradients of the batch loss (mean, or sum with ``mean=False``): weights, then biases."""
        z, hs, zs = self.forward(x)
        dz = loss.grad(z, t, classification)  # (…, n, out)
        if mean:
            dz = dz / x.shape[-2]
        gw: list[Tensor] = []
        gb: list[Tensor] = []
        for k in range(len(self.weights) - 1, -1, -1):
            w, h = self.weights[k], hs[k]
            if w.dim() == 3 and h.dim() == 2:  # shared input: dW for all models in one matmul
                e, o, i = w.shape
                flat = dz.transpose(0, 1).reshape(len(h), e * o)  # (n, E*out); a view when dz is laid out so
                gw.append((flat.mT @ h).view(e, o, i))
                gb.append(flat.sum(0).view(e, o))
            else:
                gw.append(torch.matmul(dz.mT, h))  # (…, out, in)
                gb.append(_sum_points(dz))  # (…, out)
            if k > 0:
                act, p = self.acts[k - 1]
                dz = torch.matmul(dz, w) * act.derivative(zs[k - 1], **p)
        gw.reverse()
        gb.reverse()
        return gw + gb

    @property
    def params(self) -> list[Tensor]:
        return [*self.weights, *self.biases]

    def model_first(self) -> list[Tensor]:
        """The parameters, weights then biases (a stack's are ``(E, …)`` already)."""
        return self.params

    @staticmethod
    def inputs(x: Tensor) -> Tensor:
        """Inputs in this engine's layout: as they are."""
        return x

    def logits(self, x: Tensor) -> Tensor:
        """``(…, n, out)``."""
        with torch.no_grad():
            return self.forward(x)[0]


def _sum_points(dz: Tensor) -> Tensor:
    """``dz.sum(-2)``; for a stack ``(E, n, out)`` as a batched product with ones, which is several times
    faster than torch's reduction over a short middle axis."""
    if dz.dim() == 3:
        return torch.bmm(dz.new_ones(dz.shape[0], 1, dz.shape[1]), dz).squeeze(-2)
    return dz.sum(-2)

