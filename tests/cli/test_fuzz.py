"""Fuzzing (hypothesis): no input gives a traceback.

- the CLI: random option sets for train, regions, compare, activations, inspect and collapse, with
  values drawn from valid ones and from the hostile ones a user may type (empty, huge, NaN, formulas
  that blow up, links without inputs, devices, FIFOs, corrupt run directories). Each run must exit
  0, 1 or 2; a failure is exactly one ``error: ...`` line and never an "unexpected" error (a bug).
  Work is kept small: every training command also gets ``--epochs 2 --n-points 40`` (the last value
  of a repeated option wins), and widths, seeds and activation lists come from small pools.
- RunConfig from arbitrary field dicts, and playground links from arbitrary key=value pairs: either a
  config or a ``ValueError`` / ``ValidationError`` whose message is one line.

Derandomized (the same inputs on every run, so CI is stable): 150 CLI runs, 600 configs, 600 links;
``RELULAB_FUZZ_EXAMPLES=N RELULAB_FUZZ_RANDOM=1`` hunts longer with fresh inputs. ``playground`` (a
server) and ``claim``/``claims`` (minutes of experiments) are not fuzzed here.
"""

from __future__ import annotations

import contextlib
import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from relulab.cli import app
from relulab.cli.errors import run_app
from relulab.config import RunConfig, config_error_message
from relulab.playground_url import PAGE_KEYS, RELULAB_KEYS, read_link
from relulab.training import train

pytestmark = pytest.mark.slow

HOSTILE = ["", " ", "0", "-1", "1", "1e23", "99999999999999999999999", "nan", "inf", "-inf", "1e308", "-1e-320",
           ",", ",,", "3,0", "a", "é", "None", "true", "false", "[1]", "{}", "x=1", "=", "#", "%zz", "9" * 400]
WIDTHS = ["", "3", "2,2", "0", "-1", "a", "1025", "3,0", ",", "2,2,2"]
NAMES = ["relu", "tanh", "linear", "identity", "abs", "step", "leaky_relu", "prelu", "gelu", "swish", "", "relu,tanh",
         "relu,relu", "RELU"]
SMALL_INT = ["0", "1", "2", "-1", "1001", "x", "3.5"]

