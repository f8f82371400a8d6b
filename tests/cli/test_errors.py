"""The CLI's error boundary: every input the new-user report listed exits 2 with one line (or works),
and no path shows a traceback. Runs the CLI as the console script does (``run_app``)."""

from __future__ import annotations

import os
import warnings

import pytest
import typer

from relulab.cli import app
from relulab.cli.errors import error_boundary, one_line, run_app
from relulab.config import RunConfig
from relulab.training import train

TRAIN = ["train", "--epochs", "1", "--n-points", "40"]


def cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = run_app(app, [str(a) for a in args])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def one_error_line(err: str, needle: str = "") -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and needle in lines[0], err
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def saved_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    for act in ("relu", "abs", "step"):
        train(RunConfig(dataset="circle", hidden=(3,), activation=act, epochs=1, n_points=40)).save(root / act)
    return root


@pytest.mark.parametrize("args, needle", [
    (["--features", ""], "needs at least one input feature"),
    (["--dataset", "formula", "--formula", "9**9**9"], "not finite"),
    (["--dataset", "formula", "--formula", "x/0"], "not finite"),
    (["--dataset", "formula", "--formula", "log(-x-10)"], "not finite"),
    (["--weight-seed", "99999999999999999999999"], "weight_seed"),
    (["--from-url", "#x=false&y=false"], "needs at least one input feature"),
    (["--from-url", ""], "not a playground link"),
    (["--activation-params", "alpha=nan"], "must be a finite number"),
    (["--activation-params", "slope=0.1"], "unknown activation parameter 'slope'"),
    (["--out", ""], "--out must name a directory"),
    (["--data-csv", "/dev/zero"], "not a regular file"),
    (["--config", "/dev/zero"], "not a regular file"),
    (["--activation", "leaky_relu", "--activation-params", "negative_slope=1e308"],
     "activation parameter 'negative_slope' must lie within ±1000"),
    (["--lr", "1e308"], "lr: must be at most 100"), (["--reg-rate", "1e9"], "reg_rate: must be at most 100"),
    (["--target-loss", "inf"], "target_loss: must be a finite number"),
    (["--target-loss", "1e7"], "target_loss: must be at most 1e+06"),
    (["--hidden", "3,,3"], "`hidden` must be comma-separated integers, got '3,,3'"),
    (["--hidden", "3,"], "got '3,'"),
    (["--features", "x1,x1"], "features: each feature at most once, got x1 more than once"),
])
def test_train_bad_input_is_one_line_exit_2(args, needle, capsys):
    code, _, err = cli(TRAIN + args, capsys)
    assert code == 2
    one_error_line(err, needle)


def test_a_fifo_is_refused_without_reading_it(tmp_path, capsys):
    fifo = tmp_path / "points.csv"
    os.mkfifo(fifo)  # reading it would block forever
    code, _, err = cli([*TRAIN, "--data-csv", fifo], capsys)
    assert code == 2
    one_error_line(err, "not a regular file")
    code, _, err = cli(["inspect", "--model", "x.py:f", "--data", fifo], capsys)
    assert code == 2 and "Traceback" not in err


def test_a_csv_with_a_byte_order_mark_is_read(tmp_path, capsys):
    rows = "".join(f"{x},{y},{1 if x * y > 0 else -1}\n" for x in (-2, -1, 1, 2) for y in (-2, -1, 1, 2))
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("x1,x2,label\n" + rows).encode())
    code, out, err = cli([*TRAIN, "--dataset", "xor", "--data-csv", path, "--json"], capsys)
    assert code == 0, err
    assert '"epoch": 1' in out


def test_deeply_nested_config_and_run_json_are_refused(tmp_path, saved_runs, capsys):
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "config.json").write_text(deep)
    code, _, err = cli([*TRAIN, "--config", tmp_path / "config.json"], capsys)
    assert code == 2
    one_error_line(err, "nested too deeply")
    run = tmp_path / "run"
    run.mkdir()
    for f in ("model.pt", "history.json"):
        (run / f).write_bytes((saved_runs / "relu" / f).read_bytes())
    (run / "config.json").write_text('{"a":' * 50_000 + "1" + "}" * 50_000)
    (tmp_path / "run.json").write_text(deep)
    for args in (["regions", "--run", run], ["inspect", "--run", run], ["inspect", "--run", tmp_path / "run.json"]):
        code, _, err = cli(args, capsys)
        assert code == 2, args
        one_error_line(err)


