"""relulab's playground semantics against a trace recorded from TensorFlow Playground's own engine."""

from __future__ import annotations

import json

import pytest
import torch

from relulab.config import RunConfig
from relulab.data import Dataset
from relulab.training import Trainer, build_model


def _load(fixtures_dir):
    return json.loads((fixtures_dir / "playground-circle-tanh.json").read_text())


def _points(items):
    x = torch.tensor([[p["x"], p["y"]] for p in items], dtype=torch.float64)
    return x, torch.tensor([float(p["label"]) for p in items], dtype=torch.float64)


@pytest.mark.parametrize("engine", ["compiled", "fused", "autograd"])
def test_trace_reproduced_to_1e_12(fixtures_dir, engine):
    trace = _load(fixtures_dir)
    cfg = RunConfig(dataset="circle", activation="tanh", hidden=(3, 3, 3), lr=0.03, regularization="l2",
                    reg_rate=0.001, batch_size=10, epochs=trace["epochs"], engine=engine)
    xtr, ytr = _points(trace["train"])
    xte, yte = _points(trace["test"])
    data = Dataset("circle", "classification", 2, ("x1", "x2"), xtr, ytr, xte, yte)
    model = build_model(cfg, data)
    with torch.no_grad():
        for lin, layer in zip(model.linears, trace["init"], strict=True):
            lin.weight.copy_(torch.tensor(layer["W"], dtype=torch.float64))
            lin.bias.copy_(torch.tensor(layer["b"], dtype=torch.float64))
    trainer = Trainer(cfg, data=data, model=model)
    assert trainer.engine == engine
    for _ in range(cfg.epochs):
        trainer.step_epoch()
    for lin, layer in zip(model.linears, trace["final"], strict=True):
        torch.testing.assert_close(lin.weight.detach(), torch.tensor(layer["W"], dtype=torch.float64),
                                   atol=1e-12, rtol=0)
        torch.testing.assert_close(lin.bias.detach(), torch.tensor(layer["b"], dtype=torch.float64),
                                   atol=1e-12, rtol=0)
    stats = trainer.history.last()
    assert stats.test_loss == pytest.approx(trace["test_loss"], rel=1e-6)
    assert stats.test_acc == trace["test_acc"]


def test_dataset_generated_for_seed_0_matches_trace(fixtures_dir):
    """The trace's points are what the page generated for seed '0': relulab makes the same ones."""
    from relulab.training import make_dataset

    trace = _load(fixtures_dir)
    data = make_dataset(RunConfig(dataset="circle", data_seed="0"))
    xtr, ytr = _points(trace["train"])
    torch.testing.assert_close(data.x_train, xtr, atol=1e-12, rtol=0)
    assert torch.equal(data.y_train, ytr)
