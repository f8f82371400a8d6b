"""``relulab inspect`` / ``relulab collapse``: a run directory or a user's own model file, JSON equal to the
library's numbers, the figure, and exit 2 with one line for every kind of bad input."""

from __future__ import annotations

import json
import textwrap

import pytest
import torch
from typer.testing import CliRunner

from relulab.analysis.collapse import collapse
from relulab.analysis.inspect import inspect
from relulab.cli import app
from relulab.config import RunConfig
from relulab.training import load_run, train

runner = CliRunner()

MODEL_FILE = textwrap.dedent("""
    import torch
    import torch.nn.functional as F
    from torch import nn


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.l1 = nn.Linear(2, 6)
            self.l2 = nn.Linear(6, 1)

        def forward(self, x):
            return self.l2(F.relu(self.l1(x)))


    def make():
        torch.manual_seed(0)
        return Net()


    def deep_linear():
        torch.manual_seed(0)
        return nn.Sequential(*[nn.Linear(3, 3) for _ in range(5)]).double()


    def broken():
        raise RuntimeError("no GPU here")


    def not_a_model():
        return 42
""")


@pytest.fixture
def files(tmp_path):
    (tmp_path / "net.py").write_text(MODEL_FILE)
    (tmp_path / "bad_syntax.py").write_text("def make(:\n")
    ns: dict = {}
    exec(compile(MODEL_FILE, "net.py", "exec"), ns)
    model = ns["make"]()
    with torch.no_grad():
        model.l1.bias.copy_(torch.tensor([-50.0, 0.1, 0.2, -50.0, 0.3, 0.4]))  # units 0 and 3 dead
    torch.save(model.state_dict(), tmp_path / "weights.pt")
    torch.save(torch.nn.Sequential(torch.nn.Linear(2, 6)), tmp_path / "whole_model.pt")  # pickled objects: refused
    torch.save([1, 2, 3], tmp_path / "a_list.pt")
    (tmp_path / "garbage.pt").write_bytes(b"not a torch file")
    rows = ["x1,x2,label"] + [f"{i / 10 - 1},{(i * 7 % 20) / 10 - 1},{1 if i % 2 else -1}" for i in range(20)]
    (tmp_path / "points.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "three.csv").write_text("a,b,c,label\n1,2,3,1\n4,5,6,-1\n")
    return tmp_path, model


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_user_model_json_equals_the_library(files):
    d, model = files
    res = invoke("inspect", "--model", f"{d}/net.py:make", "--state", d / "weights.pt", "--data", d / "points.csv",
                 "--json")
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)
    from relulab.data.csvio import load_csv

    x, y = load_csv(d / "points.csv")
    ref = inspect(model, x.float(), y.float()).to_dict()
    assert got["points"] == 20 and [s["name"] for s in got["sites"]] == ["forward:F.relu#1"]
    assert got["sites"][0]["dead_units"] == [0, 3] == ref["sites"][0]["dead_units"]
    assert got["sites"][0]["per_unit"] == ref["sites"][0]["per_unit"]
    assert got["weight_grad_norms"] == pytest.approx(ref["weight_grad_norms"])
    assert got["sites"][0]["location"].startswith("net.py:")


def test_text_table_and_figure(files, tmp_path):
    d, _ = files
    out = tmp_path / "figs"
    res = invoke("inspect", "--model", f"{d}/net.py:make", "--state", d / "weights.pt", "--data", d / "points.csv",
                 "--out", out)
    assert res.exit_code == 0, res.output
    assert "forward:F.relu#1" in res.stdout and "dead units in forward:F.relu#1: [0, 3]" in res.stdout
    assert (out / "inspect.png").stat().st_size > 0
    assert json.loads((out / "inspect.json").read_text())["sites"][0]["dead_units"] == [0, 3]


def test_data_set_by_name(files):
    d, _ = files
    res = invoke("inspect", "--model", f"{d}/net.py:make", "--data", "xor", "--loss", "none", "--json")
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)
    assert got["loss"] is None and got["weight_grad_norms"] == {} and got["points"] > 100


