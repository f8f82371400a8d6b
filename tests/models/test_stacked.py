"""A stack starts from the very numbers of E separate MLPs."""

from __future__ import annotations

import pytest
import torch

from relulab.models import INITS, MLP, init_stack
from relulab.models.stacked import unstack


@pytest.mark.parametrize("init", INITS.names())
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_init_stack_equals_separate_mlps(init, dtype):
    seeds = [0, 5, 11]
    ws, bs = init_stack((2, 4, 3, 1), ("relu", "tanh"), {}, init, seeds, dtype)
    for e, s in enumerate(seeds):
        net = MLP(2, (4, 3), 1, ("relu", "tanh"), init=init, generator=torch.Generator().manual_seed(s), dtype=dtype)
        for lin, w, b in zip(net.linears, ws, bs, strict=True):
            assert torch.equal(lin.weight, w[e]) and torch.equal(lin.bias, b[e])


def test_unstack_copies_one_model_out():
    ws, bs = init_stack((2, 3, 1), ("relu",), {}, "he", [1, 2])
    net = unstack(MLP(2, (3,), 1, "relu", generator=torch.Generator()), ws, bs, 1)
    assert torch.equal(net[0].weight, ws[0][1]) and torch.equal(net[2].bias, bs[1][1])
