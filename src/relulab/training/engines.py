"""THE one place that decides which engine trains a run or a group of runs, and says why: ``compiled``
(:class:`~.compiled.engine.CompiledRun`), ``fused`` / ``autograd`` (:class:`~.single.TorchRun`),
``compiled-lanes`` (:func:`~.compiled.engine.train_lanes`), ``stack-narrow`` / ``stack-batched`` /
``stack-learned`` (:func:`~.stack.train_stack`) or ``sequential`` (docs/engines.md: when each). All give the
same numbers (tested to 1e-12). :class:`~.loop.Trainer` (hence ``train``), ``train_group`` / ``train_many``,
the server and the sweep's planner ask it; a :class:`~.run.Run` keeps the name and the reason.

>>> from relulab.config import RunConfig
>>> choose_engine([RunConfig(activation="gelu")]).name
'autograd'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..activations import Activation, get_activation
from ..config import RunConfig
from ..data import DATASETS, Dataset
from ..models import MLP
from ..objectives import LOSSES
from .compiled import kernels as K
from .learned import STACKED_FORMS
from .narrow import MAX_WIDTH

MAX_PARAMS = 20_000  # auto, one run: above this torch's per-call overhead no longer dominates
# auto, groups: the lanes kernel beats the torch stack at every group size on small nets (1 to 1,000
# models, 2-3-3-3-1 up to 2-16-16-1: 1.6-11x); from 2-32-32-1 (about 1,200 parameters) on, the stack's
# matmuls win on small groups.
MAX_GROUP_PARAMS = 1_000
GROUP_FIELDS = ("hidden", "activation", "activation_params", "loss", "dtype", "epochs")  # lanes: shared
PER_MODEL = ("weight_seed", "data_seed", "lr", "reg_rate", "momentum")  # may differ inside one torch stack


class Choice(NamedTuple):
    name: str
    reason: str


def closed_form(acts: Sequence[Activation]) -> bool:
    """Closed-form derivatives and no learned parameters: what the fused torch engines compute."""
    return all(a.derivative is not None and not a.learnable for a in acts)


def act_pairs(names: Sequence[str], params: dict[str, float]) -> list[tuple[Activation, dict[str, float]]]:
    """Each hidden layer's activation with its parameter values (those of ``params`` it takes, else defaults)."""
    acts = [get_activation(n) for n in names]
    return [(a, a.resolve(**{k: v for k, v in params.items() if k in a.params})) for a in acts]


def widths(cfg: RunConfig, data: Dataset | None = None) -> tuple[int, ...]:
    """The network's widths, inputs to outputs (from the data set when given, else from the config)."""
    features = len(data.features) if data is not None else len(cfg.feature_names())
    classes = data.num_classes if data is not None else DATASETS.get(cfg.dataset).num_classes
    return (features, *cfg.hidden, LOSSES.get(cfg.loss).out_dim(classes))


def n_params(cfg: RunConfig, data: Dataset | None = None) -> int:
    w = widths(cfg, data)
    return sum(a * b + b for a, b in zip(w[:-1], w[1:], strict=True))


def compiled_unsupported(cfg: RunConfig, classification: bool) -> str | None:
    """Why the compiled engines cannot train this config, or ``None`` when they can."""
    if cfg.dtype != "float64":
        return f"it computes in float64, got dtype {cfg.dtype!r}"
    if cfg.optimizer not in K.OPTIMIZERS:
        return f"it has optimizers {list(K.OPTIMIZERS)}, got {cfg.optimizer!r}"
    if cfg.regularization not in K.PENALTIES:
        return f"it has regularizations {list(K.PENALTIES)}, got {cfg.regularization!r}"
    if (cfg.loss, classification) not in K.LOSSES:
        return f"it has losses {sorted({n for n, _ in K.LOSSES})} (mse for regression), got {cfg.loss!r}"
    bad = sorted({a for a in (get_activation(n).name for n in cfg.layer_activations()) if a not in K.ACTIVATIONS})
    return f"it has activations {sorted(K.ACTIVATIONS)}, got {bad}" if bad else None


def _single(cfg: RunConfig, data: Dataset | None, model: object) -> Choice:
    if model is not None and type(model) is not MLP:
        if cfg.engine == "compiled":
            raise ValueError(f"engine 'compiled' cannot train this run: it trains relulab's MLP, got a "
                             f"{type(model).__name__}; use 'auto'")
        return Choice("autograd", f"a {type(model).__name__} model: autograd trains any module")
    if cfg.engine == "autograd":
        return Choice("autograd", "engine 'autograd' asked for")
    why = None
    if cfg.engine in ("auto", "compiled"):
        why = compiled_unsupported(cfg, (data.problem if data is not None else cfg.problem) == "classification")
        if cfg.engine == "compiled":
            if why is not None:
                raise ValueError(f"engine 'compiled' cannot train this run: {why}; use 'auto'")
            return Choice("compiled", "engine 'compiled' asked for")
        if why is None and (size := n_params(cfg, data)) <= MAX_PARAMS:
            return Choice("compiled", "a small plain MLP: the compiled single-run loop is the fastest")
        why = why or f"auto trains nets of more than {MAX_PARAMS} parameters on torch, got {size}"
        why = f"not compiled: {why}"
    names = cfg.layer_activations()
    if not closed_form([get_activation(a) for a in names]):
        if cfg.engine == "fused":
            raise ValueError(f"engine 'fused' needs activations with a closed-form derivative and no "
                             f"learned parameters, got {list(names)}; use 'auto'")
        return Choice("autograd", f"activations {list(names)}: no closed-form derivative or learned parameters")
    return Choice("fused", why or "engine 'fused' asked for")


