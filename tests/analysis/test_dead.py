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
