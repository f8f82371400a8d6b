r"""A stack of E narrow MLPs with the model axis LAST: weights ``(out, in, E)``, activations ``(n, width, E)``.

For the playground's nets (a few units per layer) a batched matmul over E models of 3x3 matrices
spends its time on per-matrix overhead, and a reduction over the points of a ``(E, n, 3)`` tensor
on its short middle axis. With E innermost every step is an elementwise operation over contiguous
rows of E numbers, vectorised across the models: a layer is ``z = b + Σ_i h[:, i] ⊙ W[:, i]`` (one
``addcmul`` per input unit), its gradients ``dW = Σ_n dz ⊗ h`` and ``db = Σ_n dz`` are reductions
over the outer axis. A first layer whose input all models share is one matmul with
``W.reshape(in, out·E)``, forward and backward. The same formulas as :class:`~.fused.FusedNet`
(checked against it and against separate runs in the tests); only the order of a few sums differs.

The loss sees the logits as ``(E, n, out)`` (a view), as everywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from ..activations import Activation
from ..objectives import Loss

MAX_WIDTH = 8  # widest layer (inputs included) for which this layout beats batched matmuls
CHUNK = 2 ** 17  # numbers per intermediate when evaluating many points


def _outer_sum(dz: Tensor, h: Tensor) -> Tensor:
    """``Σ_n dz[n, :, None] ⊙ h[n, None, :]`` -> ``(out, in, E)``: point by point into one accumulator for
    small batches (no ``(n, out, in, E)`` temporary, which costs more in page faults than in arithmetic)."""
    if dz.shape[0] > 32:
        return (dz.unsqueeze(2) * h.unsqueeze(1)).sum(0)
    acc = dz[0].unsqueeze(1) * h[0].unsqueeze(0)
    for j in range(1, dz.shape[0]):
        acc.addcmul_(dz[j].unsqueeze(1), h[j].unsqueeze(0))
    return acc


@dataclass(frozen=True)
class NarrowStack:
    """``weights[k]`` ``(out, in, E)``, ``biases[k]`` ``(out, E)``, one activation per hidden layer."""

    weights: Sequence[Tensor]
    biases: Sequence[Tensor]
    acts: Sequence[tuple[Activation, dict[str, float]]]

    @classmethod
    def from_model_first(cls, weights: Sequence[Tensor], biases: Sequence[Tensor],
                         acts: Sequence[tuple[Activation, dict[str, float]]]) -> NarrowStack:
        """From stacks ``(E, out, in)`` / ``(E, out)`` (copied into this layout)."""
        return cls([w.permute(1, 2, 0).contiguous() for w in weights],
                   [b.permute(1, 0).contiguous() for b in biases], acts)

    @property
    def params(self) -> list[Tensor]:
        return [*self.weights, *self.biases]

    def model_first(self) -> list[Tensor]:
        """Views of the parameters as ``(E, out, in)`` and ``(E, out)``: weights, then biases."""
        return [w.permute(2, 0, 1) for w in self.weights] + [b.permute(1, 0) for b in self.biases]

    @staticmethod
    def inputs(x: Tensor) -> Tensor:
        """Per-model inputs ``(E, n, in)`` in this layout ``(n, in, E)``; shared inputs ``(n, in)`` as they are."""
        return x.permute(1, 2, 0).contiguous() if x.dim() == 3 else x

    def _layer(self, k: int, h: Tensor) -> Tensor:
        w, b = self.weights[k], self.biases[k]
        o, i, e = w.shape
        if h.dim() == 2:  # shared input (n, in): one matmul for all models
            return torch.addmm(b.reshape(o * e), h, w.transpose(0, 1).reshape(i, o * e)).view(len(h), o, e)
        z = h[:, 0:1] * w[:, 0] + b  # (n, out, E)
        for j in range(1, i):
            z.addcmul_(h[:, j:j + 1], w[:, j])
        return z

    def forward(self, x: Tensor) -> tuple[Tensor, list[Tensor], list[Tensor]]:
        """Logits ``(n, out, E)`` and the per-layer inputs ``h`` and pre-activations ``z``."""
        hs, zs, h = [x], [], x
        for k in range(len(self.weights) - 1):
            act, p = self.acts[k]
            z = self._layer(k, h)
            zs.append(z)
            h = act.fn(z, **p)
            hs.append(h)
        return self._layer(len(self.weights) - 1, h), hs, zs

    def logits(self, x: Tensor) -> Tensor:
        """``(E, n, out)``, computed a chunk of points at a time: intermediates of about ``CHUNK`` numbers
        stay in the cache (3x faster on 1,000 models x 500 points than one pass)."""
        widest = max(max(w.shape[0], w.shape[1]) for w in self.weights)
        step = max(1, CHUNK // (widest * self.weights[0].shape[-1]))
        with torch.no_grad():
            z = torch.cat([self.forward(x[i:i + step])[0] for i in range(0, x.shape[0], step)])
        return z.permute(2, 0, 1).contiguous()

    def gradients(self, x: Tensor, t: Tensor, loss: Loss, classification: bool, *, mean: bool = True) -> list[Tensor]:
        """Gradients of each model's batch loss (mean, or sum with ``mean=False``): weights, then biases.
        ``t``: targets ``(n, …)`` shared or ``(E, n, …)`` per model, as the loss encodes them."""
        z, hs, zs = self.forward(x)
        dz = loss.grad(z.permute(2, 0, 1), t, classification).permute(1, 2, 0).contiguous()  # (n, out, E)
        n = z.shape[0]
        if mean:
            dz = dz / n
        gw: list[Tensor] = []
        gb: list[Tensor] = []
        for k in range(len(self.weights) - 1, -1, -1):
            w, h = self.weights[k], hs[k]
            o, i, e = w.shape
            if h.dim() == 2:  # shared input: dW = hᵀ dz in one matmul
                gw.append((h.mT @ dz.reshape(n, o * e)).view(i, o, e).transpose(0, 1))
            else:
                gw.append(_outer_sum(dz, h))  # (out, in, E)
            gb.append(dz.sum(0))  # (out, E)
            if k > 0:
                dh = dz[:, 0:1] * w[0]  # (n, in, E)
                for j in range(1, o):
                    dh.addcmul_(dz[:, j:j + 1], w[j])
                act, p = self.acts[k - 1]
                dz = dh * act.derivative(zs[k - 1], **p)
        gw.reverse()
        gb.reverse()
        return gw + gb