def test_run_directory(tmp_path):
    cfg = RunConfig(dataset="circle", hidden=(4, 4), activation="relu", epochs=2, n_points=80)
    train(cfg).save(tmp_path / "run")
    res = invoke("inspect", "--run", tmp_path / "run", "--json")
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)
    assert [s["name"] for s in got["sites"]] == ["1", "3"] and got["points"] == 40 and got["loss"] is not None
    res = invoke("collapse", "--run", tmp_path / "run", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["breaking_layer"] == "1"
    text = invoke("collapse", "--run", tmp_path / "run")
    assert "layer '1' (ReLU) breaks linearity first" in text.stdout


@pytest.mark.parametrize("act", ["abs", "step"])
def test_collapse_of_an_abs_or_step_run(tmp_path, act):
    # relulab's own activation modules: collapse deep-copies them (it printed a traceback before)
    train(RunConfig(dataset="circle", hidden=(3,), activation=act, epochs=1, n_points=40)).save(tmp_path / act)
    res = invoke("collapse", "--run", tmp_path / act)
    assert res.exit_code == 0, res.output
    assert "layer '1' (Elementwise) breaks linearity first" in res.stdout


def test_collapse_of_a_linear_run_and_model(tmp_path, files):
    cfg = RunConfig(dataset="circle", hidden=(5, 5, 5), activation="identity", epochs=1, n_points=40)
    train(cfg).save(tmp_path / "lin")
    got = json.loads(invoke("collapse", "--run", tmp_path / "lin", "--json").stdout)
    ref = collapse(load_run(tmp_path / "lin").model)
    assert got["linear"] and got["rank"] == ref.rank == 1 and got["weight"] == ref.layer.weight.tolist()
    d, _ = files
    res = invoke("collapse", "--model", f"{d}/net.py:deep_linear")
    assert res.exit_code == 0, res.output
    assert "linear: the network is one affine map" in res.stdout and "rank 3" in res.stdout


def _bad(d):
    m, w, csv = f"{d}/net.py:make", d / "weights.pt", d / "points.csv"
    return [
        (["inspect", "--model", f"{d}/net.py", "--data", csv], "--model must be FILE.py:FACTORY"),
        (["inspect", "--model", f"{d}/missing.py:make", "--data", csv], "model file not found"),
        (["inspect", "--model", f"{d}/net.py:nope", "--data", csv], "has no function 'nope'; it defines"),
        (["inspect", "--model", f"{d}/bad_syntax.py:make", "--data", csv], "importing"),
        (["inspect", "--model", f"{d}/net.py:broken", "--data", csv], "broken() in"),
        (["inspect", "--model", f"{d}/net.py:not_a_model", "--data", csv], "must return a torch.nn.Module"),
        (["inspect", "--model", m, "--data", d / "three.csv"], "the model does not accept --data"),
        (["inspect", "--model", m, "--state", d / "whole_model.pt", "--data", csv], "holds pickled Python objects"),
        (["inspect", "--model", m, "--state", d / "a_list.pt", "--data", csv], "holds a list, not a state_dict"),
        (["inspect", "--model", m, "--state", d / "garbage.pt", "--data", csv], "not a state_dict written by"),
        (["inspect", "--model", m, "--state", d / "nope.pt", "--data", csv], "state file not found"),
        (["inspect", "--model", f"{d}/net.py:deep_linear", "--state", w, "--data", csv], "does not fit the model"),
        (["inspect", "--model", m], "--model needs --data"),
        (["inspect", "--model", m, "--data", "no-such-set"], "is neither a .csv file nor a data set"),
        (["inspect", "--model", m, "--data", d / "missing.csv"], "data file not found"),
        (["inspect", "--model", m, "--data", csv, "--loss", "hinge"], "--loss must be one of"),
        (["inspect", "--model", m, "--data", csv, "--saturation-threshold", "-1"], "saturation_threshold must"),
        (["inspect"], "give exactly one of --run DIR or --model"),
        (["inspect", "--run", d, "--model", m], "give exactly one of --run DIR or --model"),
        (["inspect", "--run", d / "no-run"], "run not found"),
        (["inspect", "--run", d], "not a run directory"),
        (["inspect", "--run", d, "--data", csv], "--state and --data go with --model"),
        (["collapse", "--model", m, "--input-shape", "3"], "does not accept random inputs of shape (3,)"),
        (["collapse", "--model", m, "--input-shape", "a,b"], "--input-shape must be positive"),
        (["collapse"], "give exactly one of --run DIR or --model"),
    ]


def test_bad_input_exits_2_with_one_line(files):
    d, _ = files
    for args, needle in _bad(d):
        res = invoke(*args)
        assert res.exit_code == 2, (args, res.output)
        err = res.stderr.strip()
        assert err.startswith("error: ") and len(err.splitlines()) == 1, (args, err)
        assert needle in err, (args, err)


def test_cross_entropy_labels(files):
    d, _ = files
    (d / "multi.py").write_text("from torch import nn\n\ndef make():\n    return nn.Sequential(nn.Linear(2, 3), "
                                "nn.Tanh(), nn.Linear(3, 3))\n")
    (d / "classes.csv").write_text("x1,x2,label\n0,1,0\n1,0,2\n1,1,1\n")
    res = invoke("inspect", "--model", f"{d}/multi.py:make", "--data", d / "classes.csv", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["loss"] > 0
    (d / "fractional.csv").write_text("x1,x2,label\n0,1,0.5\n")
    res = invoke("inspect", "--model", f"{d}/multi.py:make", "--data", d / "fractional.csv")
    assert res.exit_code == 2 and "cross_entropy needs class labels" in res.stderr


def test_inspect_and_collapse_take_an_exported_run_json(tmp_path):
    from relulab.config import RunConfig
    from relulab.training import save_run_json, train

    run = train(RunConfig(dataset="xor", hidden=(3,), activation="relu", epochs=2))
    path = save_run_json(run, tmp_path / "run.json")
    res = runner.invoke(app, ["inspect", "--run", str(path), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["sites"][0]["units"] == 3
    res = runner.invoke(app, ["collapse", "--run", str(path)])
    assert res.exit_code == 0 and "relu" in res.stdout.lower()
