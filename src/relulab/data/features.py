r"""Input features: what the network sees, computed from the raw coordinates ``(x1, x2)``.

The playground's seven feature toggles (x1, x2, x1², x2², x1·x2, sin x1, sin x2) plus cos x1 and
cos x2. Each :class:`Feature` maps raw points ``(n, d)`` (``d`` = 2, or 1 for 1-D sets) to ``(n,)``,
keeping the dtype. Wider sets (the 64-pixel digits) see their raw coordinates ``x1 .. xd``: ``xk`` for
``k > 2`` is the ``k``-th coordinate, made on demand by :func:`feature` (not registered, so the page's
and the CLI's lists stay the playground's). The products are written as the playground writes them (``x * x``), so the
values equal the page's bit for bit.

>>> x = torch.tensor([[2.0, -3.0], [0.5, 1.0]])
>>> FEATURES.get("x1x2").fn(x)
tensor([-6.0000,  0.5000])
>>> apply_features(x, ("x1", "x2sq")).tolist()
[[2.0, 9.0], [0.5, 1.0]]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from ..registry import Registry


@dataclass(frozen=True)
class Feature:
    """One input feature: ``fn(x)`` with ``x`` of shape ``(n, d)`` returns ``(n,)``.

    ``latex`` is the formula for docs and the web page, ``label`` its plain-text name,
    ``needs_x2`` is true when it reads the second coordinate (so it does not apply to 1-D sets), and
    ``playground`` is the name of the playground's own toggle (``None`` for relulab's additions).
    """

    name: str
    fn: Callable[[Tensor], Tensor]
    latex: str
    label: str
    needs_x2: bool = False
    playground: str | None = None


FEATURES: Registry[Feature] = Registry("feature")


def _x1(x: Tensor) -> Tensor:
    return x[:, 0]


def _x2(x: Tensor) -> Tensor:
    return x[:, 1]


for _f in (
    Feature("x1", _x1, r"x_1", "x1", False, "x"),
    Feature("x2", _x2, r"x_2", "x2", True, "y"),
    Feature("x1sq", lambda x: x[:, 0] * x[:, 0], r"x_1^2", "x1²", False, "xSquared"),
    Feature("x2sq", lambda x: x[:, 1] * x[:, 1], r"x_2^2", "x2²", True, "ySquared"),
    Feature("x1x2", lambda x: x[:, 0] * x[:, 1], r"x_1 x_2", "x1·x2", True, "xTimesY"),
    Feature("sin_x1", lambda x: torch.sin(x[:, 0]), r"\sin x_1", "sin x1", False, "sinX"),
    Feature("sin_x2", lambda x: torch.sin(x[:, 1]), r"\sin x_2", "sin x2", True, "sinY"),
    Feature("cos_x1", lambda x: torch.cos(x[:, 0]), r"\cos x_1", "cos x1", False, None),
    Feature("cos_x2", lambda x: torch.cos(x[:, 1]), r"\cos x_2", "cos x2", True, None),
):
    FEATURES.register(_f.name, _f)


_COORDINATE = re.compile(r"x([1-9][0-9]*)")


def raw_features(input_dim: int) -> tuple[str, ...]:
    """The default features of a ``input_dim``-D data set: its raw coordinates ``x1 .. x<input_dim>``.

    >>> raw_features(1), raw_features(2), raw_features(64)[-2:]
    (('x1',), ('x1', 'x2'), ('x63', 'x64'))
    """
    return tuple(f"x{k}" for k in range(1, input_dim + 1))


def feature(name: str, input_dim: int = 2) -> Feature:
    """The feature ``name`` for ``input_dim``-D points: a registered one, or raw coordinate ``xk``
    (``k <= input_dim``); an error that says what is allowed otherwise.

    >>> feature("x7", 64).fn(torch.arange(64.0).reshape(1, 64)).tolist()
    [6.0]
    """
    match = _COORDINATE.fullmatch(name) if isinstance(name, str) else None
    k = int(match.group(1)) if match else 0
    if k > 2 and k <= input_dim:
        return Feature(name, lambda x: x[:, k - 1], f"x_{{{k}}}", name)
    if name not in FEATURES.names():
        wide = f", or the raw coordinates x1..x{input_dim}" if input_dim > 2 else ""
        raise ValueError(f"unknown feature {name!r}; choose one of {FEATURES.names()}{wide}")
    feat = FEATURES.get(name)
    if feat.needs_x2 and input_dim < 2:
        raise ValueError(f"feature {name!r} needs 2-D points, got 1-D points; "
                         f"1-D features: {[n for n, f in FEATURES.items() if not f.needs_x2]}")
    return feat


def apply_features(x: Tensor, names: Sequence[str]) -> Tensor:
    """Stack the named features of raw points ``x`` ``(n, d)`` into ``(n, len(names))``, dtype kept.

    Raw coordinates of a wide set come as one slice of ``x`` (the 64 pixels of a digit: no copy per
    column).
    """
    if x.dim() != 2:
        raise ValueError(f"raw points must have shape (n, d), got shape {tuple(x.shape)}")
    if not names:
        raise ValueError(f"at least one feature is needed; choose from {FEATURES.names()}")
    if x.shape[1] > 2 and tuple(names) == raw_features(x.shape[1]):
        return x.clone()
    for name in names:
        if x.shape[1] < 2 and name in FEATURES.names() and FEATURES.get(name).needs_x2:
            raise ValueError(f"feature {name!r} needs 2-D points, got shape {tuple(x.shape)}; "
                             f"1-D features: {[n for n, f in FEATURES.items() if not f.needs_x2]}")
    return torch.stack([feature(name, x.shape[1]).fn(x) for name in names], dim=1)
