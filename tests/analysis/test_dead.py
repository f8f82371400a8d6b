"""Dead-unit tracking: revive counts on a constructed case, and the tracker inside training."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch
from torch import nn

from relulab.analysis.dead import DeadHistory, DeadUnitTracker, dead_mask
from relulab.config import RunConfig
from relulab.training import build_model, make_dataset, train


def _net(biases):
    net = nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1)).double()
    with torch.no_grad():
        net[0].weight.fill_(1.0)
        net[0].bias.copy_(torch.tensor(biases, dtype=torch.float64))
    return net


def test_constructed_deaths_and_revivals():
    x = torch.linspace(0, 1, 11, dtype=torch.float64)[:, None]  # x in [0, 1]: a unit with bias < -1 is dead
    tracker = DeadUnitTracker(inputs=x)
    states = [[0.0, 0.0, 0.0], [-2.0, 0.0, -5.0], [0.0, -3.0, -5.0], [0.0, 0.0, -5.0]]
    net = _net(states[0])
    for b in states:
        with torch.no_grad():
            net[0].bias.copy_(torch.tensor(b, dtype=torch.float64))
        tracker(SimpleNamespace(model=net))
    h = tracker.history()
    # unit 0: dead at record 1, alive at 2 (revived); unit 1: dead at 2, alive at 3 (revived); unit 2: dead from 1 on
    assert h.dead.tolist() == [[False] * 3, [True, False, True], [False, True, True], [False, False, True]]
    assert (h.ever_dead(), h.revived(), h.dead_at_end(), h.units) == (3, 2, 1, 3)
    assert h.fraction() == pytest.approx([0, 2 / 3, 2 / 3, 1 / 3])


def test_dead_to_the_end_never_counts_as_revived():
    h = DeadHistory(["1"], torch.tensor([[1, 0], [1, 1], [1, 1]], dtype=torch.bool))
    assert (h.ever_dead(), h.revived()) == (2, 0)
    assert DeadHistory(["1"], torch.tensor([[1, 0]], dtype=torch.bool)).revived() == 0


def test_tracker_during_training_agrees_with_dead_mask():
    cfg = RunConfig(dataset="circle", hidden=(6, 6), activation="relu", lr=3.0, epochs=4, n_points=100)
    data = make_dataset(cfg)
    model = build_model(cfg, data)
    tracker = DeadUnitTracker()
    tracker.record(model, data.train_inputs)
    run = train(cfg, on_step=tracker, data=data, model=model)
    h = tracker.history()
    assert h.dead.shape == (len(run.history.epoch), 12) and h.sites == ["1", "3"]
    assert torch.equal(h.dead[-1], dead_mask(run.model, data.train_inputs)[1])
    with torch.no_grad():  # brute force: a relu unit is dead when its pre-activation is <= 0 on every point
        pre = [run.model[0](data.train_inputs)]
        pre.append(run.model[2](run.model[1](pre[0])))
    assert torch.equal(h.dead[-1], torch.cat([(p <= 0).all(0) for p in pre]))


def test_a_changed_model_is_refused():
    tracker = DeadUnitTracker()
    tracker.record(_net([0.0, 0.0, 0.0]), torch.zeros(2, 1, dtype=torch.float64))
    other = nn.Sequential(nn.Linear(1, 2), nn.Tanh(), nn.Linear(2, 2), nn.ReLU()).double()
    with pytest.raises(ValueError, match="activation sites changed"):
        tracker.record(other, torch.zeros(2, 1, dtype=torch.float64))


def _act_net(act: torch.nn.Module) -> torch.nn.Sequential:
    net = torch.nn.Sequential(torch.nn.Linear(1, 3), act, torch.nn.Linear(3, 1)).double()
    with torch.no_grad():  # unit 0 on for x > 0, unit 1 negative on every x in [-1, 1], unit 2 on for x < 0.5
        net[0].weight[:, 0] = torch.tensor([1.0, 1.0, -1.0], dtype=torch.float64)
        net[0].bias[:] = torch.tensor([0.0, -8.0, 0.5], dtype=torch.float64)
    return net


def test_near_dead_units_by_derivative_or_constant_output():
    from relulab.analysis.dead import near_dead_mask

    x = torch.linspace(-1, 1, 41, dtype=torch.float64)[:, None]
    for act, want in ((torch.nn.ReLU(), [False, True, False]), (torch.nn.LeakyReLU(0.01), [False, True, False]),
                      (torch.nn.LeakyReLU(0.2), [False, False, False]), (torch.nn.ELU(), [False, True, False])):
        names, mask, sizes = near_dead_mask(_act_net(act), x, eps=0.01)
        assert mask.tolist() == want, act
        assert sizes == [3] and names == ["1"]
    relu = _act_net(torch.nn.ReLU())
    assert torch.equal(near_dead_mask(relu, x, eps=0.0)[1], dead_mask(relu, x)[1])  # relu: near-dead = dead
    prelu = _act_net(torch.nn.PReLU(init=0.5).double())
    assert near_dead_mask(prelu, x, eps=0.01)[1].tolist() == [False, False, False]  # its learned slope counts
    flat = _act_net(torch.nn.Tanh())
    assert near_dead_mask(flat, torch.zeros(5, 1, dtype=torch.float64), eps=1e-6)[1].tolist() == [True] * 3


def test_revival_per_site():
    h = DeadHistory(["a", "b"], torch.tensor([[1, 0, 1], [0, 0, 1], [0, 1, 1]], dtype=torch.bool), [1, 2])
    assert h.per_site() == {"a": (1, 1, 1), "b": (2, 2, 0)}
    assert DeadHistory(["a"], torch.tensor([[1, 0]], dtype=torch.bool)).per_site() == {"a": (2, 1, 0)}


def test_tracker_with_eps_keeps_sizes():
    tracker = DeadUnitTracker(eps=0.01)
    x = torch.linspace(-1, 1, 41, dtype=torch.float64)[:, None]
    tracker.record(_act_net(torch.nn.LeakyReLU(0.01)), x)
    h = tracker.history()
    assert h.sizes == [3] and h.dead.tolist() == [[False, True, False]]
