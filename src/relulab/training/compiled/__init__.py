"""The compiled engine: small plain MLPs trained by a numba loop over float64 arrays.

``engine="compiled"`` asks for it; ``engine="auto"`` takes it whenever :func:`unsupported` finds
nothing against it (plain SGD or momentum, none/L1/L2, float64, activations with a closed-form
derivative, MSE/BCE/cross-entropy). Adam, float32 and autograd-only activations (PReLU, GELU, ...)
stay on torch. Results equal the fused torch engine to 1e-12 (tested).

This module imports no numba: the kernels load (and, the first time on a machine, compile) only
when a compiled run starts, so ``import relulab`` stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...activations import get_activation
from ...config import RunConfig

if TYPE_CHECKING:
    from ...data import Dataset
    from ..loop import Trainer
    from .engine import CompiledEngine

# activation name -> (kernel id in .kernels, the registry parameters the kernel reads, in order)
ACTIVATION_KERNELS: dict[str, tuple[int, tuple[str, ...]]] = {
    "identity": (0, ()), "relu": (1, ()), "leaky_relu": (2, ("negative_slope",)), "tanh": (3, ()),
    "sigmoid": (4, ()), "elu": (5, ("alpha",)), "softplus": (6, ("beta",)), "softsign": (7, ()),
    "relu6": (8, ()), "hardtanh": (9, ("min_val", "max_val")), "hardsigmoid": (10, ()), "abs": (11, ()),
    "step": (12, ()),
}
# (loss, classification) -> loss kernel id
LOSS_KERNELS: dict[tuple[str, bool], int] = {("mse", True): 0, ("mse", False): 1, ("bce", True): 2,
                                             ("cross_entropy", True): 3}
OPTIMIZERS = ("sgd", "momentum")
PENALTIES = {"none": 0, "l1": 1, "l2": 2}
MAX_PARAMS = 20_000  # auto: above this the per-call overhead of torch no longer dominates
# auto, groups: the lanes kernel (.lanes: blocks of models, the model axis vectorised) beats the torch
# stack at every group size on small nets (1 to 1,000 models, 2-3-3-3-1 up to 2-16-16-1: 1.6-11x);
# from 2-32-32-1 (about 1,200 parameters) on, the stack's matmuls win on small groups.
MAX_GROUP_PARAMS = 1_000
GROUP_FIELDS = ("hidden", "activation", "activation_params", "loss", "dtype", "epochs")  # shared by a group


def unsupported(cfg: RunConfig, activations: tuple[str, ...], classification: bool) -> str | None:
    """Why the compiled engine cannot train this run, or ``None`` when it can."""
    if cfg.dtype != "float64":
        return f"it computes in float64, got dtype {cfg.dtype!r}"
    if cfg.optimizer not in OPTIMIZERS:
        return f"it has optimizers {list(OPTIMIZERS)}, got {cfg.optimizer!r}"
    if cfg.regularization not in PENALTIES:
        return f"it has regularizations {list(PENALTIES)}, got {cfg.regularization!r}"
    if (cfg.loss, classification) not in LOSS_KERNELS:
        return f"it has losses {sorted({n for n, _ in LOSS_KERNELS})} (mse for regression), got {cfg.loss!r}"
    names = [get_activation(a).name for a in activations]
    bad = sorted({a for a in names if a not in ACTIVATION_KERNELS})
    if bad:
        return f"it has activations {sorted(ACTIVATION_KERNELS)}, got {bad}"
    return None


def compiled_engine(trainer: Trainer) -> CompiledEngine | None:
    """The compiled engine for a Trainer, when its config asks for it or ``auto`` allows it."""
    from ...models import MLP

    cfg = trainer.cfg
    if cfg.engine not in ("auto", "compiled"):
        return None
    model = trainer.model
    if type(model) is not MLP:
        reason = f"it trains relulab's MLP, got a {type(model).__name__}"
    else:
        reason = unsupported(cfg, model.activation_names, trainer.classification)
        if reason is None and cfg.engine == "auto" and sum(p.numel() for p in model.parameters()) > MAX_PARAMS:
            return None
    if reason is not None:
        if cfg.engine == "compiled":
            raise ValueError(f"engine 'compiled' cannot train this run: {reason}; use 'auto'")
        return None
    from .engine import CompiledEngine

    return CompiledEngine(trainer)


def group_unsupported(cfgs: Sequence[RunConfig], datas: Sequence[Dataset], *, auto: bool = True) -> str | None:
    """Why :func:`~relulab.training.compiled.many.train_models` cannot train these runs (one data set
    each) as one group, or ``None`` when it can. With ``auto``, also ``None`` only for small nets."""
    first, d0 = cfgs[0], datas[0]
    for c in cfgs:
        diff = [f for f in GROUP_FIELDS if getattr(c, f) != getattr(first, f)]
        if diff:
            return f"the runs of a group share {list(GROUP_FIELDS)}, these differ in {diff}"
        if c.shuffle:
            return "shuffled runs train one at a time"
        if c.engine not in ("auto", "compiled"):
            return f"a run asks for engine {c.engine!r}"
    if any((len(d.features), d.problem, d.num_classes) != (len(d0.features), d0.problem, d0.num_classes)
           for d in datas):
        return "the data sets of a group have the same number of features, problem and classes"
    classification = d0.problem == "classification"
    for c in dict.fromkeys((c.optimizer, c.regularization, c.dtype) for c in cfgs):
        reason = unsupported(first.model_copy(update=dict(zip(("optimizer", "regularization", "dtype"), c,
                                                              strict=True))),
                             first.layer_activations(), classification)
        if reason is not None:
            return reason
    if auto and first.engine == "auto":
        from ...objectives import LOSSES

        widths = (len(d0.features), *first.hidden, LOSSES.get(first.loss).out_dim(d0.num_classes))
        size = sum(a * b + b for a, b in zip(widths[:-1], widths[1:], strict=True))
        if size > MAX_GROUP_PARAMS:
            return f"auto trains groups of nets of more than {MAX_GROUP_PARAMS} parameters on torch, got {size}"
    return None
