"""`relulab sweep` and `relulab sweep show`: a sweep, its table, CSV, figure, JSON; every bad input exits 2."""

from __future__ import annotations

import csv
import json
import os
import sqlite3

import pytest
from typer.testing import CliRunner

from relulab.cli import app

runner = CliRunner()
GRID = ["--base", "dataset=xor", "--base", '{"n_points": 60, "epochs": 10}', "--grid", "activation=relu,tanh",
        "--grid", "hidden=3:4,2", "--seeds", "2", "--workers", "1"]


def test_sweep_then_show(tmp_path):
    db = tmp_path / "s.db"
    res = runner.invoke(app, ["sweep", *GRID, "--db", str(db), "--dry-run"])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == f"8 runs in 4 groups; 0 already in {db}, 8 to run as 4 tasks"
    assert not db.exists()
    res = runner.invoke(app, ["sweep", *GRID, "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["runs"] == out["ran"] == 8
    assert [r["group"] for r in out["summary"]] == [{"activation": a, "hidden": h} for a in ("relu", "tanh")
                                                     for h in ([3], [4, 2])]
    assert all(r["n"] == 2 for r in out["summary"])
    res = runner.invoke(app, ["sweep", *GRID, "--db", str(db)])  # resumed: nothing to do, same table
    assert res.exit_code == 0 and "8 runs in" in res.stdout and "0 trained now" in res.stdout
    png, table = tmp_path / "f.png", tmp_path / "t.csv"
    res = runner.invoke(app, ["sweep", "show", str(db), "--by", "activation", "--metric", "test_accuracy",
                              "--success", "0.5", "--csv", str(table), "--plot", str(png)])
    assert res.exit_code == 0, res.output
    assert "relu" in res.stdout and "Wilson" in res.stdout
    rows = list(csv.DictReader(table.open()))
    assert [r["activation"] for r in rows] == ["relu", "tanh"] and rows[0]["n"] == "4"
    assert png.stat().st_size > 5000
    res = runner.invoke(app, ["sweep", "show", str(db), "--json", "--by", "activation,depth"])
    shown = json.loads(res.stdout)
    assert shown["metric"] == "test_acc" and shown["success"] == 0.9 and len(shown["summary"]) == 4


def test_spec_file_and_default_db_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mini.yaml").write_text("base: {dataset: gauss, epochs: 3, n_points: 40, hidden: [2]}\nseeds: 3\n")
    res = runner.invoke(app, ["sweep", "mini.yaml", "--workers", "1", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["db"] == "mini.db" and (tmp_path / "mini.db").is_file()


@pytest.mark.parametrize(("args", "message"), [
    (["--grid", "activaton=relu", "--seeds", "2"], "unknown axis 'activaton'"),
    (["--grid", "activation=", "--seeds", "2"], "empty axis 'activation'"),
    (["--grid", "lr=0.1,-2"], "axis 'lr': invalid value '-2': lr: Input should be greater than 0"),
    (["--grid", "hidden=3:0"], "axis 'hidden': invalid value '0'"),
    (["--base", "lr=zero", "--seeds", "2"], "base: lr: Input should be a valid number"),
    (["--base", "nope", "--seeds", "2"], "--base wants a JSON object or FIELD=VALUE"),
    (["--grid", "lr", "--seeds", "2"], "--grid wants FIELD=VALUE1,VALUE2"),
    (["--seeds", "2", "--scheduler", "udp://h:1"], "unknown scheduler 'udp://h:1'"),
    (["--seeds", "2", "--scheduler", "process:x"], "--scheduler process:N wants a worker count"),
    (["--seeds", "2", "--scheduler", "local-dask:0"], "--scheduler local-dask:N wants a worker count N >= 1"),
    (["--base", "epochs=2"], "nothing to sweep"),
    (["missing.yaml"], "no sweep spec at 'missing.yaml'"),
    (["--seeds", "2", "--by", "bogus"], "unknown field 'bogus'; allowed: RunConfig fields"),
])
def test_bad_sweep_input_is_one_line_and_nothing_runs(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["sweep", *args, "--db", "x.db"])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], res.stderr
    assert not (tmp_path / "x.db").exists()


def test_bad_show_input_is_one_line(tmp_path):
    (tmp_path / "junk.db").write_text("not a database, not at all" * 20)
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["sweep", *GRID[:4], "--seeds", "1", "--workers", "1", "--db", str(db)]).exit_code == 0
    for args, message in [
        ([str(tmp_path / "none.db")], "no sweep database at"),
        ([str(tmp_path / "junk.db")], "is not a sweep database"),
        ([str(db), "--by", "colour"], "unknown field 'colour'"),
        ([str(db), "--metric", "f1"], "unknown field 'f1'"),
        ([str(db), "--plot", str(tmp_path / "x.gif")], "--plot wants a .png, .svg or .pdf file"),
        ([str(db), "--success", "nan"], "--success must be a finite number"),
        ([str(db), "--success", "inf"], "--success must be a finite number"),
    ]:
        res = runner.invoke(app, ["sweep", "show", *args])
        assert res.exit_code == 2 and message in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.output
    assert not (tmp_path / "none.db").exists()


def test_a_sweep_whose_every_run_errors_summarises_its_errors(tmp_path, monkeypatch):
    import relulab.sweep.worker as worker

    def broken(cfgs, **kw):
        raise RuntimeError("no engine today")

    monkeypatch.setattr(worker, "train_group", broken)
    res = runner.invoke(app, ["sweep", *GRID, "--db", str(tmp_path / "e.db"), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [(r["n"], r["errors"]) for r in out["summary"]] == [(0, 2)] * 4
    res = runner.invoke(app, ["sweep", "show", str(tmp_path / "e.db"), "--by", "activation"])
    assert res.exit_code == 0 and "unknown field" not in res.output


def _odd_db(tmp_path, kind):
    path = tmp_path / f"{kind}.db"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "corrupted":
        assert runner.invoke(app, ["sweep", *GRID, "--db", str(path)]).exit_code == 0
        with sqlite3.connect(path) as c:
            c.execute("PRAGMA journal_mode = DELETE")
            page = c.execute("PRAGMA page_size").fetchone()[0]
            root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = 'runs'").fetchone()[0]
        data = bytearray(path.read_bytes())
        data[(root - 1) * page:(root - 1) * page + 200] = b"\xff" * 200
        path.write_bytes(bytes(data))
    elif kind == "foreign":
        with sqlite3.connect(path) as c:
            c.execute("CREATE TABLE notes (text TEXT)")
    return path


@pytest.mark.parametrize(("kind", "message"), [
    ("directory", "is a directory; give a file"),
    ("fifo", "is not a regular file"),
    ("corrupted", "cannot be used: database disk image is malformed"),
    ("foreign", "it has a table 'notes' that relulab did not write"),
])
def test_a_db_that_cannot_be_a_sweep_database_is_one_line_exit_2(tmp_path, kind, message):
    path = _odd_db(tmp_path, kind)
    before = path.read_bytes() if path.is_file() else None
    for args in (["sweep", *GRID, "--db", str(path)], ["sweep", "show", str(path)]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2, res.output
        assert len(res.stderr.strip().splitlines()) == 1 and message in res.stderr, res.stderr
    if kind == "foreign":
        assert path.read_bytes() == before


def test_show_counts_malformed_rows_it_skipped(tmp_path):
    db = tmp_path / "m.db"
    assert runner.invoke(app, ["sweep", *GRID, "--db", str(db)]).exit_code == 0
    with sqlite3.connect(db) as c:
        c.execute("UPDATE runs SET metrics = '{' WHERE rowid = 1")
    res = runner.invoke(app, ["sweep", "show", str(db), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["runs"] == 7 and json.loads(res.stdout)["skipped"] == 1
    assert "note: 1 malformed stored rows skipped (1 runs, 0 specs)" in res.stderr


def test_an_over_limit_spec_is_refused_before_anything_is_written(tmp_path):
    levels = ['&l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"&l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(f"name: [{', '.join(levels)}]\nbase: {{dataset: xor, epochs: 2}}\nseeds: 2\n")
    res = runner.invoke(app, ["sweep", str(bomb), "--db", str(tmp_path / "b.db")])
    assert res.exit_code == 2 and "the spec expands to more than 2,000,000 values" in res.stderr, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.yaml"]


def test_show_reads_a_database_stored_beyond_todays_bounds_with_a_note(tmp_path):
    import sqlite3

    db = tmp_path / "old.db"
    res = runner.invoke(app, ["sweep", "--base", '{"epochs": 2, "n_points": 40}', "--grid", "lr=0.1,0.5", "--seeds",
                              "1", "--scheduler", "serial", "--db", str(db)])
    assert res.exit_code == 0, res.output
    with sqlite3.connect(db) as c:  # as an earlier relulab, without the bound on lr, stored it
        for i, text in c.execute("SELECT id, spec FROM sweeps").fetchall():
            spec = json.loads(text)
            spec["grid"]["lr"] = [0.1, 1e6]
            c.execute("UPDATE sweeps SET spec = ? WHERE id = ?", (json.dumps(spec), i))
    res = runner.invoke(app, ["sweep", "show", str(db), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["runs"] == 2
    assert "note: a stored spec: this config was saved with values outside today's bounds: lr=1e+06" in res.stderr


def test_retry_errors_runs_the_errors_again(tmp_path, monkeypatch):
    import relulab.sweep.worker as worker

    real = worker.train_group
    monkeypatch.setattr(worker, "train_group", lambda cfgs, **kw: (_ for _ in ()).throw(RuntimeError("flaky")))
    db = str(tmp_path / "e.db")
    assert runner.invoke(app, ["sweep", *GRID, "--db", db]).exit_code == 0
    monkeypatch.setattr(worker, "train_group", real)
    res = runner.invoke(app, ["sweep", *GRID, "--db", db, "--dry-run", "--retry-errors"])
    assert res.stdout.strip().startswith("8 runs in 4 groups; 0 already in"), res.output
    assert json.loads(runner.invoke(app, ["sweep", *GRID, "--db", db, "--json"]).stdout)["ran"] == 0
    out = json.loads(runner.invoke(app, ["sweep", *GRID, "--db", db, "--json", "--retry-errors"]).stdout)
    assert out["ran"] == 8 and all(r["errors"] == 0 and r["n"] == 2 for r in out["summary"])


def test_show_compare_prints_the_paired_differences_of_the_stored_runs(tmp_path):
    from relulab.sweep import load_sweep

    db = tmp_path / "c.db"
    grid = ["--base", "dataset=xor", "--base", '{"n_points": 60, "epochs": 15, "lr": 0.1}', "--grid",
            "activation=relu,tanh,gelu", "--grid", "hidden=3:4,2", "--seeds", "3", "--workers", "1"]
    assert runner.invoke(app, ["sweep", *grid, "--db", str(db), "--json"]).exit_code == 0
    acc = {(r.config["activation"], tuple(r.config["hidden"]), r.config["weight_seed"]): r.metrics["test_acc"]
           for r in load_sweep(db)}
    cells = [(h, s) for h in ((3,), (4, 2)) for s in range(3)]
    args = ["sweep", "show", str(db), "--compare", "activation=relu,tanh,gelu", "--paired-by", "hidden,weight_seed"]
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out == json.loads(runner.invoke(app, [*args, "--json"]).stdout)  # a fixed seed: reproducible
    assert out["reference"] == "relu" and [c["variant"] for c in out["comparisons"]] == ["tanh", "gelu"]
    for c in out["comparisons"]:
        by_hand = sum(acc["relu", *k] - acc[c["variant"], *k] for k in cells) / len(cells)
        assert c["n"] == 6 and abs(c["diff"] - by_hand) < 1e-12 and c["low"] <= c["diff"] <= c["high"]
    assert sorted(c["level"] for c in out["comparisons"]) in ([0.95, 0.975], [0.975, 0.975])  # Holm
    res = runner.invoke(app, [*args, "--metric", "test_accuracy"])
    assert res.exit_code == 0, res.output
    for c in out["comparisons"]:
        assert f"{c['diff']:+.4f}" in res.stdout and c["outcome"] in res.stdout
    res = runner.invoke(app, [*args, "--success", "0.75", "--json"])
    both = {v: sum((acc["relu", *k] >= 0.75) - (acc[v, *k] >= 0.75) for k in cells) / 6 for v in ("tanh", "gelu")}
    assert {c["variant"]: (c["method"], c["diff"]) for c in json.loads(res.stdout)["comparisons"]} == {
        v: ("newcombe", pytest.approx(d)) for v, d in both.items()}
    for extra, message in [
        (["--compare", "activaton=relu,gelu", "--paired-by", "weight_seed"], "unknown field 'activaton'"),
        (["--compare", "activation=relu,gelu", "--paired-by", "hidden,sed"], "unknown field 'sed'"),
        (["--compare", "activation=relu", "--paired-by", "weight_seed,hidden"], "at least two different values"),
        (["--compare", "activation", "--paired-by", "weight_seed"], "--compare wants FIELD=VALUE1,VALUE2"),
        (["--compare", "activation=relu,elu", "--paired-by", "weight_seed,hidden"], "no stored run has activation=elu"),
        (["--compare", "activation=relu,gelu", "--paired-by", "weight_seed"], "holds more than one run"),
        (["--compare", "hidden=3:4,2", "--paired-by", "activation"], "holds more than one run"),
        (["--compare", "activation=relu,gelu"], "--compare and --paired-by go together"),
        (["--paired-by", "weight_seed"], "--compare and --paired-by go together"),
        (["--compare", "activation=relu,gelu", "--paired-by", "weight_seed,hidden", "--by", "dataset"],
         "--by, --csv and --plot belong to the summary table"),
        (["--compare", "activation=relu,gelu", "--paired-by", "weight_seed,hidden", "--metric", "f1"],
         "unknown field 'f1'"),
    ]:
        res = runner.invoke(app, ["sweep", "show", str(db), *extra])
        assert res.exit_code == 2 and message in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.output


def test_show_compare_with_no_matched_cells_is_exit_2(tmp_path):
    db = tmp_path / "m.db"
    for act, seed in (("relu", 0), ("tanh", 1)):
        assert runner.invoke(app, ["sweep", "--base", "dataset=xor", "--base", '{"n_points": 40, "epochs": 3}',
                                   "--base", f"activation={act}", "--base", f"weight_seed={seed}", "--grid",
                                   "lr=0.1", "--workers", "1", "--db", str(db), "--json"]).exit_code == 0
    res = runner.invoke(app, ["sweep", "show", str(db), "--compare", "activation=relu,tanh", "--paired-by",
                              "weight_seed"])
    assert res.exit_code == 2 and "no matched cells" in res.stderr and len(res.stderr.strip().splitlines()) == 1
