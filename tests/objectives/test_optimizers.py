"""The optimizers' update rules equal torch.optim's, for one model and per model in a stack."""

from __future__ import annotations

import pytest
import torch

from relulab.objectives import OPTIMIZERS
from relulab.objectives.optimizers import OptimizerState

TORCH = {
    "sgd": lambda ps, lr, m: torch.optim.SGD(ps, lr=lr),
    "momentum": lambda ps, lr, m: torch.optim.SGD(ps, lr=lr, momentum=m),
    "adam": lambda ps, lr, m: torch.optim.Adam(ps, lr=lr),
}


def _grads(generator, shapes, steps):
    return [[torch.randn(s, dtype=torch.float64, generator=generator) for s in shapes] for _ in range(steps)]


@pytest.mark.parametrize("name", OPTIMIZERS.names())
def test_one_model_matches_torch_optim(name, generator):
    shapes = [(3, 2), (3,), (1, 3)]
    init = [torch.randn(s, dtype=torch.float64, generator=generator) for s in shapes]
    ours = [p.clone() for p in init]
    ref = [torch.nn.Parameter(p.clone()) for p in init]
    opt = TORCH[name](ref, 0.05, 0.8)
    state = OptimizerState(OPTIMIZERS.get(name), ours, [0.05] * 3, [0.8] * 3)
    for grads in _grads(generator, shapes, 6):
        state.step(grads)
        for p, g in zip(ref, grads, strict=True):
            p.grad = g.clone()
        opt.step()
    for p, q in zip(ours, ref, strict=True):
        torch.testing.assert_close(p, q.detach(), atol=1e-15, rtol=0)


@pytest.mark.parametrize("name", OPTIMIZERS.names())
def test_per_model_learning_rates_and_momenta_in_a_stack(name, generator):
    lrs, moms = [0.01, 0.1, 0.03], [0.9, 0.0, 0.5]
    stacked = [torch.randn(3, 4, 2, dtype=torch.float64, generator=generator)]
    ours = [stacked[0].clone()]
    refs = [torch.nn.Parameter(stacked[0][e].clone()) for e in range(3)]
    opts = [TORCH[name]([p], lr, m) for p, lr, m in zip(refs, lrs, moms, strict=True)]
    lr_t = torch.tensor(lrs, dtype=torch.float64).view(3, 1, 1)
    mom_t = torch.tensor(moms, dtype=torch.float64).view(3, 1, 1)
    state = OptimizerState(OPTIMIZERS.get(name), ours, [lr_t], [mom_t])
    for (g,) in _grads(generator, [(3, 4, 2)], 5):
        state.step([g])
        for e, (p, opt) in enumerate(zip(refs, opts, strict=True)):
            p.grad = g[e].clone()
            opt.step()
    for e, p in enumerate(refs):
        torch.testing.assert_close(ours[0][e], p.detach(), atol=1e-15, rtol=0)


def test_only_plain_sgd_declares_the_fusable_plain_gradient_step():
    assert {n for n, o in OPTIMIZERS.items() if o.plain_gradient} == {"sgd"}
