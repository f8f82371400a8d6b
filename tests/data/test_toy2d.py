"""The playground's generators against its own data dumps (every fixture file), and their semantics."""

from __future__ import annotations

import math

import pytest
import torch

from relulab.config import RunConfig
from relulab.data import build_dataset, playground_shuffle
from relulab.data.seedrandom import SeedRandom
from relulab.data.toy2d import circle, gauss, reg_gauss, reg_plane, spiral, xor
from relulab.training import make_dataset

from ._fixtures import FIXTURES, PLAYGROUND_DATA, load_json, points

GENERATORS = {"circle": circle, "xor": xor, "gauss": gauss, "spiral": spiral,
              "reg-plane": reg_plane, "reg-gauss": reg_gauss}
# the README's matrix: every data set at sliders 0, 25, 50 and seeds "1", "2"
CASES = [(d, s, k) for d in GENERATORS for s in (0, 25, 50) for k in ("1", "2")]
EXACT = {"xor", "reg-plane", "reg-gauss"}  # no sin/cos/log: bit for bit


def _case_id(case):
    return f"{case[0]}-noise{case[1]}-seed{case[2]}"


def test_every_fixture_file_is_covered():
    files = {p.name for p in PLAYGROUND_DATA.glob("data-*.json")}
    assert files == {f"data-{_case_id(c)}.json" for c in CASES}
    assert len(load_json(PLAYGROUND_DATA / "shuffle-perm.json")) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_generator_matches_the_page(case):
    name, slider, seed = case
    ref_x, ref_y = points(load_json(PLAYGROUND_DATA / f"data-{_case_id(case)}.json"))
    rng = SeedRandom(seed)
    x, y = GENERATORS[name](len(ref_x), slider / 100, rng=rng)
    assert x.dtype == y.dtype == torch.float64
    torch.testing.assert_close(x, ref_x, atol=1e-12, rtol=0)
    assert torch.equal(y, ref_y)  # labels exactly, regression targets included
    if name in EXACT:
        assert torch.equal(x, ref_x)
    # the shuffle continues the same stream: exactly n draws
    perm = load_json(PLAYGROUND_DATA / "shuffle-perm.json")[_case_id(case)]
    assert playground_shuffle(len(x), rng) == perm


@pytest.mark.parametrize("case", [c for c in CASES if c[1] == 25], ids=_case_id)
def test_build_dataset_is_the_shuffled_split_of_the_page(case):
    name, slider, seed = case
    ref_x, ref_y = points(load_json(PLAYGROUND_DATA / f"data-{_case_id(case)}.json"))
    perm = torch.tensor(load_json(PLAYGROUND_DATA / "shuffle-perm.json")[_case_id(case)])
    ds = build_dataset(name, noise=slider / 100, seed=seed, train_ratio=0.3)
    k = math.floor(len(ref_x) * 30 / 100)
    torch.testing.assert_close(ds.x_train, ref_x[perm[:k]], atol=1e-12, rtol=0)
    torch.testing.assert_close(ds.x_test, ref_x[perm[k:]], atol=1e-12, rtol=0)
    assert torch.equal(ds.y_train, ref_y[perm[:k]]) and torch.equal(ds.y_test, ref_y[perm[k:]])


def test_make_dataset_reproduces_the_engine_trace_points():
    """playground-circle-tanh.json was trained on the page's circle for seed "0": same order, same split."""
    trace = load_json(FIXTURES / "playground-circle-tanh.json")
    cfg = RunConfig(dataset="circle", noise=0.0, data_seed="0", train_ratio=0.5, n_points=500)
    ds = make_dataset(cfg)
    for part, x, y in (("train", ds.x_train, ds.y_train), ("test", ds.x_test, ds.y_test)):
        ref_x, ref_y = points(trace[part])
        assert len(ref_x) == 250
        torch.testing.assert_close(x, ref_x, atol=1e-12, rtol=0)
        assert torch.equal(y, ref_y)


