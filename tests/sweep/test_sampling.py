"""Drawn axes: log-uniform/uniform values from a seeded random or Sobol sampler, stored with the spec, resumable."""

from __future__ import annotations

import math

import pytest
import torch

from relulab.sweep.runner import run_sweep
from relulab.sweep.sampling import draw
from relulab.sweep.spec import SweepSpec
from relulab.sweep.store import SweepStore

from ._grids import SMALL

DRAWN = {**SMALL, "grid": {"activation": ["relu", "tanh"], "lr": {"loguniform": [0.001, 1]},
                           "momentum": {"uniform": [0, 0.9]}}, "samples": 4, "seeds": 2}


def test_sobol_points_are_torchs_scrambled_sobol_mapped_to_the_ranges():
    axes = {"lr": ("loguniform", 1e-3, 1.0), "momentum": ("uniform", 0.0, 0.9)}
    pts = draw(axes, 8, "sobol", 7)
    u = torch.quasirandom.SobolEngine(2, scramble=True, seed=7).draw(8, dtype=torch.float64)
    for p, (a, b) in zip(pts, u.tolist(), strict=True):
        assert p["lr"] == pytest.approx(10 ** (-3 + 3 * a), rel=1e-12)
        assert p["momentum"] == pytest.approx(0.9 * b, rel=1e-12)
    rnd = draw(axes, 8, "random", 7)
    g = torch.rand(8, 2, generator=torch.Generator().manual_seed(7), dtype=torch.float64)
    assert [p["momentum"] for p in rnd] == pytest.approx((0.9 * g[:, 1]).tolist(), rel=1e-12)
    assert draw(axes, 8, "random", 8) != rnd


def test_drawn_axes_cross_the_grid_and_the_seeds():
    spec = SweepSpec.from_dict(DRAWN)
    cfgs = spec.configs()
    assert len(cfgs) == spec.size() == 2 * 4 * 2
    per_act = [sorted((c.lr, c.momentum) for c in cfgs if c.activation == a) for a in ("relu", "tanh")]
    assert per_act[0] == per_act[1], "every grid point gets the same drawn points"
    assert len({c.lr for c in cfgs}) == 4 and all(1e-3 <= c.lr <= 1 and 0 <= c.momentum <= 0.9 for c in cfgs)
    assert SweepSpec.from_dict(spec.to_dict()).configs() == cfgs, "the stored spec draws the same values"
    other = SweepSpec.from_dict({**DRAWN, "sampler": "sobol", "sampler_seed": 3}).configs()
    assert {c.lr for c in other}.isdisjoint({c.lr for c in cfgs})


def test_a_drawn_sweep_is_stored_with_its_seed_and_resumes(tmp_path):
    db = tmp_path / "d.db"
    spec = SweepSpec.from_dict({**DRAWN, "sampler": "sobol", "sampler_seed": 11})
    part = run_sweep(SweepSpec.from_dict({**spec.to_dict(), "grid": {**spec.to_dict()["grid"],
                                                                      "activation": ["relu"]}}), db, workers=1)
    with SweepStore(db, create=False) as store:
        stored = store.specs()[-1]
    assert (stored["sampler"], stored["sampler_seed"], stored["samples"]) == ("sobol", 11, 4)
    assert stored["grid"]["lr"] == {"loguniform": [0.001, 1.0]}
    again = run_sweep(SweepSpec.from_dict(stored), db, workers=1)
    assert again.ran == 0 and [r.key for r in again] == [r.key for r in part]
    full = run_sweep(spec, db, workers=1)
    assert full.ran == len(part) == 8 and len(full) == 16
    assert all(math.isfinite(r.metrics["test_loss"]) for r in full)


@pytest.mark.parametrize(("change", "message"), [
    ({"grid": {"lr": {"loguniform": [0, 1]}}, "samples": 2}, "loguniform wants [LOW, HIGH] with finite numbers, "
                                                            "0 < LOW < HIGH"),
    ({"grid": {"lr": {"uniform": [1, 0.5]}}, "samples": 2}, "uniform wants [LOW, HIGH]"),
    ({"grid": {"lr": {"normal": [0, 1]}}, "samples": 2}, "a drawn axis is one of {uniform: [LOW, HIGH]}"),
    ({"grid": {"lr": {"uniform": [0.1, 0.5]}}}, "drawn axes ['lr'] need 'samples: N'"),
    ({"grid": {"lr": [0.1]}, "samples": 2}, "spec 'samples' is for drawn axes"),
    ({"grid": {"lr": {"uniform": [0.1, 0.5]}}, "samples": 0}, "spec 'samples' must be a count from 1"),
    ({"grid": {"lr": {"uniform": [0.1, 0.5]}}, "samples": 2, "sampler": "halton"}, "spec 'sampler' must be one of"),
    ({"grid": {"lr": {"uniform": [0.1, 0.5]}}, "samples": 2, "sampler_seed": -1}, "spec 'sampler_seed' must be"),
    ({"grid": {"lrate": {"uniform": [0.1, 0.5]}}, "samples": 2}, "unknown axis 'lrate'"),
    ({"grid": {"lr": {"uniform": [-1, -0.5]}}, "samples": 2}, "axis 'sample': invalid value {'lr': -"),
])
def test_bad_drawn_axes_are_one_line(change, message):
    with pytest.raises(ValueError) as err:
        SweepSpec.from_dict({**SMALL, **change}).configs()
    assert message in str(err.value) and "\n" not in str(err.value)
