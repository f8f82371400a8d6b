"""`relulab compare`: the circle claim in miniature, figure and JSON; bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from relulab.cli import app

runner = CliRunner()


def test_compare_circle_linear_fails_relu_succeeds(tmp_path):
    res = runner.invoke(app, ["compare", "--dataset", "circle", "--activations", "linear,relu", "--hidden", "3,3,3",
                              "--lr", "0.03", "--regularization", "l2", "--reg-rate", "0.001", "--epochs", "150",
                              "--seeds", "4", "--json", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)["results"]
    assert r["linear"]["test_acc"]["mean"] <= 0.65
    assert r["relu"]["test_acc"]["max"] >= 0.95
    assert len(r["relu"]["test_acc_per_seed"]) == 4
    assert (tmp_path / "compare.png").stat().st_size > 10_000 and (tmp_path / "compare.svg").is_file()


def test_compare_table_output():
    res = runner.invoke(app, ["compare", "--dataset", "xor", "--activations", "tanh", "--epochs", "2", "--seeds", "2",
                              "--n-points", "60"])
    assert res.exit_code == 0, res.output
    assert "tanh" in res.stdout and "mean" in res.stdout


def test_compare_bad_activation_list():
    res = runner.invoke(app, ["compare", "--activations", "relu,swish", "--epochs", "1"])
    assert res.exit_code == 2 and "unknown activation 'swish'" in res.stderr
    res = runner.invoke(app, ["compare", "--activations", ",", "--epochs", "1"])
    assert res.exit_code == 2 and "at least one name" in res.stderr


def test_compare_json_config_lists_the_activations_compared():
    res = runner.invoke(app, ["compare", "--dataset", "xor", "--activations", "linear,relu", "--hidden", "3",
                              "--epochs", "2", "--n-points", "40", "--seeds", "1", "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload["config"]["activation"] == ["linear", "relu"]
    assert list(payload["results"]) == ["linear", "relu"]
