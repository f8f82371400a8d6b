"""Many runs at once: group runs that may share one stack, and train each group with the best engine.

Runs may share a stack (:func:`stack_key`) when they differ only in weight seed, data seed, learning
rate, regularization rate or momentum; everything that changes shapes or semantics (data set, widths,
activations, batch size, epochs, features, points, loss, optimizer, regularization kind, dtype, ...)
is part of the key.

>>> from relulab.config import RunConfig
>>> base = RunConfig(dataset="xor", hidden=(3,), epochs=2, n_points=40)
>>> cfgs = [base.model_copy(update={"weight_seed": s, "lr": lr}) for s, lr in ((0, 0.03), (1, 0.1))]
>>> stack_key(cfgs[0]) == stack_key(cfgs[1])
True
>>> [(r.config.lr, r.status, len(r.history.epoch)) for r in train_group(cfgs)]
[(0.03, 'completed', 3), (0.1, 'completed', 3)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..activations import get_activation
from ..config import RunConfig
from ..data import Dataset
from .build import make_dataset
from .compiled import group_unsupported
from .fused import fusable
from .learned import LearnedStack
from .loop import train
from .run import Run
from .stack import train_stack

OnEpoch = Callable[[float], None]
GroupEngine = Callable[[list[RunConfig], list[Dataset], OnEpoch | None], list[Run]]

PER_MODEL = ("weight_seed", "data_seed", "lr", "reg_rate", "momentum")  # may differ inside one stack


def _hashable(v: Any) -> Any:
    if isinstance(v, dict):
        return tuple(sorted((k, _hashable(x)) for k, x in v.items()))
    if isinstance(v, list | tuple):
        return tuple(_hashable(x) for x in v)
    return v


def stack_key(cfg: RunConfig) -> tuple:
    """A hashable key: configs with equal keys may be trained as one stack (:func:`train_group`)."""
    return _hashable(cfg.model_dump(exclude=set(PER_MODEL)))


def _datasets(cfgs: Sequence[RunConfig]) -> list[Dataset]:
    """One data set per config; configs with the same data seed share the very same object."""
    made: dict[str, Dataset] = {}
    for c in cfgs:
        if c.data_seed not in made:
            made[c.data_seed] = make_dataset(c)
    return [made[c.data_seed] for c in cfgs]


def _same_shapes(datas: Sequence[Dataset]) -> bool:
    first = datas[0]
    return all(d.x_train.shape == first.x_train.shape and d.x_test.shape == first.x_test.shape
               and d.y_train.dtype == first.y_train.dtype for d in datas)


def _stacked_activations(cfg: RunConfig) -> bool:
    acts = [get_activation(a) for a in cfg.layer_activations()]
    if fusable(acts):
        return True  # engine "fused" asks for closed forms only, as a lone run does
    return cfg.engine == "auto" and all(fusable([a]) or LearnedStack.stackable(a) for a in acts)


def stackable(cfgs: Sequence[RunConfig], datas: Sequence[Dataset] | None = None) -> bool:
    """One stack key, activations the stacked engine computes in closed form (or learns per model and
    unit, as PReLU), no early stop, no per-run shuffling, not forced onto autograd (and, when given,
    data sets of one shape)."""
    first = cfgs[0]
    key = stack_key(first)
    return (all(stack_key(c) == key for c in cfgs) and first.target_loss is None and not first.shuffle
            and first.engine != "autograd" and _stacked_activations(first)
            and (datas is None or _same_shapes(datas)))


def _sequential(cfgs: list[RunConfig], datas: list[Dataset], on_epoch: OnEpoch | None) -> list[Run]:
    """One run after another; progress in epochs of the group (each run is 1/E of it)."""
    runs, share = [], 1.0 / len(cfgs)
    for c, d in zip(cfgs, datas, strict=True):
        step = None if on_epoch is None else (lambda tr, s: on_epoch(share))
        run = train(c, data=d, on_step=step)
        if on_epoch is not None and len(run.history.epoch) - 1 < c.epochs:  # stopped early: the rest at once
            on_epoch(share * (c.epochs - (len(run.history.epoch) - 1)))
        runs.append(run)
    return runs


def _compiled(cfgs: list[RunConfig], datas: list[Dataset], on_epoch: OnEpoch | None) -> list[Run]:
    from .compiled.many import train_models  # numba loads only when a compiled group trains

    return train_models(cfgs, datas, on_epoch=on_epoch)


GROUP_ENGINES: dict[str, GroupEngine] = {"compiled": _compiled, "stacked": train_stack, "sequential": _sequential}


def choose_engine(cfgs: Sequence[RunConfig], datas: Sequence[Dataset]) -> str:
    """The engine for one group: the single place where a group's engine is picked."""
    if len(cfgs) == 1:
        return "sequential"  # one run alone: train() picks its own engine (the single-run loop is faster)
    if group_unsupported(cfgs, datas) is None:
        return "compiled"
    return "stacked" if stackable(cfgs, datas) else "sequential"


def train_group(cfgs: Sequence[RunConfig], *, on_epoch: OnEpoch | None = None) -> list[Run]:
    """Train configs that share one :func:`stack_key`; one :class:`Run` per config, in order.

    Each run has its ``history``, ``metrics()`` and status ``completed`` / ``diverged`` (or
    ``target_loss``): the numbers of ``train(cfg)`` alone. A stack when the group allows one, else one
    run after another. ``on_epoch(k)`` reports progress in epochs of the whole group (``k`` may be a
    fraction; the calls add up to the group's epochs).
    """
    cfgs = list(cfgs)
    if not cfgs:
        return []
    keys = {stack_key(c) for c in cfgs}
    if len(keys) > 1:
        raise ValueError(f"train_group needs configs that share one stack_key; got {len(keys)} groups "
                         f"(they may differ only in {', '.join(PER_MODEL)})")
    datas = _datasets(cfgs)
    return GROUP_ENGINES[choose_engine(cfgs, datas)](cfgs, datas, on_epoch)


def train_many(cfgs: Sequence[RunConfig], *, on_epoch: OnEpoch | None = None) -> list[Run]:
    """Runs for any configs: grouped by :func:`stack_key`, each group by :func:`train_group`; in order.

    ``on_epoch(k)`` reports progress in epochs of each group in turn.
    """
    groups: dict[tuple, list[int]] = {}
    for i, c in enumerate(cfgs):
        groups.setdefault(stack_key(c), []).append(i)
    runs: list[Run | None] = [None] * len(cfgs)
    for idx in groups.values():
        for i, run in zip(idx, train_group([cfgs[i] for i in idx], on_epoch=on_epoch), strict=True):
            runs[i] = run
    return runs  # type: ignore[return-value]
