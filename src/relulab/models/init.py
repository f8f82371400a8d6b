"""Weight initialisers, by name: the playground's, PyTorch's default, He and Xavier.

Each takes a layer's weight ``(out, in)`` and bias ``(out,)`` (tensors: a linear layer's, or one model's
slice of a stack), the gain of the activation that follows it and an explicit generator.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import Tensor, nn

from ..registry import Registry

Init = Callable[[Tensor, Tensor, float, torch.Generator], None]  # (weight, bias, gain, generator)
INITS: Registry[Init] = Registry("init")


@torch.no_grad()
def _playground(weight: Tensor, bias: Tensor, gain: float, g: torch.Generator) -> None:
    # TensorFlow Playground: every link weight Math.random() - 0.5, every bias 0.1.
    weight.copy_(torch.rand(weight.shape, generator=g, dtype=torch.float64) - 0.5)
    bias.fill_(0.1)


@torch.no_grad()
def _zero(weight: Tensor, bias: Tensor, gain: float, g: torch.Generator) -> None:
    # The playground's "initZero": weights 0, biases 0.1 (no symmetry breaking: a teaching example).
    weight.zero_()
    bias.fill_(0.1)


@torch.no_grad()
def _torch_default(weight: Tensor, bias: Tensor, gain: float, g: torch.Generator) -> None:
    # What nn.Linear.reset_parameters does, with our generator.
    nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=g)
    bound = 1 / math.sqrt(weight.shape[1])
    nn.init.uniform_(bias, -bound, bound, generator=g)


@torch.no_grad()
def _he(weight: Tensor, bias: Tensor, gain: float, g: torch.Generator) -> None:
    weight.normal_(0.0, gain / math.sqrt(weight.shape[1]), generator=g)
    bias.zero_()


@torch.no_grad()
def _xavier(weight: Tensor, bias: Tensor, gain: float, g: torch.Generator) -> None:
    nn.init.xavier_uniform_(weight, gain=gain, generator=g)
    bias.zero_()


INITS.register("playground", _playground)
INITS.register("zero", _zero)
INITS.register("torch", _torch_default)
INITS.register("he", _he)
INITS.register("xavier", _xavier)


def init_layers(weights: Sequence[Tensor], biases: Sequence[Tensor], gains: Sequence[float], init: str,
                generator: torch.Generator) -> None:
    """Initialise one network's layers in order (weight, then bias, layer by layer) from ``generator``:
    the one place that fixes the draw order, so an MLP and a model's slice of a stack get equal numbers."""
    fn = INITS.get(init)
    for w, b, gain in zip(weights, biases, gains, strict=True):
        fn(w, b, gain, generator)
