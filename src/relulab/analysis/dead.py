r"""Per-unit dead tracking over training (claim C9): which units die, and which come back.

A unit is **dead** at an epoch when its activation's derivative is 0 on every training input
(:func:`relulab.inspect`: active fraction 0). :class:`DeadUnitTracker` is an ``on_step`` callback for
:func:`relulab.training.train` (or anything with ``.model`` and ``.data.train_inputs``) that records
every unit's state after each epoch; :meth:`DeadUnitTracker.history` gives a :class:`DeadHistory`:

* ``fraction()`` -- the dead fraction per epoch;
* ``ever_dead()`` -- units dead at some epoch;
* ``revived()`` -- units dead at some epoch and alive at a later one: "a dead unit never recovers"
  says this is 0. It need not be: the unit's own weights get no gradient, but the layers before it
  keep moving, and so do its inputs.

>>> h = DeadHistory(["1"], torch.tensor([[0, 0, 1], [1, 0, 1], [0, 0, 1]], dtype=torch.bool))
>>> h.fraction(), h.ever_dead(), h.revived(), h.dead_at_end()
([0.3333333333333333, 0.6666666666666666, 0.3333333333333333], 2, 1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from .inspect import inspect


def dead_mask(model: nn.Module, inputs: Tensor) -> tuple[list[str], Tensor]:
    """Site names and one bool per unit (all sites concatenated, site order): dead on ``inputs``."""
    with torch.no_grad():
        r = inspect(model, inputs)
    return r.names, torch.cat([s.active == 0 for s in r.sites]) if r.sites else torch.zeros(0, dtype=torch.bool)


@dataclass
class DeadHistory:
    """``dead[e, u]``: unit ``u`` dead at record ``e`` (records in time order)."""

    sites: list[str]
    dead: Tensor  # (records, units) bool

    def fraction(self) -> list[float]:
        return self.dead.double().mean(1).tolist()

    def ever_dead(self) -> int:
        return int(self.dead.any(0).sum())

    def revived(self) -> int:
        """Units dead at some record and alive at a later one."""
        if len(self.dead) < 2:
            return 0
        # alive later: for each record e, is the unit alive at some e' > e?  (suffix "any alive", shifted)
        alive_after = torch.flip(torch.cummax(torch.flip((~self.dead).int(), [0]), 0).values, [0])[1:].bool()
        return int((self.dead[:-1] & alive_after).any(0).sum())

    def dead_at_end(self) -> int:
        return int(self.dead[-1].sum()) if len(self.dead) else 0

    @property
    def units(self) -> int:
        return self.dead.shape[1]


class DeadUnitTracker:
    """``train(cfg, on_step=tracker)``: records which units are dead after every epoch.

    ``inputs``: the batch to judge on (default: the trainer's training inputs). Call
    :meth:`record` yourself for the state before training or for any model.
    """

    def __init__(self, inputs: Tensor | None = None) -> None:
        self.inputs = inputs
        self.sites: list[str] = []
        self.masks: list[Tensor] = []

    def record(self, model: nn.Module, inputs: Tensor) -> None:
        names, mask = dead_mask(model, inputs)
        if self.masks and (names != self.sites or mask.shape != self.masks[0].shape):
            raise ValueError(f"the model's activation sites changed: had {self.sites}, now {names}")
        self.sites = names
        self.masks.append(mask)

    def __call__(self, trainer: Any, stats: Any = None) -> None:
        x = self.inputs if self.inputs is not None else trainer.data.train_inputs
        p = next(trainer.model.parameters(), None)
        self.record(trainer.model, x.to(p.dtype) if p is not None else x)

    def history(self) -> DeadHistory:
        if not self.masks:
            return DeadHistory([], torch.zeros(0, 0, dtype=torch.bool))
        return DeadHistory(list(self.sites), torch.stack(self.masks))
