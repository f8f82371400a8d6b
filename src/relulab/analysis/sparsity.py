r"""Exact zeros per layer (claim C8): the fraction of activation outputs that are exactly 0.

:func:`layer_sparsity` reads it from :func:`relulab.inspect` (every activation site of any model);
:func:`sparsity_table` gathers it for several models per activation (e.g. trained nets, one per seed):
``table.values[activation]`` is one list per model of the per-layer fractions.

>>> net = torch.nn.Sequential(torch.nn.Linear(1, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
>>> with torch.no_grad():
...     _ = net[0].weight.copy_(torch.tensor([[1.0], [-1.0]])); _ = net[0].bias.zero_()
>>> layer_sparsity(net, torch.tensor([[-2.0], [-1.0], [1.0], [3.0]]))
[0.5]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from .inspect import inspect


def layer_sparsity(model: nn.Module, inputs: Tensor) -> list[float]:
    """Fraction of exact zeros at each activation site of ``model`` on ``inputs`` (site order)."""
    return [float(s.summary()["sparsity"]) for s in inspect(model, inputs).sites]


@dataclass
class SparsityTable:
    """``values[activation][model][layer]``: the fraction of exact zeros."""

    values: dict[str, list[list[float]]]

    @property
    def activations(self) -> list[str]:
        return list(self.values)

    def per_layer(self, activation: str) -> list[float]:
        """Mean over models, one value per layer."""
        return torch.tensor(self.values[activation], dtype=torch.float64).mean(0).tolist()

    def overall(self, activation: str) -> float:
        """Mean over models and layers."""
        return float(torch.tensor(self.values[activation], dtype=torch.float64).mean())

    def range(self, activation: str) -> tuple[float, float]:
        """Smallest and largest per-model mean (the spread over seeds)."""
        per_model = torch.tensor(self.values[activation], dtype=torch.float64).mean(1)
        return float(per_model.min()), float(per_model.max())

    def rows(self) -> list[dict]:
        return [{"activation": a, "per_layer": self.per_layer(a), "overall": self.overall(a),
                 "min_model": self.range(a)[0], "max_model": self.range(a)[1]} for a in self.values]


def sparsity_table(models: Mapping[str, Sequence[nn.Module]], inputs: Tensor | Mapping[str, Tensor]) -> SparsityTable:
    """Per-layer exact-zero fractions of every model; ``inputs`` one batch for all, or one per activation."""
    values = {}
    for a, ms in models.items():
        if not ms:
            raise ValueError(f"no models for activation {a!r}")
        x = inputs[a] if isinstance(inputs, Mapping) else inputs
        values[a] = [layer_sparsity(m, x) for m in ms]
        if len({len(v) for v in values[a]}) != 1:
            raise ValueError(f"the models for {a!r} have different numbers of activation layers")
    return SparsityTable(values)
