"""`relulab regions`: from a saved run or from options, text and --json, --out figures, exit 2 on bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from relulab.cli import app
from relulab.config import RunConfig
from relulab.training import load_run, train

runner = CliRunner()
OPTS = ["--dataset", "circle", "--activation", "relu", "--hidden", "4,3", "--epochs", "3", "--n-points", "60"]


@pytest.fixture
def run_dir(tmp_path):
    cfg = RunConfig(dataset="circle", activation="relu", hidden=(4, 3), epochs=3, n_points=60, init="he")
    return train(cfg).save(tmp_path / "run")


def test_regions_of_a_saved_run_as_json_with_figures(run_dir, tmp_path):
    res = runner.invoke(app, ["regions", "--run", str(run_dir), "--json", "--out", str(tmp_path / "figs")])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    r = __import__("relulab").regions(load_run(run_dir).model, (-6, 6))
    assert rep["regions"] == len(r) and rep["layer_counts"] == list(r.layer_counts)
    assert rep["bounds"]["upper"] == r.bounds().upper and rep["space"] == "input"
    assert sum(c["area"] for c in rep["class_regions"]) == pytest.approx(144.0)
    assert {c["data_label"] for c in rep["class_regions"]} <= {"+1", "-1"}
    for name in ("regions.png", "regions.svg"):
        assert (tmp_path / "figs" / name).stat().st_size > 1000


def test_regions_trains_from_options_and_prints_a_report():
    res = runner.invoke(app, ["regions", *OPTS, "--box", "-3,3"])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "linear regions:" in out and "[-3, 3] x [-3, 3]" in out
    assert "after each layer: 1:" in out and "Serra et al. 2018 upper" in out and "Zaslavsky" in out
    assert "class" in out and "sides" in out


def test_regions_of_a_one_dimensional_run():
    res = runner.invoke(app, ["regions", "--dataset", "sin", "--activation", "relu", "--hidden", "5",
                              "--epochs", "2", "--json"])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    assert rep["dimension"] == 1 and rep["interval"] == [-4.0, 4.0] and "class_intervals" not in rep


@pytest.mark.parametrize("args, message", [
    (["--activation", "tanh"], "exact regions need piecewise-linear activations, got 'tanh'; allowed: identity"),
    (["--box", "1,2,3"], "--box wants lo,hi or x0,x1,y0,y1 (2 or 4 numbers), got '1,2,3'"),
    (["--box", "3,1"], "box must be (lo, hi) with lo < hi"),
    (["--box", "a,b"], "--box wants lo,hi or x0,x1,y0,y1 (numbers)"),
    (["--hidden", "3,0"], "hidden"),
])
def test_bad_input_exits_2_with_one_line(args, message):
    base = ["--dataset", "circle", "--activation", "relu", "--hidden", "3", "--epochs", "1", "--n-points", "20"]
    res = runner.invoke(app, ["regions", *base, *args])
    assert res.exit_code == 2
    assert res.stderr.startswith("error: ") and message in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_bad_run_directories(tmp_path, run_dir):
    res = runner.invoke(app, ["regions", "--run", str(tmp_path / "nope")])
    assert res.exit_code == 2 and "not a run directory" in res.stderr
    res = runner.invoke(app, ["regions", "--run", str(run_dir), "--epochs", "3"])
    assert res.exit_code == 2 and "give either --run or run options, not both" in res.stderr
