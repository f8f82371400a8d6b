r"""One-dimensional functions to approximate (claims C4, C5): the registered targets and user formulas.

A target set samples ``x ~ U(lo, hi)`` (default ``[-4, 4]``), shape ``(n, 1)``, and ``y = f(x)`` plus
Gaussian noise of standard deviation ``noise * (max f - min f) / 2`` over the interval (so noise 0.5
is large for every target). Targets are scaled to stay within about ``[-4, 8]`` on ``[-4, 4]``;
the formulas are in :data:`TARGETS`. A user formula is parsed safely by :func:`parse_formula`.

>>> g = torch.Generator().manual_seed(0)
>>> x, y = sample_target(TARGETS.get("abs").fn, 5, generator=g)
>>> x.shape, bool((y == x[:, 0].abs()).all())
(torch.Size([5, 1]), True)
>>> ds = formula_dataset("x^2 / 4", n=40, seed="1")
>>> ds.name, ds.x_train.shape, ds.problem
('formula:x^2 / 4', torch.Size([20, 1]), 'regression')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from ..registry import Registry
from .core import Dataset, DatasetSpec, dataset_from_points, register, seed_to_int
from .formula import parse_formula as parse_formula

INTERVAL = (-4.0, 4.0)
DEFAULT_N = 200


@dataclass(frozen=True)
class Target:
    """A function ``fn`` (elementwise on a tensor) with its formula and default interval."""

    name: str
    fn: Callable[[Tensor], Tensor]
    latex: str
    interval: tuple[float, float] = INTERVAL


TARGETS: Registry[Target] = Registry("target")
for _t in (
    Target("sin", torch.sin, r"\sin x"),
    Target("exp", lambda x: torch.exp(x / 2), r"e^{x/2}"),
    Target("sigmoid", torch.sigmoid, r"\sigma(x) = 1 / (1 + e^{-x})"),
    Target("abs", torch.abs, r"|x|"),
    Target("step", lambda x: torch.where(x >= 0, 1.0, 0.0).to(x.dtype), r"H(x) = [x \ge 0]"),
    Target("cubic", lambda x: x**3 / 16, r"x^3 / 16"),
):
    TARGETS.register(_t.name, _t)


def _check_interval(interval: tuple[float, float]) -> tuple[float, float]:
    lo, hi = (float(v) for v in interval)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"the interval must be two finite numbers lo < hi, got {interval}")
    return lo, hi


def sample_target(
    fn: Callable[[Tensor], Tensor],
    n: int,
    noise: float = 0.0,
    *,
    generator: torch.Generator,
    interval: tuple[float, float] = INTERVAL,
) -> tuple[Tensor, Tensor]:
    """``n`` points ``x ~ U(interval)`` ``(n, 1)`` and ``y = fn(x) + noise`` ``(n,)``, float64."""
    lo, hi = _check_interval(interval)
    x = torch.rand(n, 1, generator=generator, dtype=torch.float64) * (hi - lo) + lo
    z = torch.randn(n, generator=generator, dtype=torch.float64)  # drawn at every noise level
    grid = fn(torch.linspace(lo, hi, 1001, dtype=torch.float64))
    scale = float(grid.max() - grid.min()) / 2 if bool(torch.isfinite(grid).all()) else 0.0
    return x, fn(x[:, 0]) + noise * scale * z


def formula_dataset(
    text: str,
    *,
    n: int = DEFAULT_N,
    noise: float = 0.0,
    interval: tuple[float, float] = INTERVAL,
    train_ratio: float = 0.5,
    seed: str = "0",
    features: Sequence[str] | None = None,
) -> Dataset:
    """A 1-D regression set from a user formula in ``x`` (see :func:`parse_formula`).

    Raises ValueError when the formula is refused or is not finite somewhere on the interval.
    """
    fn = parse_formula(text)
    lo, hi = _check_interval(interval)
    grid = torch.linspace(lo, hi, 1001, dtype=torch.float64)
    bad = ~torch.isfinite(fn(grid))
    if bool(bad.any()):
        raise ValueError(f"the formula {text!r} is not finite on [{lo:g}, {hi:g}] (e.g. at x = "
                         f"{float(grid[bad][0]):.4g}); choose a formula or interval where it is defined")
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"the number of points must be an integer >= 2, got {n!r}")
    gen = torch.Generator().manual_seed(seed_to_int(seed))
    x, y = sample_target(fn, n, noise, generator=gen, interval=(lo, hi))
    return dataset_from_points(x, y, name=f"formula:{text.strip()}", problem="regression",
                               train_ratio=train_ratio, seed=seed, features=features, domain=(lo, hi))


def _target_generator(target: Target):
    def generate(n: int, noise: float = 0.0, *, generator: torch.Generator) -> tuple[Tensor, Tensor]:
        return sample_target(target.fn, n, noise, generator=generator, interval=target.interval)

    return generate


for _name, _t in TARGETS.items():
    register(DatasetSpec(_name, "regression", 1, DEFAULT_N, 0, _t.interval, False, _target_generator(_t),
                         f"1-D target y = {_t.latex} on [{_t.interval[0]:g}, {_t.interval[1]:g}]"))


def _needs_a_formula(n: int, noise: float = 0.0, *, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    raise ValueError("the 'formula' data set needs a formula in x (RunConfig.formula / --formula), e.g. 'sin(2*x)'")


register(DatasetSpec("formula", "regression", 1, DEFAULT_N, 0, INTERVAL, False, _needs_a_formula,
                     "1-D target from a formula in x given by the user (RunConfig.formula)"))
