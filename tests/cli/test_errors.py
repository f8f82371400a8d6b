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
