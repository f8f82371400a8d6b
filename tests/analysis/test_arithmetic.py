from __future__ import annotations

import pytest
import torch

from relulab.analysis.arithmetic import arithmetic_errors, rmse
from relulab.config import RunConfig
from relulab.training import train


def test_linear_model_is_exact_for_a_plus_b_and_not_for_a_times_b():
    gen = torch.Generator().manual_seed(0)
    add = arithmetic_errors(train(RunConfig(dataset="add", hidden=(), lr=0.1, epochs=40)), generator=gen)
    assert add.inside < 1e-10 and add.outside < 1e-10 and 3 < add.target_range <= 4
    mul = arithmetic_errors(train(RunConfig(dataset="mul", hidden=(), lr=0.1, epochs=40)), generator=gen)
    assert mul.inside > 0.2 and mul.outside > 3 * mul.inside  # the best plane misses a*b, more so outside


def test_rmse_closed_form():
    assert rmse(torch.tensor([1.0, 1.0, 1.0, 1.0]), torch.tensor([0.0, 2.0, 0.0, 2.0])) == pytest.approx(1.0)


def test_refuses_a_non_arithmetic_run():
    run = train(RunConfig(dataset="xor", hidden=(2,), epochs=1, n_points=20))
    with pytest.raises(ValueError, match="not an arithmetic run: data set 'xor'"):
        arithmetic_errors(run, generator=torch.Generator())
