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

A unit is **near-dead** (:func:`near_dead_mask`, ``DeadUnitTracker(eps=...)``) when its derivative is at
most ``eps`` on every input, or its output is constant over the inputs: the test a Leaky ReLU, PReLU or
ELU unit can fail too (a Leaky ReLU unit negative on every input passes back only its slope, 0.01).

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
from .sites import module_activation

FLAT = 1e-9  # an output whose range over the inputs is at most this (x max |output|, or absolute) is constant


def dead_mask(model: nn.Module, inputs: Tensor) -> tuple[list[str], Tensor]:
    """Site names and one bool per unit (all sites concatenated, site order): dead on ``inputs``."""
    with torch.no_grad():
        r = inspect(model, inputs)
    return r.names, torch.cat([s.active == 0 for s in r.sites]) if r.sites else torch.zeros(0, dtype=torch.bool)


def near_dead_mask(model: nn.Module, inputs: Tensor, eps: float) -> tuple[list[str], Tensor, list[int]]:
    """Site names, one bool per unit (sites concatenated), units per site: ``|f'| <= eps`` on every input or
    an output constant over them. The derivative is autograd's through the activation module itself, so
    a learned slope (PReLU) counts as it is now. Activation modules only (``nn.ReLU``, relulab's, ...)."""
    pres: dict[str, tuple[nn.Module, Tensor]] = {}
    hooks = [m.register_forward_pre_hook(lambda mod, args, p=path: pres.__setitem__(p, (mod, args[0].detach())))
             for path, m in model.named_modules() if module_activation(m) is not None]
    try:
        with torch.no_grad():
            model(inputs)
    finally:
        for h in hooks:
            h.remove()
    names, masks, sizes = [], [], []
    for path, (mod, z) in pres.items():
        z = z.reshape(-1, z.shape[-1]).clone().requires_grad_(True)
        with torch.enable_grad():
            y = mod(z)
            (d,) = torch.autograd.grad(y.sum(), z)
        y = y.detach()
        flat = (y.amax(0) - y.amin(0)) <= FLAT * torch.clamp(y.abs().amax(0), min=1.0)
        names.append(path)
        masks.append((d.abs().amax(0) <= eps) | flat)
        sizes.append(z.shape[-1])
    return names, torch.cat(masks) if masks else torch.zeros(0, dtype=torch.bool), sizes


@dataclass
class DeadHistory:
    """``dead[e, u]``: unit ``u`` dead at record ``e`` (records in time order); ``sizes``: units per site."""

    sites: list[str]
    dead: Tensor  # (records, units) bool
    sizes: list[int] | None = None

    def per_site(self) -> dict[str, tuple[int, int, int]]:
        """``{site: (units, ever dead, revived)}`` -- revival layer by layer."""
        sizes = self.sizes or [self.units]
        out, start = {}, 0
        for name, k in zip(self.sites or ["all"], sizes, strict=True):
            part = DeadHistory([name], self.dead[:, start:start + k])
            out[name] = (k, part.ever_dead(), part.revived())
            start += k
        return out

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
    """``train(cfg, on_step=tracker)``: records which units are dead after every epoch (near-dead with
    ``eps``: derivative at most ``eps`` on every input, or a constant output; units per site kept).

    ``inputs``: the batch to judge on (default: the trainer's training inputs). Call
    :meth:`record` yourself for the state before training or for any model.
    """

    def __init__(self, inputs: Tensor | None = None, eps: float | None = None) -> None:
        self.inputs, self.eps = inputs, eps
        self.sites: list[str] = []
        self.sizes: list[int] | None = None
        self.masks: list[Tensor] = []

    def record(self, model: nn.Module, inputs: Tensor) -> None:
        if self.eps is None:
            names, mask = dead_mask(model, inputs)
        else:
            names, mask, self.sizes = near_dead_mask(model, inputs, self.eps)
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
        return DeadHistory(list(self.sites), torch.stack(self.masks), self.sizes)
