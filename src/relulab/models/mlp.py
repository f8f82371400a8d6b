"""``MLP``: any hidden widths (none: a linear model) and an activation per hidden layer.

The network is an ``nn.Sequential`` of ``nn.Linear`` and activation modules, last layer linear, so
that any tool that walks a ``Sequential`` (regions, collapse, inspect) reads it directly. The output
transform of a loss (tanh for the playground's MSE, sigmoid, softmax) is not part of the module.

>>> g = torch.Generator().manual_seed(0)
>>> net = MLP(2, (3, 3), 1, "relu", generator=g)
>>> net
MLP(
  (0): Linear(in_features=2, out_features=3, bias=True)
  (1): ReLU()
  (2): Linear(in_features=3, out_features=3, bias=True)
  (3): ReLU()
  (4): Linear(in_features=3, out_features=1, bias=True)
)
>>> net(torch.zeros(5, 2, dtype=torch.float64)).shape
torch.Size([5, 1])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch import nn

from ..activations import get_activation
from .init import INITS, init_layers


class MLP(nn.Sequential):
    """Widths ``(in_features, *hidden, out_features)``; ``activation`` is one name or one per hidden layer."""

    def __init__(
        self,
        in_features: int,
        hidden: Sequence[int],
        out_features: int = 1,
        activation: str | Sequence[str] = "relu",
        *,
        activation_params: Mapping[str, float] | None = None,
        init: str = "torch",
        generator: torch.Generator,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        hidden = tuple(hidden)
        names = (activation,) * len(hidden) if isinstance(activation, str) else tuple(activation)
        if len(names) != len(hidden):
            raise ValueError(f"one activation per hidden layer: got {list(names)} for hidden={list(hidden)}")
        if any(w < 1 for w in (in_features, *hidden, out_features)):
            raise ValueError(f"widths must be >= 1, got {(in_features, *hidden, out_features)}")
        INITS.check(init)
        params = dict(activation_params or {})
        layers: list[nn.Module] = []
        widths = (in_features, *hidden, out_features)
        for i, (a, b) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
            lin = _linear(a, b, dtype)
            act = get_activation(names[i]) if i < len(hidden) else None
            layers.append(lin)
            if act is not None:
                # Parameters that an activation does not take are ignored here, so one dict can
                # serve a per-layer mix (e.g. negative_slope for the leaky layers only).
                mine = {k: v for k, v in params.items() if k in act.params}
                layers.append(act.module(b, **mine).to(dtype))
        super().__init__(*layers)
        lins = self.linears
        with torch.no_grad():
            init_layers([m.weight for m in lins], [m.bias for m in lins], layer_gains(names, params), init, generator)
        self.widths = widths
        self.activation_names = names
        self.activation_params = params

    @property
    def linears(self) -> list[nn.Linear]:
        return [m for m in self if isinstance(m, nn.Linear)]

    @property
    def activations(self) -> list[nn.Module]:
        return [m for m in self if not isinstance(m, nn.Linear)]

    def hidden_outputs(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The output of every hidden activation for inputs ``x`` (n, in) -> list of (n, width)."""
        outs = []
        for m in self:
            x = m(x)
            if not isinstance(m, nn.Linear):
                outs.append(x)
        return outs


def _linear(fan_in: int, fan_out: int, dtype: torch.dtype) -> nn.Linear:
    # nn.Linear draws its default init from the global RNG; fork_rng puts the RNG back, so building a
    # model leaves it alone (nn.utils.skip_init does the same through the meta device, 25x slower).
    with torch.random.fork_rng(devices=[]):
        return nn.Linear(fan_in, fan_out, dtype=dtype)


def layer_gains(activations: Sequence[str], params: Mapping[str, float]) -> list[float]:
    """The init gain of each linear layer: its activation's, and 1 for the output layer."""
    acts = [get_activation(a) for a in activations]
    # the gain at the layer's own parameters: a leaky slope of 0.9 is nearly linear (1.05, not relu's 1.41)
    return [a.gain(**{k: v for k, v in params.items() if k in a.params}) for a in acts] + [1.0]
