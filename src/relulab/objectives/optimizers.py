r"""Optimizers, by name: the update rules of ``torch.optim``'s SGD, SGD with momentum and Adam, written as
functions of parameter and gradient lists so that one rule serves one model and a stack of ``E``.

Hyper-parameters are per parameter tensor: a float, or a tensor that broadcasts against it (shape
``(E, 1, 1)`` for stacked weights ``(E, out, in)``), so models of one stack may each have their own
learning rate or momentum. The formulas are those of ``torch.optim`` (defaults: no dampening, Adam's
betas (0.9, 0.999) and eps 1e-8); the tests check them against ``torch.optim``.

``plain_gradient`` is a capability the trainers read: the update is ``p -= lr * g`` with no state, so
a trainer may fold the batch mean into the step and take the weight penalty from the weights as they
were before the step without copying them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor

from ..registry import Registry

Scalar = float | Tensor  # a float, or a tensor broadcasting against one parameter (per-model values)
StepFn = Callable[[Sequence[Tensor], Sequence[Tensor], dict[str, Any], Sequence[Scalar], Sequence[Scalar]], None]


@dataclass(frozen=True)
class Optimizer:
    name: str
    step: StepFn  # (params, grads, state, lrs, momenta) -> None, in place, under no_grad
    plain_gradient: bool = False  # p -= lr * g, stateless: trainers may fuse it (see the module doc)
    description: str = ""


@dataclass
class OptimizerState:
    """An optimizer bound to its parameters and hyper-parameters (one entry per parameter tensor)."""

    spec: Optimizer
    params: list[Tensor]
    lrs: list[Scalar]
    momenta: list[Scalar]
    state: dict[str, Any] = field(default_factory=dict)

    @torch.no_grad()
    def step(self, grads: Sequence[Tensor]) -> None:
        self.spec.step(self.params, grads, self.state, self.lrs, self.momenta)


def _uniform(xs: Sequence[Scalar]) -> float | None:
    """The common float when every entry is the same float, else None (tensors or mixed values)."""
    first = xs[0] if xs else None
    return first if isinstance(first, float) and all(isinstance(x, float) and x == first for x in xs) else None


def add_scaled(params: Sequence[Tensor], xs: Sequence[Tensor], lrs: Sequence[Scalar]) -> None:
    """``p -= lr * x`` for every parameter: one fused call when the learning rates are one float."""
    lr = _uniform(lrs)
    if lr is not None:
        torch._foreach_add_(list(params), list(xs), alpha=-lr)
        return
    for p, x, r in zip(params, xs, lrs, strict=True):
        p.sub_(x * r)


def _sgd(params, grads, state, lrs, momenta) -> None:
    add_scaled(params, grads, lrs)


def _momentum(params, grads, state, lrs, momenta) -> None:
    bufs = state.get("momentum_buffer")
    if bufs is None:  # torch.optim.SGD: the first buffer is the gradient itself
        bufs = state["momentum_buffer"] = [g.clone() for g in grads]
    else:
        m = _uniform(momenta)
        if m is not None:
            torch._foreach_mul_(bufs, m)
        else:
            for b, mm in zip(bufs, momenta, strict=True):
                b.mul_(mm)
        torch._foreach_add_(bufs, list(grads))
    add_scaled(params, bufs, lrs)


def _adam(params, grads, state, lrs, momenta, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
    if not state:
        zeros = [torch.zeros_like(p) for p in params]
        state.update(t=0, exp_avg=zeros, exp_avg_sq=[z.clone() for z in zeros])
    state["t"] += 1
    t, m, v = state["t"], state["exp_avg"], state["exp_avg_sq"]
    torch._foreach_lerp_(m, list(grads), 1 - beta1)
    torch._foreach_mul_(v, beta2)
    torch._foreach_addcmul_(v, list(grads), list(grads), 1 - beta2)
    bc1, bc2_sqrt = 1 - beta1 ** t, (1 - beta2 ** t) ** 0.5  # as torch.optim.Adam computes them
    denom = torch._foreach_div(torch._foreach_sqrt(v), bc2_sqrt)
    torch._foreach_add_(denom, eps)
    lr = _uniform(lrs)
    if lr is not None:
        torch._foreach_addcdiv_(list(params), m, denom, -lr / bc1)
        return
    for p, mi, d, r in zip(params, m, denom, lrs, strict=True):
        p.sub_(mi / d * (r / bc1))


OPTIMIZERS: Registry[Optimizer] = Registry("optimizer")
OPTIMIZERS.register("sgd", Optimizer("sgd", _sgd, plain_gradient=True, description="plain SGD, p -= lr·g"))
OPTIMIZERS.register("momentum", Optimizer("momentum", _momentum, description="SGD with momentum (RunConfig.momentum)"))
OPTIMIZERS.register("adam", Optimizer("adam", _adam, description="Adam, betas (0.9, 0.999), eps 1e-8"))
