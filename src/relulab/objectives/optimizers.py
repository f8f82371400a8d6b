"""Optimizers, by name: each builds a ``torch.optim`` optimizer from parameters and a RunConfig."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import Tensor

from ..registry import Registry

OptimizerFactory = Callable[[Iterable[Tensor], object], torch.optim.Optimizer]
OPTIMIZERS: Registry[OptimizerFactory] = Registry("optimizer")

# foreach=True: one fused call per step for all parameters, which matters for tiny networks.
OPTIMIZERS.register("sgd", lambda params, cfg: torch.optim.SGD(params, lr=cfg.lr, foreach=True))
OPTIMIZERS.register(
    "momentum", lambda params, cfg: torch.optim.SGD(params, lr=cfg.lr, momentum=cfg.momentum, foreach=True)
)
OPTIMIZERS.register("adam", lambda params, cfg: torch.optim.Adam(params, lr=cfg.lr, foreach=True))
