"""Common tests over the DATASETS registry, and the builder: split, seeds, features, bad input."""

from __future__ import annotations

import pytest
import torch

from relulab.data import (
    DATASETS,
    FEATURES,
    Dataset,
    build_dataset,
    dataset_from_points,
    seed_to_int,
    split_index,
)

NAMES = [n for n in DATASETS.names() if n != "formula"]  # "formula" needs RunConfig.formula (tested there)
HALVED = {"circle", "gauss", "spiral"}  # the page loops i < n/2 per half


def _check_targets(spec, y):
    if spec.problem == "regression":
        assert y.dtype == torch.float64 and bool(torch.isfinite(y).all())
    elif spec.num_classes == 2:
        assert y.dtype == torch.float64 and set(y.tolist()) <= {-1.0, 1.0}
    else:
        assert y.dtype == torch.int64 and set(y.tolist()) <= set(range(spec.num_classes))


@pytest.mark.parametrize("name", NAMES)
def test_spec_is_consistent(name):
    spec = DATASETS.get(name)
    assert spec.name == name and spec.description
    assert spec.problem in ("classification", "regression")
    assert (spec.num_classes == 0) == (spec.problem == "regression")
    assert spec.input_dim in ((64,) if name == "digits" else (1, 2)) and spec.default_n >= 4
    assert spec.domain[0] < spec.domain[1]
    if spec.playground:
        assert spec.domain == (-6.0, 6.0)
        assert spec.default_n == (1200 if spec.problem == "regression" else 500)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_shapes_dtypes_and_labels(name, noise):
    spec = DATASETS.get(name)
    ds = build_dataset(name, noise=noise, seed="3")
    assert isinstance(ds, Dataset) and ds.problem == spec.problem and ds.num_classes == spec.num_classes
    n = spec.default_n
    total = len(ds.x_train) + (len(ds.x_test) if spec.holdout else 0)
    assert total == n
    for x, y in ((ds.x_train, ds.y_train), (ds.x_test, ds.y_test)):
        assert x.dtype == torch.float64 and x.shape == (len(y), spec.input_dim)
        assert bool(torch.isfinite(x).all())
        _check_targets(spec, y)
    assert ds.train_inputs.shape == (len(ds.x_train), spec.input_dim)
    if spec.problem == "classification":  # every class shows up
        assert len(set(torch.cat([ds.y_train, ds.y_test]).tolist())) == spec.num_classes


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_data_other_seed_other_data(name):
    a, b, c = (build_dataset(name, n=40, noise=0.2, seed=s) for s in ("1", "1", "2"))
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_test, b.y_test)
    assert not torch.equal(a.x_train, c.x_train)  # xor4 too: its noise jitter depends on the seed


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [4, 7, 33])
def test_any_n_works(name, n):
    ds = build_dataset(name, n=n, seed="1")
    spec = DATASETS.get(name)
    expected = n + (n % 2 if name in HALVED else 0)
    if spec.holdout:
        assert len(ds.x_train) + len(ds.x_test) == expected
        assert len(ds.x_train) >= 1 and len(ds.x_test) >= 1
    else:
        assert len(ds.x_train) == len(ds.x_test) == expected


def test_default_feature_names_and_defaults():
    assert build_dataset("circle").features == ("x1", "x2")
    ds = build_dataset("reg-plane")
    assert len(ds.x_train) + len(ds.x_test) == 1200


def test_split_index_reads_whole_percents_like_the_page():
    for n in (500, 1200, 37, 1001):
        for pct in range(10, 91):
            assert split_index(n, pct / 100) == max(1, min(n - 1, n * pct // 100))
    assert split_index(10, 0.333) == 3
    with pytest.raises(ValueError, match=r"train_ratio must be in \(0, 1\), got 1.0"):
        split_index(10, 1.0)


def test_seed_to_int_is_stable():
    assert seed_to_int("0") == 4108050209  # CRC-32: the same on every machine and every run
    assert seed_to_int("1") != seed_to_int("2")


def test_truth_table_set_keeps_every_point_in_train_and_test():
    ds = build_dataset("xor4")
    assert torch.equal(ds.x_train, ds.x_test) and len(ds.x_train) == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "moon"}, r"unknown dataset 'moon'; choose one of \['circle'"),
        ({"n": 0}, r"number of points must be an integer >= 1, got 0"),
        ({"n": 2.5}, r"got 2.5"),
        ({"noise": -0.1}, r"noise must be a finite number >= 0, got -0.1"),
        ({"noise": float("nan")}, r"noise must be a finite number >= 0, got nan"),
        ({"seed": 3}, r"the data seed is a string .*got 3"),
        ({"features": ("x1", "x9")}, r"unknown feature 'x9'; choose one of \['x1'"),
        ({"features": ()}, r"at least one feature is needed"),
        ({"name": "sin", "features": ("x1x2",)}, r"feature 'x1x2' needs a 2-D data set, got 'sin'"),
        ({"train_ratio": 0.0}, r"train_ratio must be in \(0, 1\), got 0.0"),
    ],
)
def test_bad_input_is_one_clear_line(kwargs, message):
    kwargs = {"name": "circle", **kwargs}
    name = kwargs.pop("name")
    with pytest.raises(ValueError, match=message) as err:
        build_dataset(name, **kwargs)
    assert "\n" not in str(err.value)


def test_dataset_from_points():
    x = torch.tensor([[0.0, 1.0], [2.0, 3.0], [9.5, 0.0], [1.0, 1.0]])
    ds = dataset_from_points(x, torch.tensor([1.0, -1.0, 1.0, 1.0]), features=("x1", "x1x2"))
    assert ds.problem == "classification" and ds.num_classes == 2 and ds.domain == (-10, 10)
    assert len(ds.x_train) == 2 and ds.x_train.dtype == torch.float64
    reg = dataset_from_points(x[:, :1], torch.tensor([0.5, 1.0, 2.0, 3.0]))
    assert reg.problem == "regression" and reg.features == ("x1",) and reg.num_classes == 0
    with pytest.raises(ValueError, match=r"got x \(4, 3\) and y \(4,\)"):
        dataset_from_points(torch.zeros(4, 3), torch.zeros(4))
    with pytest.raises(ValueError, match="NaN or infinity"):
        dataset_from_points(torch.tensor([[0.0], [float("nan")]]), torch.zeros(2))
    with pytest.raises(ValueError, match=r"labels must be -1 or 1, got \[0.5, 1.0"):
        dataset_from_points(x, torch.tensor([0.5, 1.0, 2.0, 3.0]), problem="classification")


def test_inputs_apply_to_any_raw_points():
    ds = build_dataset("circle", n=10, features=tuple(FEATURES))
    grid = torch.tensor([[1.0, 2.0]], dtype=torch.float32)
    out = ds.inputs(grid)
    assert out.shape == (1, len(FEATURES)) and out.dtype == torch.float32
