"""The sweep explorer's HTTP API (TestClient) on a sweep made by `relulab sweep run`: numbers against
relulab.sweep.stats and the database's own rows, the filter, run.json, a writer meanwhile, bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
import zlib

import pytest
import torch
from fastapi.testclient import TestClient

from relulab.config import RunConfig
from relulab.server import ServerSettings
from relulab.server.explorer import create_explorer
from relulab.sweep import load_sweep
from relulab.sweep.selection import METRICS, label
from relulab.sweep.stats import summarize
from relulab.sweep.store import SweepStore
from relulab.training.portable import run_from_dict

SETTINGS = ServerSettings(port=0, allow_hosts=("testserver",))


@pytest.fixture(scope="module")
def api(sweep_db):
    with TestClient(create_explorer(sweep_db, SETTINGS)) as c:
        yield c


def rows(db) -> dict[str, tuple]:
    """The runs table read with sqlite3 alone: key -> (status, config, metrics, history)."""
    con = sqlite3.connect(db)
    try:
        return {k: (s, json.loads(c), json.loads(m), json.loads(zlib.decompress(h)))
                for k, s, c, m, h in con.execute("SELECT key, status, config, metrics, history FROM runs")}
    finally:
        con.close()


def test_the_page_and_its_overview(api, sweep_db):
    assert "sweep explorer" in api.get("/sweep/").text
    assert api.get("/").status_code == 200  # the playground is served beside it
    o = api.get("/sweep/api/overview").json()
    assert (o["runs"], o["metric"], o["success"]) == (8, "test_acc", 0.9)
    assert o["axes"] == {"activation": ["relu", "tanh"], "hidden": ["3", "4,2"], "weight_seed": ["0", "1"]}


@pytest.mark.parametrize("success", [0.6, 0.9])
def test_grid_is_summarize_of_the_selection(api, sweep_db, success):
    records = load_sweep(sweep_db)
    g = api.get("/sweep/api/grid", params={"x": "activation", "y": "hidden", "success": success}).json()
    want = summarize(records, by=("activation", "hidden"), metric="test_acc", success=success)
    assert len(g["cells"]) == len(want) == 4
    for c, w in zip(g["cells"], want, strict=True):
        assert (c["x"], c["y"]) == (w.group["activation"], ",".join(map(str, w.group["hidden"])))
        assert (c["n"], c["successes"], c["success_rate"], c["wilson_low"], c["wilson_high"], c["mean"]) == (
            w.n, w.successes, w.success_rate, w.wilson_low, w.wilson_high, w.mean)
    one = api.get("/sweep/api/grid", params=[("x", "activation"), ("y", "hidden"), ("where", "weight_seed=1")]).json()
    assert [c["n"] for c in one["cells"]] == [1, 1, 1, 1]
    relu = api.get("/sweep/api/grid", params=[("x", "activation"), ("y", "hidden"), ("where", "activation=relu")])
    assert relu.json()["x_values"] == ["relu"]


def test_filter_selects_what_a_plain_loop_selects(api, sweep_db):
    records = load_sweep(sweep_db)
    cut = sorted(r.metrics["test_acc"] for r in records)[4]
    got = api.get("/sweep/api/runs", params=[("where", "hidden=4,2"), ("where", f"test_acc={cut!r}:")]).json()
    want = [r.key for r in records if r.config["hidden"] == [4, 2] and r.metrics["test_acc"] >= cut]
    assert [r["key"] for r in got["runs"]] == want and got["selected"] == len(want) and got["total"] == 8
    assert all(r["values"]["hidden"] == "4,2" for r in got["runs"])


def test_csv_export_is_the_selected_rows_of_the_database(api, sweep_db):
    res = api.get("/sweep/api/export.csv", params={"where": "activation=tanh"})
    assert res.headers["content-type"].startswith("text/csv")
    assert 'filename="tiny-selection.csv"' in res.headers["content-disposition"]
    db = rows(sweep_db)
    lines = list(csv.DictReader(io.StringIO(res.text)))
    assert sorted(r["key"] for r in lines) == sorted(k for k, v in db.items() if v[1]["activation"] == "tanh")
    for line in lines:
        status, config, metrics, _ = db[line["key"]]
        assert line["status"] == status and line["hidden"] == ",".join(map(str, config["hidden"]))
        assert {k: line[k] for k in config} == {k: label(v) for k, v in config.items()}  # every field
        assert {m: float(line[m]) for m in metrics} == metrics  # repr: exact


def test_curves_are_the_stored_histories(api, sweep_db):
    db = rows(sweep_db)
    keys = sorted(db)[:3]
    got = api.get("/sweep/api/curves", params=[("key", k) for k in keys]).json()["curves"]
    assert {k: got[k]["history"] for k in keys} == {k: db[k][3] for k in keys}
    assert len(got[keys[0]]["history"]["test_loss"]) == 13  # epoch 0 and 12 epochs


def test_run_json_is_the_run_trained_again_with_its_stored_numbers(api, sweep_db):
    key, (status, config, metrics, history) = sorted(rows(sweep_db).items())[0]
    doc = api.get(f"/sweep/api/runs/{key}/run.json").json()
    assert doc["format"] == "relulab-run" and doc["config"] == config and doc["status"] == status
    assert doc["history"]["test_acc"] == pytest.approx(history["test_acc"], abs=1e-9)
    run = run_from_dict(doc)
    with torch.no_grad():
        out = run.model(run.data.x_test).squeeze(-1)
    acc = ((out > 0).double() * 2 - 1 == run.data.y_test).double().mean().item()
    assert acc == pytest.approx(metrics["test_acc"], abs=1e-12)  # the weights give the stored accuracy


def test_run_json_is_refused_when_the_database_disagrees(tmp_path, sweep_db):
    db = tmp_path / "tampered.db"
    shutil.copy(sweep_db, db)
    con = sqlite3.connect(db)
    key, metrics = con.execute("SELECT key, metrics FROM runs ORDER BY key LIMIT 1").fetchone()
    con.execute("UPDATE runs SET metrics = ? WHERE key = ?",
                (json.dumps({**json.loads(metrics), "test_acc": 0.123}), key))
    err = sorted(con.execute("SELECT key FROM runs").fetchall())[1][0]
    con.execute("UPDATE runs SET status = 'error', message = 'RuntimeError: boom' WHERE key = ?", (err,))
    con.commit()
    con.close()
    with TestClient(create_explorer(db, SETTINGS)) as c:
        res = c.get(f"/sweep/api/runs/{key}/run.json")
        assert res.status_code == 422
        assert res.json()["detail"].startswith(f"run {key}: training its config again gives test_acc = ")
        assert ", stored 0.123; the weights would not be the stored run's" in res.json()["detail"]
        res = c.get(f"/sweep/api/runs/{err}/run.json")
        assert res.status_code == 422 and "is stored as an error (RuntimeError: boom)" in res.json()["detail"]
        zh = c.get(f"/sweep/api/runs/{key}/run.json", params={"lang": "zh"}).json()["detail"]  # the playground's toast
        assert zh.startswith(f"运行 {key}：按其配置重新训练得到 test_acc = ") and "，存储的是 0.123；" in zh, zh


def test_the_page_follows_a_sweep_that_is_still_writing(tmp_path, sweep_db):
    db = tmp_path / "growing.db"
    with SweepStore(sweep_db, create=False) as src:
        records = list(src.iter_records())
    # an empty sweep database, written while the explorer reads it
    with SweepStore(db) as store, TestClient(create_explorer(db, SETTINGS)) as c:
        assert c.get("/sweep/api/overview").json()["runs"] == 0
        for i, r in enumerate(records, 1):
            store.add([{"key": r.key, "config": r.config, "status": r.status, "metrics": r.metrics,
                        "history": r.history}])
            assert c.get("/sweep/api/overview").json()["runs"] == i
            assert c.get("/sweep/api/runs").json()["selected"] == i
        assert c.get("/sweep/api/grid", params={"x": "activation", "y": "hidden"}).json()["cells"][0]["n"] == 2


BAD = [
    ("grid", {"x": "activaton", "y": "hidden"}, 422, "unknown axis 'activaton'; axes of this sweep: activation"),
    ("grid", {"x": "hidden", "y": "hidden"}, 422, "the grid needs two different axes, got 'hidden' twice"),
    ("grid", {"x": "activation", "y": "hidden", "success": "nan"}, 422, "success must be a finite number"),
    # FastAPI's own type check: one line too (not a list of objects the page would show as [object Object])
    ("grid", {"x": "activation", "y": "hidden", "success": "abc"}, 422,
     "success: Input should be a valid number, unable to parse string as a number, got 'abc'"),
    ("grid", {"x": "activation", "y": "hidden", "metric": "acc"}, 422, "unknown metric 'acc'"),
    ("runs", {"where": "activation=gelu"}, 422, "filter activation: no run has the value 'gelu'; allowed: relu, tanh"),
    ("runs", {"where": "test_acc=1:0"}, 422, "filter test_acc: the range '1:0' is empty"),
    ("export.csv", {"where": "colour=red"}, 422, "filter: unknown field 'colour'"),
    ("curves", [("key", f"{i:032x}") for i in range(21)], 422, "at most 20 curves at once, got 21"),
    ("curves", {"key": "0" * 32}, 404, f"no run {'0' * 32} in "),
    ("runs/not-a-key/run.json", {}, 422, "a run key is the hex hash the runs list gives, got 'not-a-key'"),
    ("runs/abc123/run.json", {}, 404, "no run abc123 in "),
]
# what a refusal in Chinese may still hold: quoted values, the config's field names and the metrics' (names a
# filter is written with), the sweep's values, the form's placeholders, run keys, the database's path
NAMES = re.compile(r"'[^']*'|\b(" + "|".join([*RunConfig.model_fields, *METRICS, "relu", "tanh", "FIELD", "VALUE",
                                                "METRIC", "LOW", "HIGH", "nan", "success", "[0-9a-f]{6,}"]) + r")\b")


@pytest.mark.parametrize(("path", "params", "status", "detail"), BAD)
def test_bad_requests_are_one_line_details(api, path, params, status, detail):
    res = api.get(f"/sweep/api/{path}", params=params)
    assert res.status_code == status
    assert res.json()["detail"].startswith(detail) and "\n" not in res.json()["detail"]


@pytest.mark.parametrize(("path", "params", "status", "detail"), BAD)
def test_bad_requests_in_chinese_keep_their_values_and_leave_no_english(api, sweep_db, path, params, status, detail):
    en = api.get(f"/sweep/api/{path}", params=params).json()["detail"]
    res = api.get(f"/sweep/api/{path}", params=[*(params.items() if isinstance(params, dict) else params),
                                                ("lang", "zh")])
    zh = res.json()["detail"]
    assert res.status_code == status and zh != en and "\n" not in zh
    assert re.findall(r"'[^']*'", zh) == re.findall(r"'[^']*'", en)  # the values, as they were
    left = NAMES.sub("", zh.replace(str(sweep_db), ""))
    assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[A-Za-z]{2,}", left), zh


def test_an_unknown_language_is_refused_in_english(api):
    res = api.get("/sweep/api/runs", params={"lang": "fr"})
    assert res.status_code == 422 and res.json()["detail"] == "unknown language 'fr'; allowed: ['en', 'zh']"


def test_host_guard_and_bad_databases(api, tmp_path):
    res = api.get("/sweep/api/overview", headers={"host": "evil.example"})
    assert res.status_code == 400 and "Host 'evil.example' is not served here" in res.text
    with pytest.raises(FileNotFoundError, match="^no sweep database at"):
        create_explorer(tmp_path / "none.db", SETTINGS)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ValueError, match="is not a sweep database: it has a table 't' that relulab did not write"):
        create_explorer(other, SETTINGS)
