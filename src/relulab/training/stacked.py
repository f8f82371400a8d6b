"""Many runs at once: :func:`train_group` trains runs that share a :func:`stack_key` on the engine
:func:`~.engines.choose_engine` picks (the lanes kernel, a torch stack, or one after another);
:func:`train_many` groups any configs first. Runs may share a stack when they differ only in weight
seed, data seed, learning rate, regularization rate or momentum.

>>> from relulab.config import RunConfig
>>> base = RunConfig(dataset="xor", hidden=(3,), epochs=2, n_points=40)
>>> cfgs = [base.model_copy(update={"weight_seed": s, "lr": lr}) for s, lr in ((0, 0.03), (1, 0.1))]
>>> stack_key(cfgs[0]) == stack_key(cfgs[1])
True
>>> [(r.config.lr, r.status, len(r.history.epoch), r.engine) for r in train_group(cfgs)]
[(0.03, 'completed', 3, 'compiled-lanes'), (0.1, 'completed', 3, 'compiled-lanes')]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..config import RunConfig
from ..data import Dataset
from .build import make_dataset
from .engines import PER_MODEL, choose_engine, lanes_unsupported, stack_key
from .loop import train
from .run import Result, Run
from .stack import stack_inputs, train_stack

OnEpoch = Callable[[float], None]
GroupEngine = Callable[[list[RunConfig], list[Dataset], OnEpoch | None, str], list[Result]]
DATA_FIELDS = ("dataset", "n_points", "noise", "train_ratio", "features", "data_seed", "formula")


def _datasets(cfgs: Sequence[RunConfig]) -> list[Dataset]:
    """One data set per config; configs with the same data share the very same object."""
    made: dict[tuple, Dataset] = {}
    keys = [tuple(repr(getattr(c, f)) for f in DATA_FIELDS) for c in cfgs]
    for c, k in zip(cfgs, keys, strict=True):
        if k not in made:
            made[k] = make_dataset(c)
    return [made[k] for k in keys]


def _sequential(cfgs: list[RunConfig], datas: list[Dataset], on_epoch: OnEpoch | None) -> list[Run]:
    """One run after another; progress in epochs of the group (each run is 1/E of it)."""
    runs, share = [], 1.0 / len(cfgs)
    for c, d in zip(cfgs, datas, strict=True):
        step = None if on_epoch is None else (lambda k, s: on_epoch(share * k))
        run = train(c, data=d, on_progress=step)
        if on_epoch is not None and len(run.history.epoch) - 1 < c.epochs:  # stopped early: the rest at once
            on_epoch(share * (c.epochs - (len(run.history.epoch) - 1)))
        runs.append(run)
    return runs


def _lanes(cfgs: list[RunConfig], datas: list[Dataset], on_epoch: OnEpoch | None, _: str) -> list[Result]:
    """The compiled lanes kernel: the configs' weights, hyper-parameters and data as arrays, in one call."""
    from .compiled.engine import train_configs  # numba loads here

    return train_configs(cfgs, datas, on_epoch)


def _stack(cfgs: list[RunConfig], datas: list[Dataset], on_epoch: OnEpoch | None, layout: str) -> list[Result]:
    """A torch stack in ``layout``: the configs as arrays (:func:`stack_inputs`), trained together."""
    return train_stack(layout, *stack_inputs(cfgs, datas), cfgs[0].epochs, on_epoch)


def train_models(cfgs: Sequence[RunConfig], datas: Sequence[Dataset] | None = None, *,
                 on_epoch: OnEpoch | None = None) -> list[Run]:
    """Train every config on the compiled lanes kernel, all at once (they may differ in more than a
    stack key: optimizer, penalty, batch size, target, init, data). ``datas``: one per config
    (default: each config's own, built once per distinct data)."""
    if not cfgs:
        return []
    if datas is not None and len(datas) != len(cfgs):
        raise ValueError(f"one data set per config: got {len(datas)} for {len(cfgs)} configs")
    datas = list(datas) if datas is not None else _datasets(cfgs)
    if (why := lanes_unsupported(cfgs, datas, auto=False)) is not None:
        raise ValueError(f"the compiled engine cannot train these runs together: {why}")
    return Run.from_results(cfgs, datas, _lanes(list(cfgs), datas, on_epoch, "compiled-lanes"),
                            ("compiled-lanes", "asked for (train_models)"))


# the group engines on arrays: per model (parameters, stats rows, status code); "sequential" trains runs
GROUP_ENGINES: dict[str, GroupEngine] = {"compiled-lanes": _lanes, "stack-narrow": _stack, "stack-batched": _stack,
                                         "stack-learned": _stack}


def train_group(cfgs: Sequence[RunConfig], *, on_epoch: OnEpoch | None = None) -> list[Run]:
    """Train configs that share one :func:`stack_key`; one :class:`Run` per config, in order.

    Each run has its ``history``, ``metrics()``, status ``completed`` / ``diverged`` (or ``target_loss``)
    and ``engine``: the numbers of ``train(cfg)`` alone. ``on_epoch(k)`` reports progress in epochs of
    the whole group (``k`` may be a fraction; the calls add up to the group's epochs).
    """
    cfgs = list(cfgs)
    if not cfgs:
        return []
    keys = {stack_key(c) for c in cfgs}
    if len(keys) > 1:
        raise ValueError(f"train_group needs configs that share one stack_key; got {len(keys)} groups "
                         f"(they may differ only in {', '.join(PER_MODEL)})")
    datas = _datasets(cfgs)
    choice = choose_engine(cfgs, datas)
    if choice.name not in GROUP_ENGINES:
        return _sequential(cfgs, datas, on_epoch)
    return Run.from_results(cfgs, datas, GROUP_ENGINES[choice.name](cfgs, datas, on_epoch, choice.name), choice)


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
