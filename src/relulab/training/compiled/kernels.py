r"""The compiled engine's ids and arithmetic: SGD (plain or momentum) on small MLPs, float64, numba.

Parameters of one model live in one flat array ``P``: layer ``k`` holds ``W_k`` ``(out, in)``
row-major at ``woff[k]`` and ``b_k`` at ``boff[k]``. The arithmetic is the fused torch engine's,
operation for operation (:mod:`relulab.training.fused`, :mod:`relulab.objectives`):

- a layer: ``z = Σ_j h_j·w_j`` (j ascending), then ``+ b``; the activations' derivatives are the
  registry's closed forms with autograd's choice at the kinks (relu'(0) = 0), tanh' and sigmoid'
  from ``h = f(z)`` (``1 − h²``, ``h(1 − h)``);
- losses: ½(tanh z − t)² on ±1 labels (the playground's head), ½(z − t)², BCE as torch computes it
  (``(1 − t)z − log σ(z)``), cross-entropy through a max-shifted softmax; decisions by the sign of
  output 0 or the argmax;
- the update step: :func:`.lanes.update` (its docstring), for one model and for many.

The row functions (:mod:`.lane_ops`) compute exp, tanh, log, ... with :mod:`.vmath` (a few ulp from
libm, vectorisable); the single-run loop (:mod:`.loops`, :mod:`.blocks`) and the many-model loop
(:mod:`.lanes`) share them. Everything is compiled once per machine (``cache=True``); the tests check
the results against the torch engines to 1e-12.
"""

from __future__ import annotations

from ..history import COMPLETED, DIVERGED, TARGET  # noqa: F401  (how a training call ended: the codes of STATUSES)

# THE kernel ids: a registry name's position here is its id (the engines and the kernels read only these).
# activation name -> the registry parameters the kernel reads, in order
ACTIVATIONS: dict[str, tuple[str, ...]] = {
    "identity": (), "relu": (), "leaky_relu": ("negative_slope",), "tanh": (), "sigmoid": (), "elu": ("alpha",),
    "softplus": ("beta",), "softsign": (), "relu6": (), "hardtanh": ("min_val", "max_val"), "hardsigmoid": (),
    "abs": (), "step": (),
}
# (loss name, classification): the loss and its head
LOSSES: tuple[tuple[str, bool], ...] = (("mse", True), ("mse", False), ("bce", True), ("cross_entropy", True))
PENALTIES: tuple[str, ...] = ("none", "l1", "l2")  # regularizer names
OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum")  # optimizer names ("sgd" with no penalty or L2: FUSED_SGD)
ACTIVATION_IDS = {name: i for i, name in enumerate(ACTIVATIONS)}
LOSS_IDS = {key: i for i, key in enumerate(LOSSES)}
PENALTY_IDS = {name: i for i, name in enumerate(PENALTIES)}

(IDENTITY, RELU, LEAKY_RELU, TANH, SIGMOID, ELU, SOFTPLUS, SOFTSIGN, RELU6, HARDTANH, HARDSIGMOID, ABS,
 STEP) = (ACTIVATION_IDS[n] for n in ACTIVATIONS)
MSE_TANH, MSE_LINEAR, BCE, CROSS_ENTROPY = (LOSS_IDS[k] for k in LOSSES)
REG_NONE, REG_L1, REG_L2 = (PENALTY_IDS[n] for n in PENALTIES)
FUSED_SGD, SGD, MOMENTUM = 0, 1, 2  # optimizer paths (SGD, MOMENTUM: OPTIMIZERS' order after the fused one)
# how a prediction becomes a label: sign of output 0 (±1), argmax as ±1, argmax as index, none
SIGN, ARGMAX_PM1, ARGMAX, NO_ACCURACY = 0, 1, 2, 3
RUNNING = COMPLETED  # a lane still training
