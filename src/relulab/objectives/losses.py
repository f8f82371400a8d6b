r"""Losses, by name, each with its output head, its target encoding and its closed-form gradient.

- ``mse``: the playground's loss :math:`\tfrac12 (o - y)^2` with :math:`o = \tanh z` for classification
  (labels :math:`\pm 1`) and :math:`o = z` for regression.
- ``bce``: binary cross-entropy on the logit :math:`z`, :math:`o = \sigma(z)`, labels mapped to {0, 1}.
- ``cross_entropy``: softmax over one output per class.

``grad`` is :math:`\partial \ell / \partial z` per sample (not divided by the batch size); the tests
check it against autograd. Shapes: ``z`` is ``(*, n, out)``; targets come from :meth:`Loss.targets`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from ..registry import Registry

LOSSES: Registry[Loss] = Registry("loss")


@dataclass(frozen=True)
class Loss:
    name: str
    problems: tuple[str, ...]
    max_classes: int | None
    out_dim: Callable[[int], int]                    # num_classes -> number of outputs
    targets: Callable[[Tensor, int], Tensor]          # dataset labels -> encoded targets
    head: Callable[[Tensor, bool], Tensor]            # (z, classification) -> prediction o
    value: Callable[[Tensor, Tensor, bool], Tensor]   # (z, t, classification) -> per-sample loss (*, n)
    grad: Callable[[Tensor, Tensor, bool], Tensor]    # (z, t, classification) -> d loss / d z  (*, n, out)
    decide: Callable[[Tensor, int], Tensor]           # (z, num_classes) -> labels in the data set's encoding
    description: str = ""


def _sign_decision(z: Tensor, _k: int) -> Tensor:
    # The playground colours a point positive when the output is >= 0.
    return torch.where(z[..., 0] >= 0, 1.0, -1.0).to(z.dtype)


def _mse_head(z: Tensor, classification: bool) -> Tensor:
    return torch.tanh(z) if classification else z


def _mse_grad(z: Tensor, t: Tensor, classification: bool) -> Tensor:
    if classification:
        o = torch.tanh(z)
        return (o - t) * (1 - o * o)
    return z - t


LOSSES.register("mse", Loss(
    "mse", ("classification", "regression"), 2, lambda k: 1,
    targets=lambda y, k: y.reshape(-1, 1),
    head=_mse_head,
    value=lambda z, t, c: 0.5 * ((_mse_head(z, c) - t) ** 2).sum(-1),
    grad=_mse_grad, decide=_sign_decision,
    description="the playground's ½(o − y)², tanh output for classification, linear for regression"))

LOSSES.register("bce", Loss(
    "bce", ("classification",), 2, lambda k: 1,
    targets=lambda y, k: (y > 0).to(y.dtype).reshape(-1, 1),
    head=lambda z, c: torch.sigmoid(z),
    value=lambda z, t, c: F.binary_cross_entropy_with_logits(z, t.expand_as(z), reduction="none").sum(-1),
    grad=lambda z, t, c: torch.sigmoid(z) - t, decide=_sign_decision,
    description="binary cross-entropy on a logit, sigmoid output"))


def _class_index(y: Tensor, k: int) -> Tensor:
    # Two-class data sets carry ±1 labels; k-class ones carry indices 0..k-1.
    return (y > 0).long() if k == 2 and y.is_floating_point() else y.long()


def _ce_value(z: Tensor, t: Tensor, c: bool) -> Tensor:
    logp = torch.log_softmax(z, dim=-1)
    return -logp.gather(-1, t.expand(*z.shape[:-1]).unsqueeze(-1)).squeeze(-1)


def _ce_grad(z: Tensor, t: Tensor, c: bool) -> Tensor:
    onehot = F.one_hot(t, z.shape[-1]).to(z.dtype)
    return torch.softmax(z, dim=-1) - onehot


def _ce_decide(z: Tensor, k: int) -> Tensor:
    idx = z.argmax(-1)
    return (2 * idx - 1).to(z.dtype) if k == 2 else idx


LOSSES.register("cross_entropy", Loss(
    "cross_entropy", ("classification",), None, lambda k: max(k, 2),
    targets=_class_index, head=lambda z, c: torch.softmax(z, dim=-1),
    value=_ce_value, grad=_ce_grad, decide=_ce_decide,
    description="softmax cross-entropy, one output per class"))
