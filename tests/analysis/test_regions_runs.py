"""Regions of trained runs: raw input when the features are affine, feature space otherwise; the
region-count callback during training."""

from __future__ import annotations

import pytest
import torch

from relulab.analysis.regions import RegionCounter, Regions1D, regions_of_run
from relulab.config import RunConfig
from relulab.training import train


def quick(**kw) -> RunConfig:
    base = {"dataset": "circle", "activation": "relu", "hidden": (4, 3), "epochs": 3, "n_points": 60, "init": "he"}
    return RunConfig(**{**base, **kw})


@pytest.mark.parametrize("features", [None, ("x2", "x1")])  # a feature twice is refused by RunConfig
def test_affine_features_are_analysed_on_the_raw_box(features):
    run = train(quick(features=features))
    rr = regions_of_run(run)
    assert rr.space == "input" and rr.note == ""
    r = rr.regions
    assert r.window == ((-6.0, 6.0), (-6.0, 6.0))
    uv = r.interior_points()
    torch.testing.assert_close(r.outputs(uv), run.logits(uv), atol=1e-9, rtol=1e-9)


def test_feature_crosses_are_analysed_in_feature_space_with_a_note():
    run = train(quick(features=("x1", "x2", "x1sq", "sin_x2")))
    rr = regions_of_run(run)
    assert rr.space == "features"
    assert "not linear in the raw input" in rr.note and "feature space" in rr.note
    r = rr.regions
    assert r.plane is not None and r.plane.origin.shape == (4,)
    uv = r.interior_points()
    with torch.no_grad():
        torch.testing.assert_close(r.outputs(uv), run.model(r.to_input(uv)), atol=1e-9, rtol=1e-9)


def test_one_dimensional_runs():
    run = train(quick(dataset="sin", hidden=(6,), loss="mse"))
    r = regions_of_run(run).regions
    assert isinstance(r, Regions1D) and r.interval == (-4.0, 4.0)
    t = torch.linspace(-4, 4, 101, dtype=torch.float64)
    torch.testing.assert_close(r.outputs(t), run.logits(t[:, None]), atol=1e-9, rtol=1e-9)
    rr = regions_of_run(train(quick(dataset="sin", hidden=(6,), loss="mse", features=("x1sq",))))
    assert rr.space == "features" and isinstance(rr.regions, Regions1D)
    assert rr.regions.interval[0] == pytest.approx(0.0, abs=1e-5) and rr.regions.interval[1] == pytest.approx(16.0)


def test_region_counter_records_the_count_during_training():
    counter = RegionCounter(every=2)
    run = train(quick(epochs=5, lr=0.1), on_step=counter)
    assert run.history.extra["regions_epoch"] == [2, 4, 5]  # every 2 epochs, and the last one
    counts = run.history.extra["regions"]
    assert len(counts) == 3 and all(c >= 1 for c in counts)
    assert counts[-1] == len(regions_of_run(run).regions)  # it saw the trained weights
    with pytest.raises(ValueError, match="whole number of epochs >= 1"):
        RegionCounter(every=0)
