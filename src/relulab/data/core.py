r"""Data sets: the registry of generators and the :class:`Dataset` they make.

A generator makes ``n`` raw points ``x`` ``(n, input_dim)`` and targets ``y`` ``(n,)``; then the
points are shuffled and split, ``train = first floor(n * train_ratio)``. Playground sets
(``spec.playground``) use the page's own random stream seeded by the seed *string* and its shuffle,
so they are the very points the page shows; the others use a ``torch.Generator`` seeded from the
same string (CRC-32, never Python's salted ``hash``).

Targets: two-class sets give float ``±1`` (as the playground), k-class sets int64 class indices
``0..k-1``, regression sets float values. Everything is float64.

>>> ds = build_dataset("circle", n=500, seed="0")
>>> ds.x_train.shape, ds.y_train.unique().tolist(), ds.train_inputs.shape
(torch.Size([250, 2]), [-1.0, 1.0], torch.Size([250, 2]))
>>> build_dataset("circle", n=20, features=("x1sq", "x2sq")).test_inputs.shape
torch.Size([10, 2])
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import torch
from torch import Tensor

from ..registry import Registry
from .features import FEATURES, apply_features, feature, raw_features
from .labels import read_labels
from .seedrandom import SeedRandom

Problem = Literal["classification", "regression"]


@dataclass(frozen=True)
class DatasetSpec:
    """How to make one data set.

    ``generate(n, noise, rng=SeedRandom)`` for playground sets, ``generate(n, noise, generator=
    torch.Generator)`` for the others, returns ``(x, y)`` in generator order. ``domain`` is the box
    (per axis) for plots and analysis. ``holdout=False`` marks sets too small to hold points out (the
    XOR truth table): train and test are then both every point, in generator order.
    """

    name: str
    problem: Problem
    input_dim: int
    default_n: int
    num_classes: int
    domain: tuple[float, float]
    playground: bool
    generate: Callable[..., tuple[Tensor, Tensor]]
    description: str
    holdout: bool = True


DATASETS: Registry[DatasetSpec] = Registry("dataset")


def register(spec: DatasetSpec) -> DatasetSpec:
    return DATASETS.register(spec.name, spec)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train and test points of one data set, with the input features the network sees.

    ``x_*`` are raw coordinates ``(n, input_dim)``; :meth:`inputs` turns them into ``(n, F)`` with
    ``F = len(features)``. Apply it to any raw points (a plotting grid too).
    """

    name: str
    problem: Problem
    num_classes: int
    features: tuple[str, ...]
    x_train: Tensor
    y_train: Tensor
    x_test: Tensor
    y_test: Tensor
    domain: tuple[float, float] = (-6.0, 6.0)

    def inputs(self, x: Tensor) -> Tensor:
        """Feature matrix ``(n, len(features))`` of raw points ``x`` ``(n, input_dim)``, dtype kept."""
        return apply_features(x, self.features)

    @property
    def train_inputs(self) -> Tensor:
        return self.inputs(self.x_train)

    @property
    def test_inputs(self) -> Tensor:
        return self.inputs(self.x_test)

    @property
    def input_dim(self) -> int:
        return self.x_train.shape[1]


def seed_to_int(seed: str) -> int:
    """The integer seed of ``torch.Generator`` for a seed string (CRC-32: stable across runs).

    >>> seed_to_int("0")
    4108050209
    """
    return zlib.crc32(seed.encode("utf-8"))


def split_index(n: int, train_ratio: float) -> int:
    """Number of training points: ``floor(n * percent / 100)`` as the page computes it.

    The ratio is read as a whole percent when it is one (0.7 -> 70 %), so float rounding cannot move
    the split; the result is kept in ``[1, n - 1]`` so that neither part is empty (for ``n >= 2``).

    >>> split_index(500, 0.5), split_index(500, 0.7), split_index(7, 0.5), split_index(4, 0.1)
    (250, 350, 3, 1)
    """
    if not 0.0 < train_ratio < 1.0:
        raise ValueError(f"train_ratio must be in (0, 1), got {train_ratio}")
    pct = round(train_ratio * 100)
    k = n * pct // 100 if abs(train_ratio * 100 - pct) < 1e-9 else math.floor(n * train_ratio)
    return min(max(k, 1), n - 1) if n >= 2 else k


def playground_shuffle(n: int, rng: SeedRandom) -> list[int]:
    """The page's in-place shuffle of ``n`` items as a permutation: ``shuffled[i] = raw[perm[i]]``.

    ``counter = n; while counter > 0: k = floor(random() * counter); counter -= 1; swap(counter, k)``,
    exactly ``n`` draws.

    >>> playground_shuffle(5, SeedRandom("1"))
    [3, 0, 2, 4, 1]
    """
    perm = list(range(n))
    counter = n
    while counter > 0:
        k = math.floor(rng.random() * counter)
        counter -= 1
        perm[counter], perm[k] = perm[k], perm[counter]
    return perm


