"""The data and model a RunConfig describes."""

from __future__ import annotations

import torch

from relulab.config import RunConfig
from relulab.data import build_dataset
from relulab.training import build_model, make_dataset


def test_make_dataset_follows_the_config():
    cfg = RunConfig(dataset="xor", n_points=60, noise=0.1, train_ratio=0.7, data_seed="9",
                    features=("x1x2", "sin_x1"))
    ds = make_dataset(cfg)
    ref = build_dataset("xor", n=60, noise=0.1, train_ratio=0.7, seed="9", features=("x1x2", "sin_x1"))
    assert torch.equal(ds.x_train, ref.x_train) and len(ds.x_train) == 42
    assert ds.features == ("x1x2", "sin_x1")
    torch.testing.assert_close(ds.train_inputs[:, 0], ds.x_train[:, 0] * ds.x_train[:, 1])
    one_d = make_dataset(RunConfig(dataset="sin", loss="mse"))
    assert one_d.features == ("x1",) and one_d.x_train.shape[1] == 1


def test_make_dataset_of_a_formula_uses_the_config_features():
    cfg = RunConfig(dataset="formula", formula="sin(2*x)", n_points=30, features=("x1", "sin_x1"))
    ds = make_dataset(cfg)
    assert ds.features == ("x1", "sin_x1") and len(ds.x_train) == 15
    torch.testing.assert_close(ds.train_inputs[:, 1], torch.sin(ds.x_train[:, 0]))
    torch.testing.assert_close(ds.y_train, torch.sin(2 * ds.x_train[:, 0]))


def test_build_model_follows_the_config():
    cfg = RunConfig(dataset="spiral3", hidden=(5, 4), activation="relu", loss="cross_entropy", dtype="float32",
                    weight_seed=3)
    data = make_dataset(cfg)
    a, b = build_model(cfg, data), build_model(cfg, data)
    assert a.widths == (2, 5, 4, 3) and next(a.parameters()).dtype == torch.float32
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))  # seeded