def stack_key(cfg: RunConfig) -> tuple:
    """A hashable key: configs with equal keys may be trained as one torch stack."""
    return _hashable(cfg.model_dump(exclude=set(PER_MODEL)))


def _hashable(v: object) -> object:
    if isinstance(v, dict):
        return tuple(sorted((k, _hashable(x)) for k, x in v.items()))
    return tuple(_hashable(x) for x in v) if isinstance(v, list | tuple) else v


def lanes_unsupported(cfgs: Sequence[RunConfig], datas: Sequence[Dataset] | None = None, *,
                      auto: bool = True) -> str | None:
    """Why the lanes kernel cannot train these runs as one group (``None``: it can); with ``auto``, also
    not for big nets. A check of a requested engine, not a choice: only :func:`choose_engine` chooses."""
    first = cfgs[0]
    for c in cfgs:
        diff = [f for f in GROUP_FIELDS if getattr(c, f) != getattr(first, f)]
        if diff:
            return f"the runs of a group share {list(GROUP_FIELDS)}, these differ in {diff}"
        if c.shuffle:
            return "shuffled runs train one at a time"
        if c.engine not in ("auto", "compiled"):
            return f"a run asks for engine {c.engine!r}"
    shapes = {(len(d.features), d.problem, d.num_classes) for d in datas or ()}
    if len(shapes) > 1:
        return "the data sets of a group have the same number of features, problem and classes"
    classification = (datas[0].problem if datas else first.problem) == "classification"
    for c in {(c.optimizer, c.regularization, c.dtype): c for c in cfgs}.values():
        if (why := compiled_unsupported(c, classification)) is not None:
            return why
    if auto and first.engine == "auto" and (size := n_params(first, datas[0] if datas else None)) > MAX_GROUP_PARAMS:
        return f"auto trains groups of nets of more than {MAX_GROUP_PARAMS} parameters on torch, got {size}"
    return None


def _stack_unsupported(cfgs: Sequence[RunConfig], datas: Sequence[Dataset] | None) -> str | None:
    first = cfgs[0]
    if any(stack_key(c) != stack_key(first) for c in cfgs):
        return f"its runs differ in more than {', '.join(PER_MODEL)}"
    if first.target_loss is not None or first.shuffle:
        return "runs that stop early or reshuffle train one at a time"
    if first.engine == "autograd":
        return "engine 'autograd' asked for"
    acts = [get_activation(a) for a in first.layer_activations()]
    if not closed_form(acts) and not (first.engine == "auto" and all(
            closed_form([a]) or not a.learnable or a.name in STACKED_FORMS for a in acts)):
        return f"activations {list(first.layer_activations())} cannot be stacked"
    d0 = datas[0] if datas else None
    if datas and any(d.x_train.shape != d0.x_train.shape or d.x_test.shape != d0.x_test.shape
                     or d.y_train.dtype != d0.y_train.dtype for d in datas):
        return "its data sets differ in shape"
    return None


def stack_layout(cfg: RunConfig, data: Dataset | None = None) -> str:
    """The torch stack's layout for a stackable group."""
    if not closed_form([get_activation(a) for a in cfg.layer_activations()]):
        return "stack-learned"
    return "stack-narrow" if max(widths(cfg, data)) <= MAX_WIDTH else "stack-batched"


def choose_engine(cfgs: Sequence[RunConfig], datas: Sequence[Dataset] | None = None, *,
                  model: object = None) -> Choice:
    """The engine for 1..E runs (``datas``: one data set per config, if known; ``model``: a lone run's
    module, if not built from its config). Raises ``ValueError`` when a config asks for an engine
    that cannot train it."""
    if len(cfgs) == 1:
        return _single(cfgs[0], datas[0] if datas else None, model)
    lanes = lanes_unsupported(cfgs, datas)
    if lanes is None:
        return Choice("compiled-lanes", f"{len(cfgs)} small plain MLPs: the lanes kernel trains them together")
    stack = _stack_unsupported(cfgs, datas)
    if stack is None:
        return Choice(stack_layout(cfgs[0], datas[0] if datas else None), f"not compiled lanes: {lanes}")
    return Choice("sequential", f"not compiled lanes: {lanes}; no torch stack: {stack}")