def _check_features(spec: DatasetSpec, features: Sequence[str] | None) -> tuple[str, ...]:
    if features is None:
        return raw_features(spec.input_dim)
    names = tuple(features)
    if not names:
        raise ValueError(f"at least one feature is needed; choose from {FEATURES.names()}")
    for f in names:
        if spec.input_dim < 2 and f in FEATURES.names() and FEATURES.get(f).needs_x2:
            raise ValueError(f"feature {f!r} needs a 2-D data set, got {spec.name!r} (1-D)")
        feature(f, spec.input_dim)
    return names


def build_dataset(
    name: str,
    *,
    n: int | None = None,
    noise: float = 0.0,
    train_ratio: float = 0.5,
    seed: str = "0",
    features: Sequence[str] | None = None,
) -> Dataset:
    """Make data set ``name``: ``n`` points (default ``spec.default_n``), noise fraction ``noise``.

    For the playground's circle, gauss and spiral an odd ``n`` gives ``n + 1`` points, as on the
    page (each half loops ``i < n / 2``).
    """
    spec = DATASETS.get(name)
    n = spec.default_n if n is None else n
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"the number of points must be an integer >= 1, got {n!r}")
    if not (math.isfinite(noise) and noise >= 0.0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise}")
    if not isinstance(seed, str):
        raise ValueError(f"the data seed is a string (as in a playground link), got {seed!r}")
    names = _check_features(spec, features)
    if spec.playground:
        rng = SeedRandom(seed)
        x, y = spec.generate(n, noise, rng=rng)
        perm = torch.tensor(playground_shuffle(len(x), rng), dtype=torch.long)
    else:
        gen = torch.Generator().manual_seed(seed_to_int(seed))
        x, y = spec.generate(n, noise, generator=gen)
        perm = torch.randperm(len(x), generator=gen) if spec.holdout else torch.arange(len(x))
    x, y = x[perm], y[perm]
    if not spec.holdout:
        return Dataset(name, spec.problem, spec.num_classes, names, x, y, x, y, spec.domain)
    k = split_index(len(x), train_ratio)
    return Dataset(name, spec.problem, spec.num_classes, names, x[:k], y[:k], x[k:], y[k:], spec.domain)


def dataset_from_points(
    x: Tensor,
    y: Tensor,
    *,
    name: str = "custom",
    problem: Problem | None = None,
    train_ratio: float = 0.5,
    seed: str = "0",
    features: Sequence[str] | None = None,
    domain: tuple[float, float] | None = None,
    num_classes: int = 2,
) -> Dataset:
    """A :class:`Dataset` from given points (an uploaded CSV, clicked points), shuffled and split.

    ``problem=None`` infers it by :func:`~relulab.data.labels.read_labels` (``{0, 1}`` labels become
    ``-1/+1``); a given ``problem="classification"`` takes ``num_classes`` classes: labels ``±1`` for two,
    ``0..k-1`` for more. ``domain`` defaults to the playground box, widened to hold every point.

    >>> ds = dataset_from_points(torch.tensor([[0.0, 1.0], [2.0, 3.0]]), torch.tensor([1.0, -1.0]))
    >>> ds.problem, len(ds.x_train), len(ds.x_test)
    ('classification', 1, 1)
    """
    x = torch.as_tensor(x, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    if x.dim() != 2 or x.shape[1] not in (1, 2) or y.shape != (x.shape[0],) or x.shape[0] < 2:
        raise ValueError(f"points must be x of shape (n, 1 or 2) and y of shape (n,) with n >= 2, "
                         f"got x {tuple(x.shape)} and y {tuple(y.shape)}")
    if not (torch.isfinite(x).all() and torch.isfinite(y).all()):
        raise ValueError("points and labels must be finite numbers, got NaN or infinity")
    if problem is None:
        rule = read_labels(y)
        problem, y, num_classes = rule.problem, rule.labels, rule.num_classes
    allowed = [-1.0, 1.0] if num_classes == 2 else [float(i) for i in range(num_classes)]
    if problem == "classification" and not set(y.tolist()) <= set(allowed):
        raise ValueError(f"classification labels must be {'-1 or 1' if num_classes == 2 else f'0..{num_classes - 1}'},"
                         f" got {sorted(set(y.tolist()))[:5]}")
    spec = DatasetSpec(name, problem, x.shape[1], len(x), num_classes if problem == "classification" else 0,
                       (-6.0, 6.0), False, lambda *a, **k: (x, y), "given points")
    names = _check_features(spec, features)
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed_to_int(seed)))
    lim = max(6.0, math.ceil(float(x.abs().max())))
    k = split_index(len(x), train_ratio)
    x, y = x[perm], y[perm]
    return Dataset(name, problem, spec.num_classes, names, x[:k], y[:k], x[k:], y[k:],
                   domain if domain is not None else (-lim, lim))