@pytest.mark.parametrize("command", ["inspect", "regions", "collapse"])
def test_a_corrupt_history_is_one_line(command, saved_runs, tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    for f in ("config.json", "model.pt"):
        (run / f).write_bytes((saved_runs / "relu" / f).read_bytes())
    (run / "history.json").write_text("[1, 2]")
    code, _, err = cli([command, "--run", run], capsys)
    assert code == 2
    one_error_line(err, "holds a JSON list")


@pytest.mark.parametrize("act", ["abs", "step"])
def test_collapse_on_abs_and_step_runs(act, saved_runs, capsys):
    code, out, err = cli(["collapse", "--run", saved_runs / act], capsys)
    assert code == 0, err
    assert "not linear" in out


@pytest.mark.parametrize("body, needle", [
    ("import sys\ndef make_model():\n    sys.exit(3)\n", "SystemExit"),
    ("import sys\nsys.exit(0)\n", "SystemExit"),
    ("def make_model():\n    raise KeyError('x')\n", "KeyError"),
])
def test_a_model_file_that_exits_or_raises(body, needle, tmp_path, capsys):
    (tmp_path / "m.py").write_text(body)
    code, _, err = cli(["inspect", "--model", f"{tmp_path / 'm.py'}:make_model", "--data", "circle"], capsys)
    assert code == 2
    one_error_line(err, needle)


@pytest.mark.parametrize("box", ["-1e308,1e308", "1,-1", "nan,1", "0,1,0", "a,b"])
def test_regions_box_is_checked_without_warnings(box, saved_runs, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, _, err = cli(["regions", "--run", saved_runs / "relu", "--box", box], capsys)
    assert code == 2
    one_error_line(err)


@pytest.mark.parametrize("args", [["activations", "--linearity", "--seed", "100000000000000000000000"],
                                  ["activations", "--linearity", "--seed", "1e23"],
                                  ["collapse", "--run", "x", "--seed", "-1"]])
def test_seeds_out_of_range_are_usage_errors(args, capsys):
    code, _, err = cli(args, capsys)
    assert code == 2
    one_error_line(err, "--seed")


@pytest.mark.parametrize("command", [["regions", "--activation", "relu"], ["compare"], ["inspect", "--run", "x"]])
def test_an_empty_out_is_refused(command, capsys):
    code, _, err = cli([*command, "--out", ""], capsys)
    assert code == 2
    one_error_line(err, "--out must name a directory")


def test_out_is_checked_before_training(tmp_path, monkeypatch, capsys):
    import relulab.training as training

    def no_training(*a, **k):
        raise AssertionError("trained although --out was unusable")

    monkeypatch.setattr(training, "train", no_training)
    (tmp_path / "afile").write_text("mine")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    for target, needle in ((tmp_path / "afile", "is not a directory"), (tmp_path / "mine", "not a relulab run")):
        code, _, err = cli([*TRAIN, "--out", target], capsys)
        assert code == 2
        one_error_line(err, needle)
    assert (tmp_path / "afile").read_text() == "mine" and (tmp_path / "mine" / "notes.txt").read_text() == "mine"


def test_train_out_replaces_a_previous_run(tmp_path, capsys):
    out = tmp_path / "run"
    assert cli([*TRAIN, "--out", out], capsys)[0] == 0
    (out / "data-train.csv").write_text("x1,x2,label\n")  # an old run's data file must not survive
    code, _, err = cli([*TRAIN, "--hidden", "5", "--out", out], capsys)
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["boundary.png", "config.json", "history.json", "model.pt"]
    assert '"hidden": [\n    5\n  ]' in (out / "config.json").read_text()


# ---- the boundary itself ---------------------------------------------------------------------------
def _app_raising(exc: BaseException) -> typer.Typer:
    t = typer.Typer()

    @t.command()
    def boom() -> None:
        raise exc

    @t.command()
    def fine() -> None:
        typer.echo("ok")

    for cmd in t.registered_commands:
        cmd.callback = error_boundary(cmd.callback)
    return t


@pytest.mark.parametrize("exc, code, needle", [
    (ValueError("bad value\nsecond line"), 2, "error: bad value second line"),
    (FileNotFoundError(2, "No such file or directory", "x.csv"), 2, "No such file or directory: 'x.csv'"),
    (RecursionError(), 2, "nested too deeply"),
    (MemoryError(), 2, "out of memory"),
    (RuntimeError("[enforce fail at alloc_cpu.cpp:127] DefaultCPUAllocator: can't allocate memory: you tried"),
     2, "out of memory"),
    (OSError(28, "No space left on device", "out/run/model.pt"), 2, "disk full"),
    (KeyError("k"), 1, "unexpected KeyError"),
    (RuntimeError("cannot pickle 'mappingproxy'"), 1, "unexpected RuntimeError: cannot pickle"),
    (KeyboardInterrupt(), 130, "interrupted"),
    (SystemExit(4), 2, "sys.exit(4)"),
])
def test_every_exception_becomes_one_line_and_a_code(exc, code, needle, capsys, monkeypatch):
    monkeypatch.delenv("RELULAB_DEBUG", raising=False)
    assert run_app(_app_raising(exc), ["boom"]) == code
    one_error_line(capsys.readouterr().err, needle)


def test_relulab_debug_shows_the_traceback(monkeypatch):
    monkeypatch.setenv("RELULAB_DEBUG", "1")
    with pytest.raises(KeyError):
        run_app(_app_raising(KeyError("k")), ["boom"])


def test_a_successful_command_is_untouched(capsys):
    assert run_app(_app_raising(ValueError()), ["fine"]) == 0
    assert capsys.readouterr().out == "ok\n"


def test_one_line_joins_and_shortens():
    assert one_line("a\n\n  b  \n") == "a b"
    assert len(one_line("x" * 1000)) == 400
    assert one_line(ValueError()) == "ValueError"


# ---- issue 23: inputs that ended in "unexpected" ------------------------------------------------------
@pytest.mark.parametrize("command", [["regions", "--run"], ["inspect", "--run"]])
@pytest.mark.parametrize("history", [
    "epochs", [1, 2], {"epoch": "0,1"}, {"epoch": [0, 1], "train_loss": [1.0]},
    {"epoch": [0], "train_loss": ["a"], "test_loss": [1], "train_acc": [1], "test_acc": [1]},
    {"epoch": [True], "train_loss": [1], "test_loss": [1], "train_acc": [1], "test_acc": [1]},
    {"epoch": [0], "train_loss": [[1]], "test_loss": [1], "train_acc": [1], "test_acc": [1]},
    {"epoch": [0], "train_loss": [1], "test_loss": [1], "train_acc": [1], "test_acc": [1], "extra": 5},
])
def test_a_malformed_run_json_history_is_one_line(command, history, tmp_path, capsys):
    import json

    from relulab.training.portable import run_to_dict

    doc = run_to_dict(train(RunConfig(hidden=(3,), activation="relu", epochs=1, n_points=40)))
    (tmp_path / "run.json").write_text(json.dumps({**doc, "history": history}))
    code, _, err = cli([*command, tmp_path / "run.json"], capsys)
    assert code == 2
    one_error_line(err, "history")


def test_regions_on_nan_weights_says_so(tmp_path, capsys):
    import torch

    run = train(RunConfig(hidden=(3,), activation="relu", epochs=1, n_points=40))
    with torch.no_grad():
        run.model.linears[0].weight.fill_(float("nan"))
    run.save(tmp_path / "nan")
    code, out, err = cli(["regions", "--run", tmp_path / "nan"], capsys)
    assert code == 2 and "accuracy" not in out
    one_error_line(err, "weights are not finite (NaN or inf in 0.weight)")


def test_inspect_cross_entropy_on_a_one_output_model(tmp_path, capsys):
    (tmp_path / "m.py").write_text("import torch\ndef make():\n    return torch.nn.Sequential(torch.nn.Linear(2, 3), "
                                   "torch.nn.ReLU(), torch.nn.Linear(3, 1))\n")
    code, _, err = cli(["inspect", "--model", f"{tmp_path / 'm.py'}:make", "--data", "circle", "--loss",
                        "cross_entropy"], capsys)
    assert code == 2
    one_error_line(err, "--loss cross_entropy needs one model output per class (at least 2); this model has 1")


def test_a_raw_pickle_as_state_is_one_line_without_torchs_warning(tmp_path, capsys):
    import pickle

    (tmp_path / "m.py").write_text("import torch\ndef make():\n    return torch.nn.Linear(2, 1)\n")
    (tmp_path / "raw.pkl").write_bytes(pickle.dumps({"a": [1, 2]}, protocol=4))
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as a user's shell shows them
        code, _, err = cli(["inspect", "--model", f"{tmp_path / 'm.py'}:make", "--state", tmp_path / "raw.pkl",
                            "--data", "circle"], capsys)
    assert code == 2
    one_error_line(err, "is not a state_dict")


def test_an_allocation_failure_in_train_is_out_of_memory(tmp_path):
    import resource
    import subprocess
    import sys

    def limit() -> None:  # 3 GB of address space: the 4 GB batch cannot be allocated
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))

    code = "import sys; from relulab.cli import main; main(sys.argv[1:])"
    proc = subprocess.run([sys.executable, "-c", code, "train", "--hidden", "1024,1024,1024", "--n-points",
                           "1000000", "--batch-size", "1000000", "--epochs", "1"], preexec_fn=limit,
                          capture_output=True, text=True, timeout=600, cwd=tmp_path,
                          env={**os.environ, "RELULAB_DEBUG": ""})
    assert proc.returncode == 2, proc.stderr
    one_error_line(proc.stderr, "out of memory")


