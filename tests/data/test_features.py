"""Input features against their closed forms, dtype kept, 1-D refusals."""

from __future__ import annotations

import math

import pytest
import torch

from relulab.data import FEATURES, apply_features

CLOSED_FORMS = {
    "x1": lambda a, b: a, "x2": lambda a, b: b, "x1sq": lambda a, b: a**2, "x2sq": lambda a, b: b**2,
    "x1x2": lambda a, b: a * b, "sin_x1": lambda a, b: math.sin(a), "sin_x2": lambda a, b: math.sin(b),
    "cos_x1": lambda a, b: math.cos(a), "cos_x2": lambda a, b: math.cos(b),
}


def test_registry_holds_the_documented_features():
    assert FEATURES.names() == list(CLOSED_FORMS)
    playground = {f.playground for _, f in FEATURES.items()} - {None}
    assert playground == {"x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"}


@pytest.mark.parametrize("name", FEATURES.names())
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_feature_values_and_dtype(name, dtype, generator):
    x = (torch.rand(50, 2, generator=generator, dtype=torch.float64) * 12 - 6).to(dtype)
    feat = FEATURES.get(name)
    out = feat.fn(x)
    assert out.shape == (50,) and out.dtype == dtype
    expected = torch.tensor([CLOSED_FORMS[name](a, b) for a, b in x.double().tolist()], dtype=torch.float64)
    tol = 1e-12 if dtype == torch.float64 else 1e-5
    torch.testing.assert_close(out.double(), expected, atol=tol, rtol=tol)
    assert feat.latex and feat.label


@pytest.mark.parametrize("name", [n for n, f in FEATURES.items() if not f.needs_x2])
def test_one_d_features_work_on_one_column(name):
    x = torch.linspace(-3, 3, 7, dtype=torch.float64)[:, None]
    assert FEATURES.get(name).fn(x).shape == (7,)


def test_apply_features_stacks_in_order():
    x = torch.tensor([[2.0, -3.0]], dtype=torch.float64)
    assert apply_features(x, ("x2", "x1", "x1x2")).tolist() == [[-3.0, 2.0, -6.0]]


def test_apply_features_refuses_bad_input():
    with pytest.raises(ValueError, match=r"feature 'x2sq' needs 2-D points, got shape \(3, 1\); 1-D"):
        apply_features(torch.zeros(3, 1), ("x1", "x2sq"))
    with pytest.raises(ValueError, match=r"raw points must have shape \(n, d\), got shape \(3,\)"):
        apply_features(torch.zeros(3), ("x1",))
    with pytest.raises(ValueError, match=r"unknown feature 'x3'; choose one of"):
        apply_features(torch.zeros(3, 2), ("x3",))
    with pytest.raises(ValueError, match="at least one feature"):
        apply_features(torch.zeros(3, 2), ())


def test_wide_points_see_their_raw_coordinates():
    from relulab.data import feature, raw_features

    x = torch.arange(2 * 64, dtype=torch.float64).reshape(2, 64)
    assert raw_features(64) == tuple(f"x{k}" for k in range(1, 65)) and raw_features(2) == ("x1", "x2")
    out = apply_features(x, raw_features(64))
    assert torch.equal(out, x) and out.data_ptr() != x.data_ptr()
    picked = apply_features(x, ("x64", "x3", "x1sq"))
    torch.testing.assert_close(picked, torch.stack([x[:, 63], x[:, 2], x[:, 0] ** 2], 1))
    assert feature("x10", 64).fn(x).tolist() == [9.0, 73.0]
    for bad, dim in [("x65", 64), ("x3", 2), ("x0", 64), ("x01", 64), ("pixel", 64)]:
        with pytest.raises(ValueError, match=f"unknown feature '{bad}'; choose one of") as e:
            feature(bad, dim)
        assert ("raw coordinates x1..x64" in str(e.value)) == (dim == 64)
    with pytest.raises(ValueError, match="needs 2-D points"):
        feature("x2", 1)
