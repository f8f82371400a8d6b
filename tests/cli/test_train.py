"""`relulab train`: options, --from-url, --out, --json, and one-line errors with exit code 2."""

from __future__ import annotations

import json

import pytest
import torch
from typer.testing import CliRunner

from relulab.cli import app
from relulab.config import RunConfig
from relulab.training import load_run
from tests.test_playground_url import ISSUE_LINK

runner = CliRunner()


def test_help_lists_every_subcommand():
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for cmd in ("train", "compare"):
        assert cmd in res.output


def test_train_writes_a_run_that_loads_back(tmp_path):
    out = tmp_path / "run"
    res = runner.invoke(app, ["train", "--dataset", "xor", "--activation", "relu", "--hidden", "4",
                              "--epochs", "5", "--n-points", "80", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    metrics = json.loads(res.stdout)
    assert metrics["epoch"] == 5 and 0 <= metrics["test_acc"] <= 1
    for f in ("config.json", "history.json", "model.pt", "boundary.png"):
        assert (out / f).is_file()
    run = load_run(out)
    assert run.config.dataset == "xor" and run.config.hidden == (4,)
    assert run.history.test_loss[-1] == pytest.approx(metrics["test_loss"])
    assert metrics["engine"] == run.engine == "compiled" and "small plain MLP" in metrics["engine_reason"]
    x = run.data.x_test[:5]
    assert run.predict(x).shape == (5, 1)


def test_from_url_gives_the_links_settings():
    res = runner.invoke(app, ["train", "--from-url", ISSUE_LINK, "--epochs", "2", "--json"])
    assert res.exit_code == 0, res.output
    cfg = json.loads(res.stdout)["config"]
    assert (cfg["activation"], cfg["hidden"], cfg["lr"], cfg["regularization"], cfg["reg_rate"]) == \
        ("relu", [3, 3, 3], 0.03, "l2", 0.001)
    assert (cfg["batch_size"], cfg["data_seed"], cfg["train_ratio"], cfg["noise"]) == (10, "0.5", 0.5, 0.0)


@pytest.mark.parametrize("args, needle", [
    (["--activation", "swish"], "unknown activation 'swish'; choose one of"),
    (["--dataset", "donut"], "unknown dataset 'donut'"),
    (["--optimizer", "rmsprop"], "unknown optimizer 'rmsprop'"),
    (["--hidden", "3,0"], "widths must be >= 1, got (3, 0)"),
    (["--lr", "0"], "lr: Input should be greater than 0"),
    (["--lr", "-1"], "lr: Input should be greater than 0"),
    (["--lr", "inf"], "lr: must be a finite number"),
    (["--noise", "0.9"], "noise: Input should be less than or equal to 0.5"),
    (["--train-ratio", "1"], "train_ratio: Input should be less than 1"),
    (["--from-url", "https://example.com/"], "not a playground link"),
    (["--from-url", "#learningRate=abc"], "learningRate='abc' must be a number"),
    (["--activation-params", "slope"], "name=value pairs"),
    (["--config", "/nonexistent/config.json"], "--config file not found: '/nonexistent/config.json'"),
])
def test_bad_input_exits_2_with_one_line(args, needle):
    res = runner.invoke(app, ["train", "--epochs", "1", *args])
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert err.startswith("error: ") and needle in err
    assert len(err.splitlines()) == 1 and "Traceback" not in res.output


def test_divergence_is_reported_with_exit_1():
    res = runner.invoke(app, ["train", "--dataset", "reg-plane", "--lr", "100", "--hidden", "8,8", "--init", "he",
                              "--epochs", "50", "--activation", "relu"])
    assert res.exit_code == 1
    assert "diverged at epoch" in res.stderr


def test_train_is_deterministic(tmp_path):
    args = ["train", "--dataset", "gauss", "--epochs", "3", "--json"]
    a, b = runner.invoke(app, args), runner.invoke(app, args)
    assert json.loads(a.stdout)["test_loss"] == json.loads(b.stdout)["test_loss"]
    assert torch.get_num_threads() >= 1


def test_csv_with_0_1_labels_trains_as_two_classes(tmp_path):
    csv = tmp_path / "sk.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{i % 7 - 3},{i % 5 - 2},{i % 2}\n" for i in range(40)))
    res = runner.invoke(app, ["train", "--data-csv", str(csv), "--epochs", "1", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["test_acc"] is not None  # classification: an accuracy


def test_train_on_a_csv_and_load_the_run_back(tmp_path):
    from relulab.data import build_dataset, save_csv

    csv = tmp_path / "pts.csv"
    save_csv(build_dataset("xor", n=60, seed="3"), csv)
    out = tmp_path / "run"
    res = runner.invoke(app, ["train", "--data-csv", str(csv), "--dataset", "xor", "--hidden", "4", "--epochs", "3",
                              "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    assert (out / "data-train.csv").is_file()
    run = load_run(out)
    assert run.data.name == "custom" and len(run.data.x_train) + len(run.data.x_test) == 60
    assert run.history.test_loss[-1] == pytest.approx(json.loads(res.stdout)["test_loss"])


@pytest.mark.parametrize("content, needle", [
    ("x1,x2,label\n1,2,1\n3,abc,-1\n", "line 3"),
    ("x1,x2,label\n1,2\n", "line 2"),
    ("", "no data rows"),
    ("x1,x2,label\n1,2,0.5\n3,4,0.1\n", "regression targets"),
    ("x1,x2,label\n1,2,0\n3,4,1\n5,6,2\n7,8,0\n", "labels {0, 1, 2}: 3 classes, but dataset 'circle' is "
                                                     "classification of 2 classes"),
])
def test_bad_csv_exits_2(tmp_path, content, needle):
    csv = tmp_path / "bad.csv"
    csv.write_text(content)
    res = runner.invoke(app, ["train", "--data-csv", str(csv), "--epochs", "1"])
    assert res.exit_code == 2, res.output
    assert needle in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_from_url_keeps_the_links_other_data_set(tmp_path):
    out = tmp_path / "run"
    res = runner.invoke(app, ["train", "--from-url", "#dataset=gauss&regDataset=reg-gauss&seed=1", "--epochs", "1",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    cfg = RunConfig.load(out / "config.json")
    assert cfg.dataset == "gauss" and cfg.other_dataset == "reg-gauss"
    assert "regDataset=reg-gauss" in cfg.to_playground_url()


def test_digits_train_inspect_and_sweep(tmp_path):
    """The 64-pixel digits through train (no boundary picture: there is no plane), inspect and sweep."""
    out = tmp_path / "run"
    res = runner.invoke(app, ["train", "--dataset", "digits", "--loss", "cross_entropy", "--hidden", "16,16",
                              "--activation", "relu", "--lr", "0.1", "--epochs", "10",
                              "--n-points", "400", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["test_acc"] > 0.5  # ten classes: chance is 0.1
    assert sorted(p.name for p in out.iterdir()) == ["config.json", "history.json", "model.pt"]
    run = load_run(out)
    assert run.predict(run.data.x_test[:3]).shape == (3, 10)
    res = runner.invoke(app, ["inspect", "--run", str(out), "--json"])
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)
    assert [s["name"] for s in got["sites"]] == ["1", "3"] and got["points"] == 200
    res = runner.invoke(app, ["sweep", "--base", "dataset=digits", "--base", "loss=cross_entropy", "--base",
                              "n_points=200", "--base", "epochs=2", "--grid", "activation=relu,prelu", "--grid",
                              "hidden=8:8,8,8,8", "--seeds", "1", "--db", str(tmp_path / "d.db"), "--json",
                              "--workers", "1"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)["summary"]
    assert len(summary) == 4 and all(r["n"] == 1 and r["errors"] == 0 for r in summary)
    res = runner.invoke(app, ["train", "--dataset", "digits", "--epochs", "1"])
    assert res.exit_code == 2 and "'digits' has 10; use 'cross_entropy'" in res.stderr


def test_train_with_its_progress_shown_takes_the_whole_run_kernel_path(tmp_path, monkeypatch):
    # The bar is drawn on a terminal and advanced once per compiled kernel call of a chunk of epochs
    # (not once per epoch), and the run is train()'s own numbers.
    import importlib
    import io

    from rich.console import Console

    from relulab.cli import progress
    from relulab.training import train
    from relulab.training.compiled import engine as compiled

    screen = io.StringIO()
    monkeypatch.setattr(progress, "_console", Console(file=screen, width=80, force_terminal=True))
    cli_train, kernel_calls, advances = importlib.import_module("relulab.cli.train"), [], []
    real_train, real_callback = compiled.CompiledRun.train, cli_train.epoch_callback
    monkeypatch.setattr(compiled.CompiledRun, "train", lambda self, P, D, e, stop: kernel_calls.append(e) or
                        real_train(self, P, D, e, stop))
    monkeypatch.setattr(cli_train, "epoch_callback", lambda bar: (lambda k, s: advances.append(k) or
                                                                  real_callback(bar)(k, s)))
    # xor, 80 points: 40 to train a 2-4-1 net of 17 parameters; 50 epochs per kernel call
    monkeypatch.setattr(compiled, "WORK_PER_CALL", 40 * 17 * 3 * 50)
    out = tmp_path / "run"
    res = runner.invoke(app, ["train", "--dataset", "xor", "--activation", "relu", "--hidden", "4",
                              "--epochs", "300", "--n-points", "80", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "training xor" in screen.getvalue()  # the bar was shown
    assert kernel_calls == advances == [50] * 6
    run = load_run(out)
    assert run.engine == "compiled" and "small plain MLP" in run.engine_reason
    assert run.history.train_loss == train(run.config).history.train_loss