# option -> values (HOSTILE is added to every option below)
RUN = {
    "--dataset": ["circle", "xor", "spiral4", "reg-plane", "sin", "formula", "add", "linsep", "donut"],
    "--noise": ["0.1", "0.5", "0.6"], "--train-ratio": ["0.5", "1", "0.01"], "--features": ["x1,x2", "x1sq", "cos_x2",
                                                                                           "x3", "x1,x1"],
    "--data-seed": ["0", "abc"], "--formula": ["sin(2*x)", "9**9**9", "x/0", "log(-x-10)", "__import__('os')",
                                               "x" * 5000, "(((((x)))))"],
    "--hidden": WIDTHS, "--activation": NAMES, "--activation-params": ["negative_slope=0.1", "alpha=nan", "slope=1",
                                                                       "alpha"],
    "--init": ["he", "zero", "torch", "nope"], "--weight-seed": ["0", "7"], "--loss": ["mse", "bce", "cross_entropy",
                                                                                        "hinge"],
    "--optimizer": ["sgd", "adam", "momentum", "rmsprop"], "--lr": ["0.03", "10", "1e6"], "--momentum": ["0.9", "1"],
    "--regularization": ["l1", "l2", "L2"], "--reg-rate": ["0.001", "1e9"], "--batch-size": ["1", "1000000", "7"],
    "--target-loss": ["0.1"], "--dtype": ["float32", "float64", "float16"],
    "--engine": ["auto", "fused", "autograd", "compiled", "gpu"],
}
FLAGS = ["--json", "--shuffle", "--no-shuffle"]
# RELULAB_FUZZ_EXAMPLES=2000 RELULAB_FUZZ_RANDOM=1 for a longer, randomized hunt
CLI_EXAMPLES = int(os.environ.get("RELULAB_FUZZ_EXAMPLES", "150"))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Paths the fuzzer may pass: valid, corrupt, special."""
    d = tmp_path_factory.mktemp("fuzz")
    run = d / "run"
    train(RunConfig(dataset="circle", hidden=(3,), activation="relu", epochs=1, n_points=40)).save(run)
    bad = d / "badrun"
    bad.mkdir()
    for f in ("config.json", "model.pt"):
        (bad / f).write_bytes((run / f).read_bytes())
    (bad / "history.json").write_text("[1, 2]")
    (d / "deep.json").write_text("[" * 50_000 + "]" * 50_000)
    (d / "ok.csv").write_text("x1,x2,label\n1,1,1\n-1,-1,-1\n1,-1,-1\n-1,1,1\n2,2,1\n-2,-2,-1\n")
    (d / "bom.csv").write_bytes(b"\xef\xbb\xbf" + (d / "ok.csv").read_bytes())
    (d / "bad.csv").write_text("x1,x2,label\n1,nan,1\n")
    (d / "bin.csv").write_bytes(bytes(range(256)))
    (d / "exits.py").write_text("import sys\ndef make_model():\n    sys.exit(3)\n")
    (d / "mynet.py").write_text("from torch import nn\ndef make_model():\n    return nn.Sequential(nn.Linear(2, 3), "
                                "nn.ReLU(), nn.Linear(3, 1))\n")
    os.mkfifo(d / "fifo.csv")
    paths = [run, bad, d / "deep.json", d / "ok.csv", d / "bom.csv", d / "bad.csv", d / "bin.csv", d / "fifo.csv",
             d / "missing", d, "/dev/zero", "/dev/null"]
    return {"dir": d, "paths": [str(p) for p in paths], "models": [f"{d / 'mynet.py'}:make_model",
                                                                   f"{d / 'exits.py'}:make_model", "mynet.py",
                                                                   f"{d / 'mynet.py'}:nope", ":", "x.py:1a"]}


def _values(pool: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(pool + HOSTILE)


def _options(spec: dict[str, list[str]], flags: list[str], max_size: int = 5) -> st.SearchStrategy[list[str]]:
    pair = st.sampled_from(sorted(spec)).flatmap(lambda o: _values(spec[o]).map(lambda v: [o, v]))
    return st.lists(st.one_of(pair, st.sampled_from(flags).map(lambda f: [f])), max_size=max_size).map(
        lambda parts: [x for p in parts for x in p])


def _command(files) -> st.SearchStrategy[list[str]]:
    paths, outs = files["paths"], ["", str(files["dir"] / "out"), *files["paths"]]
    small = ["--epochs", "2", "--n-points", "40"]
    train = st.tuples(_options({**RUN, "--from-url": ["#activation=relu", "#x=false&y=false", "#networkShape=999",
                                                      "https://example.com/#", "#seed="],
                                "--config": paths, "--data-csv": paths, "--out": outs}, FLAGS)
                      ).map(lambda t: ["train", *t[0], *small])
    regions = _options({**RUN, "--run": paths, "--box": ["-1,1", "-1e308,1e308", "0,0", "1,2,3,4", "a,b", "5,-5"],
                        "--out": outs}, FLAGS).map(lambda o: ["regions", *o, *small])
    compare = _options({**RUN, "--activations": NAMES, "--seeds": SMALL_INT, "--out": outs}, FLAGS).map(
        lambda o: ["compare", *o, *small])
    acts = st.tuples(st.lists(st.sampled_from(NAMES), max_size=2),
                     _options({"--plot": [str(files["dir"] / "g.png"), "g.txt", "/nonexistent/g.png"],
                               "--seed": SMALL_INT}, ["--json", "--linearity"])).map(
        lambda t: ["activations", *t[0], *t[1]])
    model_opts = {"--run": paths, "--model": files["models"], "--state": paths}
    inspect = _options({**model_opts, "--data": [*paths, "circle", "nope"], "--loss": ["auto", "mse", "x"],
                        "--saturation-threshold": ["0.01", "-1"], "--out": outs}, ["--json"]).map(
        lambda o: ["inspect", *o])
    collapse = _options({**model_opts, "--input-shape": ["2", "1,28,28", "0", "a"], "--seed": SMALL_INT},
                        ["--json"]).map(lambda o: ["collapse", *o])
    return st.one_of(train, regions, compare, acts, inspect, collapse)


def _run(args: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_app(app, args)
    return code, err.getvalue()


def test_the_cli_never_shows_a_traceback(files, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # hostile --out values ("nan", "3,0", ...) are directories made here
    tried = []

    @settings(max_examples=CLI_EXAMPLES, deadline=None, derandomize=not os.environ.get("RELULAB_FUZZ_RANDOM"),
              database=None, suppress_health_check=list(HealthCheck))
    @given(_command(files))
    def check(args):
        tried.append(args)
        code, err = _run(args)
        assert code in (0, 1, 2), (args, code, err)
        assert "Traceback" not in err and "unexpected" not in err, (args, err)
        if code != 0:
            errors = [ln for ln in err.splitlines() if ln.startswith("error: ")]
            assert len(errors) == 1, (args, err)

    check()
    assert len(tried) >= CLI_EXAMPLES  # the count the closing note reports
    assert any(_run(a)[0] == 0 for a in (["activations", "--json"],))  # the harness sees successes too


@settings(max_examples=600, deadline=None, derandomize=True, database=None)
@given(st.dictionaries(st.sampled_from(sorted(RunConfig.model_fields) + ["bogus"]),
                       st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
                                 st.sampled_from(HOSTILE + NAMES + WIDTHS),
                                 st.lists(st.integers(-2, 2000), max_size=4),
                                 st.dictionaries(st.text(max_size=8), st.floats(), max_size=2)), max_size=6))
def test_run_config_is_valid_or_one_line_of_error(fields):
    try:
        RunConfig.model_validate(fields)
    except ValidationError as e:
        msg = config_error_message(e)
        assert msg and "\n" not in msg


@settings(max_examples=600, deadline=None, derandomize=True, database=None)
@given(st.dictionaries(st.sampled_from(sorted(set(PAGE_KEYS) | set(RELULAB_KEYS)) + ["zzz"]),
                       st.one_of(st.sampled_from(HOSTILE + NAMES + WIDTHS + ["L1", "L2", "regression",
                                                                           "classification", "spiral"]),
                                 st.text(max_size=10)), max_size=8),
       st.sampled_from(["#", "https://playground.tensorflow.org/#", "?", ""]))
def test_playground_links_give_a_config_or_one_line_of_error(pairs, prefix):
    from urllib.parse import quote

    link = prefix + "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs.items())
    try:
        RunConfig(**read_link(link).fields)
    except ValidationError as e:
        assert "\n" not in config_error_message(e)
    except ValueError as e:
        assert str(e) and "\n" not in str(e)
