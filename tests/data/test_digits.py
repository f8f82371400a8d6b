"""The 8x8 digits: scikit-learn's images (the oracle), scaled, subset and split by the data seed."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from relulab.config import RunConfig
from relulab.data import DATASETS, build_dataset
from relulab.data.digits import digits
from relulab.training import build_model, make_dataset


def _rows(x: torch.Tensor) -> set[tuple[float, ...]]:
    return {tuple(r) for r in x.tolist()}


def test_all_images_are_scikit_learns_scaled_to_unit_range(generator):
    ref = load_digits()
    x, y = digits(1797, generator=generator)
    np.testing.assert_array_equal(x.numpy() * 16, ref.data)
    np.testing.assert_array_equal(y.numpy(), ref.target)
    assert x.dtype == torch.float64 and y.dtype == torch.int64
    spec = DATASETS.get("digits")
    assert (spec.input_dim, spec.num_classes, spec.default_n, spec.problem) == (64, 10, 1797, "classification")


def test_split_is_deterministic_disjoint_and_seeded():
    a = build_dataset("digits", seed="3")
    b = build_dataset("digits", seed="3")
    c = build_dataset("digits", seed="4")
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_test, b.y_test)
    assert not torch.equal(a.x_train, c.x_train)
    assert (len(a.x_train), len(a.x_test)) == (898, 899)
    # every image once: train and test together are the whole set (duplicates in the set counted alike)
    both = torch.cat([a.x_train, a.x_test])
    ref = torch.tensor(load_digits().data / 16.0)
    assert sorted(map(tuple, both.tolist())) == sorted(map(tuple, ref.tolist()))
    assert set(a.y_train.tolist()) == set(range(10))
    assert a.features == tuple(f"x{k}" for k in range(1, 65))
    torch.testing.assert_close(a.train_inputs, a.x_train, rtol=0, atol=0)


def test_subset_and_noise():
    small = build_dataset("digits", n=100, seed="1", train_ratio=0.7)
    assert (len(small.x_train), len(small.x_test)) == (70, 30)
    assert _rows(torch.cat([small.x_train, small.x_test])) <= _rows(torch.tensor(load_digits().data / 16.0))
    noisy = build_dataset("digits", n=100, seed="1", train_ratio=0.7, noise=0.1)
    delta = noisy.x_train - small.x_train  # same images, jittered: the draws do not depend on the noise
    assert torch.equal(noisy.y_train, small.y_train)
    assert 0.05 < float(delta.std()) < 0.15


def test_more_images_than_there_are_is_refused():
    with pytest.raises(ValueError, match="has 1797 images, got n = 1798"):
        build_dataset("digits", n=1798)


def test_a_run_config_trains_an_mlp_on_the_64_pixels():
    cfg = RunConfig(dataset="digits", loss="cross_entropy", hidden=(16,), activation="relu", n_points=200)
    data = make_dataset(cfg)
    model = build_model(cfg, data)
    assert model.linears[0].in_features == 64 and model.linears[-1].out_features == 10
    assert cfg.feature_names()[-1] == "x64"
    with pytest.raises(ValueError, match="takes 2 classes, 'digits' has 10"):
        RunConfig(dataset="digits")
    RunConfig(dataset="digits", loss="cross_entropy", features=("x1", "x64"))
    with pytest.raises(ValueError, match="x65"):
        RunConfig(dataset="digits", loss="cross_entropy", features=("x65",))
    with pytest.raises(ValueError, match="unknown feature 'x3'"):
        RunConfig(features=("x3",))
