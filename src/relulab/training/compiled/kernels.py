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
- ``opt == FUSED_SGD`` (plain SGD with no penalty or L2): gradients summed over the batch,
  ``w ← w + (−lr/n)·Σg − (lr·l2)·w_old``, biases without the penalty;
- otherwise: gradients averaged (``dz / n``), ``torch.optim.SGD``'s update (``buf ← μ·buf + g``,
  ``p ← p − lr·buf`` with momentum), then the penalty ``w ← w − (lr·rate)·R'(w_old)``; L1 sets a
  weight that crosses zero to 0 and freezes it (``D``, the playground's dead links).

The row functions (:mod:`.lane_ops`) compute exp, tanh, log, ... with :mod:`.vmath` (a few ulp from
libm, vectorisable); the single-run loop (:mod:`.loops`, :mod:`.blocks`) and the many-model loop
(:mod:`.lanes`) share them. Everything is compiled once per machine (``cache=True``); the tests check
the results against the torch engines to 1e-12.
"""

from __future__ import annotations

# activation kernel ids (see relulab.training.compiled.ACTIVATION_KERNELS)
IDENTITY, RELU, LEAKY_RELU, TANH, SIGMOID, ELU, SOFTPLUS, SOFTSIGN = 0, 1, 2, 3, 4, 5, 6, 7
RELU6, HARDTANH, HARDSIGMOID, ABS, STEP = 8, 9, 10, 11, 12
# loss kernel ids: the loss and its head
MSE_TANH, MSE_LINEAR, BCE, CROSS_ENTROPY = 0, 1, 2, 3
# how a prediction becomes a label: sign of output 0 (±1), argmax as ±1, argmax as index, none
SIGN, ARGMAX_PM1, ARGMAX, NO_ACCURACY = 0, 1, 2, 3
# optimizer paths and penalties
FUSED_SGD, SGD, MOMENTUM = 0, 1, 2
REG_NONE, REG_L1, REG_L2 = 0, 1, 2
# how a training call ended
RUNNING, DIVERGED, TARGET = 0, 1, 2
