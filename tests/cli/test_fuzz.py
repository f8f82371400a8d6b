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


# ---- issue 23: every subcommand against file-system oddities, foreign and corrupted databases, --------
# malformed run.json histories, numeric extremes and booleans in every field
SUBCOMMANDS = ("train", "regions", "compare", "activations", "inspect", "collapse", "sweep run", "sweep show",
               "claim", "claims")
HOSTILE_EXAMPLES = int(os.environ.get("RELULAB_FUZZ_HOSTILE_EXAMPLES", "200"))
EXTREMES = [True, False, 1e308, -1e308, 1e-320, 2**63, -1, 0, "1e308", None]
NUMERIC = ("n_points", "noise", "train_ratio", "weight_seed", "lr", "momentum", "reg_rate", "batch_size", "epochs",
           "target_loss", "hidden", "activation_params")


def _extreme_configs() -> list[dict]:
    """One config per numeric field and extreme value (booleans included)."""
    out = []
    for field in NUMERIC:
        for v in EXTREMES:
            if field == "hidden":
                out.append({"hidden": [v, v] if v is not None else [None]})
            elif field == "activation_params":
                out.append({"activation": "leaky_relu", "activation_params": {"negative_slope": v}})
            else:
                out.append({field: v})
    return out


@pytest.fixture(scope="module")
def oddities(tmp_path_factory, files):
    """File-system oddities, databases and run.json files for every subcommand (issue 23)."""
    import json
    import sqlite3

    from relulab.experiments import run_claim
    from relulab.training.portable import run_to_dict

    d = tmp_path_factory.mktemp("odd")
    (d / "loop").symlink_to(d / "loop")
    os.mkfifo(d / "fifo")
    os.mkfifo(d / "fifo.db")
    (d / "adir").mkdir()
    (d / "adir.db").mkdir()
    ro = d / "ro"
    ro.mkdir()
    (ro / "ro.db").write_bytes(b"")
    # databases: a real sweep, a corrupted copy, a foreign schema, a newer relulab, an empty file, not SQLite
    db = d / "real.db"
    assert run_app(app, ["sweep", "--base", '{"epochs": 2, "n_points": 40}', "--grid", "activation=relu,tanh",
                         "--seeds", "1", "--scheduler", "serial", "--db", str(db), "--json"]) == 0
    raw = bytearray(db.read_bytes())
    raw[len(raw) // 2: len(raw) // 2 + 512] = b"\xde\xad" * 256
    (d / "corrupt.db").write_bytes(bytes(raw))
    with sqlite3.connect(d / "foreign.db") as c:
        c.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
        c.execute("INSERT INTO customers VALUES (1, 'ada')")
    (d / "newer.db").write_bytes(db.read_bytes())
    with sqlite3.connect(d / "newer.db") as c:
        c.execute("PRAGMA user_version = 99")
    (d / "empty.db").write_bytes(b"")
    (d / "text.db").write_text("not a database\n")
    # run.json files with malformed histories, and configs with extremes and booleans in every field
    doc = run_to_dict(train(RunConfig(dataset="circle", hidden=(3,), activation="relu", epochs=1, n_points=40)))
    histories = ["epochs", [1, 2], {"epoch": "0,1"}, {"epoch": [0, 1], "train_loss": [1.0]},
                 {"epoch": [True], "train_loss": [1], "test_loss": [1], "train_acc": [1], "test_acc": [1]},
                 {"epoch": [0], "train_loss": ["a"], "test_loss": [1], "train_acc": [1], "test_acc": [1]},
                 {"epoch": [0], "train_loss": [1e308], "test_loss": [None], "train_acc": [1], "test_acc": [1],
                  "extra": 5}]
    runs = []
    for i, h in enumerate(histories):
        (d / f"hist{i}.json").write_text(json.dumps({**doc, "history": h}))
        runs.append(str(d / f"hist{i}.json"))
    configs, specs = [], []
    for i, c in enumerate(_extreme_configs()):
        (d / f"cfg{i}.json").write_text(json.dumps(c))
        configs.append(str(d / f"cfg{i}.json"))
        (d / f"spec{i}.json").write_text(json.dumps({"base": {"epochs": 2, "n_points": 40}, "grid":
                                                     {k: [v] for k, v in c.items()}, "seeds": 1}))
        specs.append(str(d / f"spec{i}.json"))
    (d / "bomb.yaml").write_text("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                 "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ngrid: {activation: [*c, *c, *c]}\n")
    specs.append(str(d / "bomb.yaml"))
    odd = [str(d / n) for n in ("loop", "loop/x", "fifo", "adir", "ro", "ro/ro.db", "missing/deep/x")]
    dbs = [str(d / n) for n in ("real.db", "corrupt.db", "foreign.db", "newer.db", "empty.db", "text.db", "fifo.db",
                                "adir.db", "ro/ro.db", "loop", "missing.db")]
    claim = run_claim("C1", quick=True, seed=0)  # one real result: `claim`/`claims` write it instead of rerunning
    return {"dir": d, "odd": odd, "dbs": dbs, "runs": runs + files["paths"] + odd, "configs": configs + odd,
            "specs": specs + odd + [str(d / "real.db")], "outs": odd + dbs + [str(d / "out"), str(d / "real.db")],
            "claim": claim}


def _hostile_command(oddities, files) -> st.SearchStrategy[tuple[str, list[str]]]:
    runs, outs, cfgs, dbs = oddities["runs"], oddities["outs"], oddities["configs"], oddities["dbs"]
    small = ["--epochs", "2", "--n-points", "40"]
    numbers = ["true", "false", "1e308", "-1e308", "1e-320", "nan", "inf", str(2**63)]
    fields = {**RUN, **{o: v + numbers for o, v in RUN.items() if o in (
        "--noise", "--train-ratio", "--lr", "--momentum", "--reg-rate", "--batch-size", "--target-loss",
        "--weight-seed")}, "--hidden": WIDTHS + ["3,,3", "true", "1e308"],
        "--activation-params": ["negative_slope=1e308", "negative_slope=true", "init=-1e308", "alpha=1e-320"]}
    per = {
        "train": _options({**fields, "--config": cfgs, "--data-csv": runs, "--out": outs}, FLAGS).map(
            lambda o: [*o, *small]),
        "regions": _options({**fields, "--run": runs, "--out": outs}, FLAGS, max_size=3).map(lambda o: [*o, *small]),
        "compare": _options({**fields, "--seeds": SMALL_INT, "--out": outs}, FLAGS, max_size=3).map(
            lambda o: [*o, *small, "--activations", "relu"]),
        "activations": _options({"--plot": outs + [str(oddities["dir"] / "g.png"), str(dbs[0])],
                                 "--seed": SMALL_INT + numbers}, ["--json"]),
        "inspect": _options({"--run": runs, "--state": runs, "--data": runs, "--out": outs,
                             "--model": files["models"], "--loss": ["auto", "mse", "cross_entropy"]}, ["--json"], 3),
        "collapse": _options({"--run": runs, "--input-shape": ["2", "true", "1e308", "0"],
                              "--seed": SMALL_INT + numbers}, ["--json"], 3),
        "sweep run": st.tuples(st.sampled_from(oddities["specs"] + [""]),
                               _options({"--db": dbs, "--base": [f"{k}={v}" for k in ("lr", "epochs", "noise", "hidden")
                                                                 for v in numbers] + ['{"hidden": [true]}'],
                                         "--grid": ["lr=1e308,0.1", "epochs=true", "hidden=3,,3:2", "noise=nan"],
                                         "--seeds": ["1", "0", "true", "1e308"], "--workers": ["1", "0", "10000"],
                                         "--by": ["activation", "bogus"]}, ["--dry-run", "--json"], 4)).map(
            lambda t: ([t[0]] if t[0] else []) + ["--scheduler", "serial", *t[1], "--base",
                                                  '{"epochs": 2, "n_points": 40}', "--max-chunk", "50"]),
        "sweep show": st.tuples(st.sampled_from(dbs), _options({
            "--csv": outs + [str(oddities["dir"] / "t.csv")], "--plot": outs + [str(oddities["dir"] / "f.png")],
            "--success": ["0.9", "nan", "true", "1e308"], "--by": ["activation", "bogus", ""],
            "--metric": ["test_acc", "test_accuracy", "nope"]}, ["--json"], 4)).map(lambda t: [t[0], *t[1]]),
        "claim": st.tuples(st.sampled_from(["C1", "c01", "C99", "", "true", "1e308"]), _options(
            {"--out": outs, "--seed": SMALL_INT + numbers, "--device": ["cpu", "cuda:9", "tpu"]}, ["--quick"], 3)).map(
            lambda t: [t[0], *t[1], "--json"]),
        "claims": _options({"--out": outs, "--only": ["C1", "C1,C99", ",", "true"], "--seed": SMALL_INT + numbers,
                            "--device": ["cpu", "tpu"]}, ["--quick"], 3).map(lambda o: [*o, "--only", "C1"]
                                                                              if "--only" not in o else o),
    }
    return st.sampled_from(SUBCOMMANDS).flatmap(lambda s: per[s].map(lambda o, s=s: (s, [*s.split(), *o])))


def test_every_subcommand_refuses_hostile_inputs_in_one_line(oddities, files, tmp_path, monkeypatch, capsys):
    import relulab.experiments as experiments

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(experiments, "run_claim", lambda cid, **kw: oddities["claim"])  # no minutes of claims
    counts = {s: {"tried": 0, "refused": 0, "ok": 0, "exit 1": 0, "unexpected": 0} for s in SUBCOMMANDS}

    @settings(max_examples=HOSTILE_EXAMPLES, deadline=None, derandomize=not os.environ.get("RELULAB_FUZZ_RANDOM"),
              database=None, suppress_health_check=list(HealthCheck))
    @given(_hostile_command(oddities, files))
    def check(drawn):
        sub, args = drawn
        code, err = _run(args)
        c = counts[sub]
        c["tried"] += 1
        c["unexpected"] += "unexpected" in err or "Traceback" in err
        c[{0: "ok", 2: "refused"}.get(code, "exit 1")] += 1
        assert code in (0, 1, 2), (args, code, err)
        assert "Traceback" not in err and "unexpected" not in err, (args, err)
        if code != 0:
            assert len([ln for ln in err.splitlines() if ln.startswith("error: ")]) == 1, (args, err)
        for db, content in before.items():  # a foreign, a newer and a text "database" are never written
            assert Path(db).read_bytes() == content, (args, db)

    from pathlib import Path

    before = {db: Path(db).read_bytes() for db in oddities["dbs"] if Path(db).name in ("foreign.db", "newer.db",
                                                                                         "text.db")}
    check()
    with capsys.disabled():
        print("\nissue 23 fuzz counts (tried / clean refusals / ok / exit 1 / unexpected):")
        for s, c in counts.items():
            print(f"  {s:12s} {c['tried']:4d} {c['refused']:4d} {c['ok']:4d} {c['exit 1']:4d} {c['unexpected']:4d}")
    assert all(c["tried"] >= 5 and c["refused"] >= 1 for c in counts.values()), counts
    assert sum(c["unexpected"] for c in counts.values()) == 0


@pytest.mark.parametrize("config", _extreme_configs(), ids=lambda c: json_id(c))
def test_extremes_and_booleans_in_every_numeric_field_are_refused_or_used(config, tmp_path):
    """Through a config file (`train --config`), a sweep spec and the WebSocket's config message: the
    same one-line refusal, never a boolean read as a number, never an unbounded value used."""
    import json

    from relulab.server.session import Session
    from relulab.server.settings import ServerSettings

    (tmp_path / "c.json").write_text(json.dumps(config))
    code, err = _run(["train", "--config", str(tmp_path / "c.json"), "--epochs", "1", "--n-points", "40"])
    assert code in (0, 1, 2) and "unexpected" not in err, err
    refused_cli = code == 2
    booleans = any(isinstance(v, bool) for v in _leaves(config))
    huge = any(isinstance(v, float) and abs(v) >= 1e300 for v in _leaves(config))
    if booleans or huge:
        assert refused_cli, (config, err)
    s = Session("fuzz", ServerSettings())
    s.handle_text(json.dumps({"type": "config", "config": config, "seq": 1}))
    errors = [m for m in s.outbox if m["type"] == "error"]
    if booleans or huge:
        assert errors and errors[0]["seq"] == 1 and "\n" not in errors[0]["message"], (config, s.outbox)
    assert s.ack == 1


def _leaves(x):
    if isinstance(x, dict):
        for v in x.values():
            yield from _leaves(v)
    elif isinstance(x, list):
        for v in x:
            yield from _leaves(v)
    else:
        yield x


def json_id(c: dict) -> str:
    import json

    return json.dumps(c, separators=(",", ":"))[:40]