def test_a_run_saved_beyond_todays_bounds_still_opens_with_a_note(tmp_path, capsys):
    import json

    run = train(RunConfig(hidden=(3,), activation="relu", epochs=1, n_points=40))
    run.save(tmp_path / "old")
    cfg = json.loads((tmp_path / "old" / "config.json").read_text())
    (tmp_path / "old" / "config.json").write_text(json.dumps({**cfg, "lr": 1e6}))
    code, out, err = cli(["regions", "--run", tmp_path / "old"], capsys)
    assert code == 0 and "linear regions:" in out
    assert "note: this config was saved with values outside today's bounds: lr=1e+06 (at most 100)" in err
    code, _, err = cli(["train", "--config", tmp_path / "old" / "config.json", "--epochs", "1"], capsys)
    assert code == 2 and "lr: must be at most 100" in err  # a new run with it is refused


@pytest.mark.parametrize("field, value", [("epochs", True), ("lr", True), ("noise", False), ("hidden", [True, True]),
                                          ("n_points", True), ("activation_params", {"negative_slope": True})])
def test_booleans_in_numeric_fields_of_a_config_file_are_refused(field, value, tmp_path, capsys):
    import json

    (tmp_path / "c.json").write_text(json.dumps({field: value}))
    code, _, err = cli([*TRAIN, "--config", tmp_path / "c.json"], capsys)
    assert code == 2
    one_error_line(err, field)


@pytest.mark.parametrize("command", [["regions", "--epochs", "1", "--activation", "relu"],
                                     ["sweep", "--base", "epochs=1", "--seeds", "1", "--dry-run"]])
def test_repeated_features_are_refused_everywhere(command, tmp_path, capsys):
    args = [*command, "--features", "x1,x1"] if command[0] == "regions" else [*command, "--base", "features=x1,x1"]
    code, _, err = cli(args + (["--db", tmp_path / "s.db"] if command[0] == "sweep" else []), capsys)
    assert code == 2 and "x1 more than once" in err, err
