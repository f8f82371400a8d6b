"""E MLPs of one shape as weight stacks: ``weights[k]`` is ``(E, out, in)``, ``biases[k]`` is ``(E, out)``.

Model ``e`` of the stack is initialised from its own generator ``seeds[e]`` exactly as
:class:`~relulab.models.MLP` would be, so a stack starts from the numbers of E separate models.

>>> ws, bs = init_stack((2, 3, 1), ("relu",), {}, "playground", [0, 1])
>>> [tuple(w.shape) for w in ws], [tuple(b.shape) for b in bs]
([(2, 3, 2), (2, 1, 3)], [(2, 3), (2, 1)])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch import Tensor

from .init import init_layers
from .mlp import MLP, layer_gains


@torch.no_grad()
def init_stack(widths: Sequence[int], activations: Sequence[str], params: Mapping[str, float], init: str,
               seeds: Sequence[int], dtype: torch.dtype = torch.float64) -> tuple[list[Tensor], list[Tensor]]:
    """Weights and biases of ``len(seeds)`` models with widths ``(in, *hidden, out)``, model ``e`` drawn
    from ``torch.Generator().manual_seed(seeds[e])`` as ``MLP(..., generator=...)`` draws."""
    pairs = list(zip(widths[:-1], widths[1:], strict=True))
    ws = [torch.empty(len(seeds), b, a, dtype=dtype) for a, b in pairs]
    bs = [torch.empty(len(seeds), b, dtype=dtype) for _, b in pairs]
    gains = layer_gains(activations, params)
    for e, seed in enumerate(seeds):
        init_layers([w[e] for w in ws], [b[e] for b in bs], gains, init, torch.Generator().manual_seed(seed))
    return ws, bs


@torch.no_grad()
def unstack(mlp: MLP, weights: Sequence[Tensor], biases: Sequence[Tensor], e: int) -> MLP:
    """``mlp`` with the weights of model ``e`` of a stack copied in (returned for chaining)."""
    for lin, w, b in zip(mlp.linears, weights, biases, strict=True):
        lin.weight.copy_(w[e])
        lin.bias.copy_(b[e])
    return mlp