@pytest.mark.parametrize("name", ["circle", "xor", "reg-plane", "reg-gauss"])
def test_noise_moves_only_the_label_point(name):
    base, _ = GENERATORS[name](200, 0.0, rng=SeedRandom("7"))
    noisy, _ = GENERATORS[name](200, 0.5, rng=SeedRandom("7"))
    assert torch.equal(base, noisy)


def test_circle_geometry_and_labels_at_noise_0():
    x, y = circle(400, 0.0, rng=SeedRandom("3"))
    r = x.norm(dim=1)
    assert torch.equal(y[:200], torch.ones(200)) and torch.equal(y[200:], -torch.ones(200))
    assert bool((r[:200] <= 2.5).all()) and bool(((r[200:] >= 3.5) & (r[200:] <= 5)).all())


def test_xor_labels_follow_quadrants_at_noise_0():
    x, y = xor(300, 0.0, rng=SeedRandom("3"))
    assert bool(((x.abs() >= 0.3) & (x.abs() <= 5.3)).all())
    assert torch.equal(y, torch.where(x[:, 0] * x[:, 1] >= 0, 1.0, -1.0).double())


def test_gauss_noise_only_rescales_the_same_draws():
    x0, y0 = gauss(100, 0.0, rng=SeedRandom("4"))
    x1, y1 = gauss(100, 0.5, rng=SeedRandom("4"))
    centre = torch.where(y0[:, None] > 0, 2.0, -2.0).double()
    torch.testing.assert_close((x1 - centre) / 2.0, (x0 - centre) / math.sqrt(0.5), atol=1e-12, rtol=0)
    assert torch.equal(y0, y1)


def test_regression_labels_against_closed_forms():
    x, y = reg_plane(500, 0.0, rng=SeedRandom("5"))
    torch.testing.assert_close(y, x.sum(dim=1) / 10, atol=1e-15, rtol=0)
    x, y = reg_gauss(500, 0.0, rng=SeedRandom("5"))
    centres = torch.tensor([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]]).double()
    signs = torch.tensor([1, -1, 1, -1, 1, -1]).double()
    cones = signs * (1 - torch.cdist(x, centres) / 2).clamp(min=0)  # (n, 6)
    best = cones.abs().argmax(dim=1)  # argmax picks the first of equal values, as the page does
    torch.testing.assert_close(y, cones.gather(1, best[:, None])[:, 0], atol=1e-12, rtol=0)
    assert 0.3 < float((y == 0).double().mean()) < 0.7


def test_spiral_arms_and_jitter():
    x0, y0 = spiral(500, 0.0, rng=SeedRandom("6"))
    x1, _ = spiral(500, 0.5, rng=SeedRandom("6"))
    assert torch.equal(x0[0], torch.zeros(2)) and torch.equal(x0[250], torch.zeros(2))
    torch.testing.assert_close(x0[250:], -x0[:250], atol=1e-12, rtol=0)  # arm B is arm A turned by pi
    assert float((x1 - x0).abs().max()) <= 0.5
    assert torch.equal(y0, torch.cat([torch.ones(250), -torch.ones(250)]).double())


@pytest.mark.parametrize("gen", [circle, gauss, spiral], ids=lambda g: g.__name__)
def test_odd_n_makes_n_plus_one_points_as_the_page(gen):
    # the page loops `i < n / 2` per half: n = 5 gives 3 + 3 points
    x, y = gen(5, 0.0, rng=SeedRandom("1"))
    assert x.shape == (6, 2) and y.tolist() == [1.0] * 3 + [-1.0] * 3


def test_odd_n_spiral_radii_use_the_fractional_half():
    x, _ = spiral(5, 0.0, rng=SeedRandom("1"))
    torch.testing.assert_close(x[:3].norm(dim=1), torch.tensor([0.0, 2.0, 4.0]).double())


def test_odd_n_dataset_split():
    ds = build_dataset("circle", n=501, seed="1")
    assert len(ds.x_train) == 251 and len(ds.x_test) == 251
    assert len(build_dataset("xor", n=501, seed="1").x_test) == 251  # xor loops n times: 250 + 251
