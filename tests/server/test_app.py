"""The app over HTTP and WebSocket (TestClient): registries, live frames, bad input, exports, uploads."""

from __future__ import annotations

import io
import json
import math

import pytest
import torch

from relulab.activations import activation_names
from relulab.data import DATASETS, parse_csv_text
from relulab.training import build_model
from relulab.training.portable import run_from_dict
from relulab.viz.fonts import cjk_font


def open_session(ws, wire) -> str:
    state = wire.until(ws, lambda k, v: k == "json" and v["type"] == "state")
    wire.until(ws, lambda k, v: k == "frame")
    return state["session"]


def test_page_and_registries(client):
    page = client.get("/")
    assert page.status_code == 200 and "/static/js/browser.js" in page.text
    assert "http" not in page.text.split("<body>")[1]
    assert client.get("/static/js/main.js").status_code == 200
    reg = client.get("/api/registries").json()
    assert [a["name"] for a in reg["activations"]] == activation_names()
    assert [d["name"] for d in reg["datasets"]] == [n for n in DATASETS if n != "digits"]  # the page draws 1-D/2-D
    assert "digits" not in client.get("/api/previews").json()
    assert client.get("/api/defaults").json()["limits"]["max_layers"] == 6


def test_live_training_and_controls(wire, client):
    with client.websocket_connect("/ws") as ws:
        open_session(ws, wire)
        wire.send(ws, 1, type="config", config={"activation": "relu"})
        wire.send(ws, 2, type="control", action="play")
        first = wire.until(ws, lambda k, v: k == "frame" and v["ack"] == 2 and v["epoch"] >= 1)
        later = wire.until(ws, lambda k, v: k == "frame" and v["epoch"] >= first["epoch"] + 20)
        assert later["test_loss"] < first["test_loss"]
        wire.send(ws, 3, type="control", action="pause")
        paused = wire.until(ws, lambda k, v: k == "frame" and v["ack"] == 3)
        assert paused["playing"] is False
        wire.send(ws, 4, type="control", action="step")
        stepped = wire.until(ws, lambda k, v: k == "frame" and v["ack"] == 4)
        assert stepped["epoch"] >= paused["epoch"] + 1


BAD = [
    ('{"type": "config", "config": {"activation": "nope"}}', "unknown activation 'nope'"),
    (json.dumps({"type": "config", "config": {"hidden": [3] * 1000}}), "at most 64 layers"),
    ('{"type": "config", "config": {"lr": -1}}', "greater than 0"),
    ("{this is not json", "malformed JSON"),
    ('{"type": "warp"}', "unknown message type"),
    ('{"type": "config", "config": {"dataset": "digits", "loss": "cross_entropy"}}', "'digits' has 64-D points"),
    (json.dumps({"type": "url", "url": "y" * 100_000}), "too large"),
]


def test_bad_websocket_input_leaves_both_sessions_working(wire, client):
    with client.websocket_connect("/ws") as ws, client.websocket_connect("/ws") as other:
        open_session(ws, wire)
        open_session(other, wire)
        wire.send(other, 1, type="config", config={"lr": 0.3})
        wire.until(other, lambda k, v: k == "json" and v["type"] == "state" and v["config"]["lr"] == 0.3)
        for i, (text, fragment) in enumerate(BAD):
            ws.send_text(text)
            err = wire.until(ws, lambda k, v: k == "json" and v["type"] == "error")
            assert fragment in err["message"], (i, err)
            wire.send(ws, 100 + i, type="config", config={"noise": 0.05 * (i % 3)})  # the session still answers
            wire.until(ws, lambda k, v, seq=100 + i: k == "frame" and v["ack"] == seq)
        wire.send(other, 2, type="control", action="step")
        frame = wire.until(other, lambda k, v: k == "frame" and v["ack"] == 2)
        assert frame["epoch"] == 1
        wire.send(other, 3, type="url", url="#activation=relu")  # the other session's config was never touched
        st = wire.until(other, lambda k, v: k == "json" and v["type"] == "state")
        assert st["config"]["activation"] == "relu"


def test_session_limit(wire, client):
    with client.websocket_connect("/ws") as a, client.websocket_connect("/ws") as b, \
            client.websocket_connect("/ws") as c:
        for ws in (a, b, c):
            open_session(ws, wire)
        with client.websocket_connect("/ws") as d:
            msg = d.receive_json()
            assert msg["closed"] and "busy" in msg["message"]


def test_exports_load_in_relulab(wire, client):
    with client.websocket_connect("/ws") as ws:
        sid = open_session(ws, wire)
        wire.send(ws, 1, type="config", config={"activation": "relu", "hidden": [3]})
        wire.send(ws, 2, type="control", action="step")
        wire.until(ws, lambda k, v: k == "frame" and v["ack"] == 2)
        r = client.get(f"/api/session/{sid}/export/run.json")
        assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
        run = run_from_dict(r.json())
        assert run.config.hidden == (3,) and run.history.epoch[-1] == 1
        state = torch.load(io.BytesIO(client.get(f"/api/session/{sid}/export/model.pt").content), weights_only=True)
        model = build_model(run.config, run.data)
        model.load_state_dict(state)
        for a, b in zip(model.parameters(), run.model.parameters(), strict=True):
            assert torch.equal(a, b)
        x, y = parse_csv_text(client.get(f"/api/session/{sid}/export/data.csv").text)
        assert len(x) == 500 and set(y.tolist()) == {-1.0, 1.0}
        for name, magic in [("heatmap.png", b"\x89PNG"), ("regions.png", b"\x89PNG"), ("heatmap.svg", b"<?xml")]:
            body = client.get(f"/api/session/{sid}/export/{name}").content
            assert body.startswith(magic), name
        zh = client.get(f"/api/session/{sid}/export/regions.svg?lang=zh")  # the picture's title in Chinese
        assert zh.status_code == 200 and (("个线性区域" in zh.text) == (cjk_font() is not None))
        bad = client.get(f"/api/session/{sid}/export/heatmap.png?lang=fr")
        assert bad.status_code == 422 and "unknown language 'fr'" in bad.json()["detail"]
        wire.send(ws, 3, type="config", config={"activation": "tanh"})
        wire.until(ws, lambda k, v: k == "frame" and v["ack"] == 3)
        r = client.get(f"/api/session/{sid}/export/regions.svg")
        assert r.status_code == 422 and "tanh is smooth" in r.json()["detail"]
        assert client.get(f"/api/session/{sid}/export/weights.xls").status_code == 404
    assert client.get("/api/session/nosuch/export/run.json").status_code == 404


def test_uploads_and_import(wire, client):
    with client.websocket_connect("/ws") as ws:
        sid = open_session(ws, wire)
        url = f"/api/session/{sid}/upload"
        r = client.post(url, content=b"x1,x2,label\n" + b"0.5,0.5,1\n" * 5_000_000)  # 50 MB
        assert r.status_code == 422 and "upload too large" in r.json()["detail"]
        r = client.post(url, content=b"x1,x2,label\n1,2,1\n3,oops,-1\n")
        assert r.status_code == 422 and r.json()["detail"].startswith("line 3: 'oops' is not a number")
        r = client.post(url, content=b"\xff\xfe\x00")
        assert r.status_code == 422 and "UTF-8" in r.json()["detail"]
        rows = "".join(f"{i % 7 - 3},{i % 5 - 2},{1 if i % 2 else -1}\n" for i in range(40))
        r = client.post(url, content=("x1,x2,label\n" + rows).encode())
        assert r.status_code == 200 and r.json() == {"points": 40, "problem": "classification", "input_dim": 2,
                                                     "labels": "labels {-1, 1}: two classes",
                                                     "note": "uploaded points are not in the link; export run.json "
                                                             "to keep them"}
        st = wire.until(ws, lambda k, v: k == "json" and v["type"] == "state" and v["custom"])
        assert len(st["data"]["train"]["x"]) + len(st["data"]["test"]["x"]) == 40
        exported = client.get(f"/api/session/{sid}/export/run.json").json()
        assert len(exported["data"]["x_train"]) == 20
        wire.send(ws, 1, type="config", config={"dataset": "gauss"})
        wire.until(ws, lambda k, v: k == "json" and v["type"] == "state" and not v["custom"])
        r = client.post(f"/api/session/{sid}/import", content=json.dumps(exported).encode())
        assert r.status_code == 200
        st = wire.until(ws, lambda k, v: k == "json" and v["type"] == "state" and v["custom"])
        assert len(st["data"]["train"]["x"]) == 20
        for body, fragment in [(b"{", "not JSON"), (b'{"format": "zip"}', "not a relulab run"),
                               (json.dumps({**exported, "state_dict": {}}).encode(), "state_dict")]:
            r = client.post(f"/api/session/{sid}/import", content=body)
            assert r.status_code == 422 and fragment in r.json()["detail"]
        wire.send(ws, 2, type="control", action="step")  # the session survived every bad upload
        assert wire.until(ws, lambda k, v: k == "frame" and v["ack"] == 2)["epoch"] >= 1


SQUARES = "x1,label\n" + "".join(f"{i},{i * i}\n" for i in range(9))


@pytest.mark.parametrize("rows, problem, dim", [(SQUARES, "regression", 1)])
def test_upload_regression_1d(wire, client, rows, problem, dim):
    with client.websocket_connect("/ws") as ws:
        sid = open_session(ws, wire)
        r = client.post(f"/api/session/{sid}/upload", content=rows.encode())
        assert r.status_code == 200 and r.json()["problem"] == problem and r.json()["input_dim"] == dim
        st = wire.until(ws, lambda k, v: k == "json" and v["type"] == "state" and v["custom"])
        assert st["data"]["input_dim"] == 1 and st["config"]["loss"] == "mse"
        assert wire.until(ws, lambda k, v: k == "frame")["mode"] == "line"


def test_idle_session_is_closed_with_a_message(wire):
    from fastapi.testclient import TestClient

    from relulab.server import ServerSettings, create_app

    app = create_app(ServerSettings(idle_timeout_s=0.3, allow_hosts=("testserver",)))
    with TestClient(app) as c, c.websocket_connect("/ws") as ws:
        open_session(ws, wire)
        msg = wire.until(ws, lambda k, v: k == "json" and v.get("closed"))
        assert "without input" in msg["message"] and not app.state.sessions.sessions


def test_other_sites_are_refused(wire, client):
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/ws", headers={"origin": "http://evil.example"}):
        pass
    with client.websocket_connect("/ws", headers={"origin": "http://testserver"}) as ws:
        sid = open_session(ws, wire)
        r = client.post(f"/api/session/{sid}/upload", content=b"x1,x2,label\n", headers={"origin": "http://evil.example"})
        assert r.status_code == 403


def _run_doc(**change) -> dict:
    from relulab.config import RunConfig
    from relulab.training import train
    from relulab.training.portable import run_to_dict

    return {**run_to_dict(train(RunConfig(epochs=2, hidden=(3,)))), **change}


@pytest.mark.parametrize("body, fragment", [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (json.dumps(_run_doc(history={"epoch": [0, 1], "train_loss": "ab", "test_loss": [1, 2], "train_acc": [1, 2],
                                  "test_acc": [1, 2]})).encode(), "history.train_loss"),
    (json.dumps(_run_doc(history={"epoch": [0, 1, 2], "train_loss": [1.0], "test_loss": [1.0, 2.0, 3.0],
                                  "train_acc": [None] * 3, "test_acc": [None] * 3})).encode(), "one entry per epoch"),
    (json.dumps(_run_doc(state_dict={"0.weight": [[[[1.0]]]]})).encode(), "state_dict"),
    (json.dumps(_run_doc(config={"hidden": [1024] * 64, "n_points": 10**6})).encode(), "at most 6 hidden layers"),
    (json.dumps(_run_doc(config={"n_points": 10**6})).encode(), "at most 5000 points"),
    (json.dumps(_run_doc(config={"dataset": "digits", "loss": "cross_entropy"})).encode(), "the playground draws 1-D"),
])
def test_import_is_validated_whole_before_anything_is_built(wire, client, body, fragment, monkeypatch):
    import relulab.training.portable as portable

    built = []
    monkeypatch.setattr(portable, "build_model", lambda *a: built.append(a), raising=False)
    with client.websocket_connect("/ws") as ws:
        sid = open_session(ws, wire)
        r = client.post(f"/api/session/{sid}/import", content=body)
        assert r.status_code == 422 and fragment in r.json()["detail"], r.text
        assert not built
        wire.send(ws, 1, type="control", action="step")  # every later frame still works
        assert wire.until(ws, lambda k, v: k == "frame" and v["ack"] == 1)["epoch"] == 1


@pytest.mark.parametrize("rows, problem, classes", [
    ("".join(f"{i % 7 - 3},{i % 5 - 2},{i % 2}\n" for i in range(40)), "classification", 2),  # scikit-learn's 0/1
    ("".join(f"{i % 7 - 3},{i % 5 - 2},{i % 3}\n" for i in range(40)), "classification", 3),
    ("".join(f"{i % 7 - 3},{i % 5 - 2},{i % 3 + 1}\n" for i in range(40)), "regression", 0),
    ("".join(f"{i % 7 - 3},{i % 5 - 2},{i % 6}\n" for i in range(60)), "classification", 6),  # no 6-class set
    ("".join(f"{i % 7 - 3},{i % 5 - 2},{i % 10}\n" for i in range(60)), "classification", 10),
])
def test_csv_labels_follow_the_one_rule(wire, client, rows, problem, classes):
    with client.websocket_connect("/ws") as ws:
        sid = open_session(ws, wire)
        r = client.post(f"/api/session/{sid}/upload", content=("x1,x2,label\n" + rows).encode())
        assert r.status_code == 200 and r.json()["problem"] == problem, r.text
        assert ("classes" in r.json()["labels"]) == (classes > 0)
        st = wire.until(ws, lambda k, v: k == "json" and v["type"] == "state" and v["custom"])
        assert st["data"]["num_classes"] == classes
        if classes == 2:
            assert set(st["data"]["train"]["y"]) == {-1.0, 1.0}
        if classes > 2:  # one output per class, trained with cross-entropy, and frames keep coming
            assert st["config"]["loss"] == "cross_entropy" and st["network"]["outputs"] == classes, st["network"]
            wire.send(ws, 1, type="control", action="step")
            frame = wire.until(ws, lambda k, v: k == "frame" and v["ack"] == 1)
            assert frame["epoch"] == 1 and math.isfinite(frame["train_loss"])


def test_csv_coordinates_out_of_range_are_refused(wire, client):
    with client.websocket_connect("/ws") as ws:
        sid = open_session(ws, wire)
        r = client.post(f"/api/session/{sid}/upload", content=b"x1,x2,label\n1e300,0,1\n0,0,-1\n1,1,1\n2,2,-1\n")
        assert r.status_code == 422 and "out of range" in r.json()["detail"]


def test_dns_rebinding_is_refused_and_openapi_is_off(client):
    from starlette.websockets import WebSocketDisconnect

    evil = {"host": "evil.example", "origin": "http://evil.example"}
    r = client.get("/", headers=evil)
    assert r.status_code == 400 and "evil.example" in r.text and "--allow-host" in r.text
    assert client.get("/api/defaults", headers=evil).status_code == 400
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/ws", headers=evil):
        pass
    assert client.get("/openapi.json").status_code == 404


def test_openapi_when_asked_for():
    from fastapi.testclient import TestClient

    from relulab.server import ServerSettings, create_app

    with TestClient(create_app(ServerSettings(openapi=True, allow_hosts=("testserver",)))) as c:
        assert c.get("/openapi.json").json()["info"]["title"] == "relulab playground"


def test_uploads_count_against_the_rate_limit_before_they_are_read(wire):
    from fastapi.testclient import TestClient

    from relulab.server import ServerSettings, create_app

    app = create_app(ServerSettings(max_messages_per_s=2, allow_hosts=("testserver",)))
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        sid = open_session(ws, wire)
        body = b"x1,x2,label\n" + b"".join(b"0.%012d,0.123456789012,%d\n" % (i, 1 - 2 * (i % 2)) for i in range(4000))
        codes = [client.post(f"/api/session/{sid}/upload", content=body).status_code for _ in range(3)]
        assert codes[0] == 200 and 429 in codes
        r = client.post(f"/api/session/{sid}/upload", content=body)
        assert r.status_code == 429 and "too many uploads" in r.json()["detail"]


def _within(seconds: float, fn) -> None:
    """Run ``fn`` on a thread; fail (instead of hanging) if it has not finished after ``seconds``."""
    import threading

    errors: list[BaseException] = []

    def run() -> None:
        try:
            fn()
        except BaseException as e:  # noqa: BLE001 - re-raised below
            errors.append(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"the session froze: no answer within {seconds} s"
    if errors:
        raise errors[0]


FREEZES = {  # issue 23's two sequences that froze a session without a word
    "perceptron lr 1e308": ([{"type": "ui", "perceptron": True}, {"type": "control", "action": "play"},
                             {"type": "config", "config": {"lr": 1e308}}], "lr: must be at most 100"),
    "seven edits of 1e6": ([{"type": "config", "config": {"dtype": "float32", "activation": "identity",
                                                          "hidden": [4] * 8}},
                            {"type": "control", "action": "play"},
                            *[{"type": "edit", "layer": layer, "kind": "weight", "row": 0, "col": 0, "value": 1e6}
                              for layer in range(7)]], "this panel failed"),
}


@pytest.mark.parametrize("name", list(FREEZES))
def test_a_failure_is_named_and_the_session_answers_later_messages(wire, name):
    from fastapi.testclient import TestClient

    from relulab.server import ServerSettings, create_app

    sequence, named = FREEZES[name]

    def drive() -> None:
        with TestClient(create_app(ServerSettings(allow_hosts=("testserver",)))) as c, c.websocket_connect("/ws") as ws:
            open_session(ws, wire)
            for i, msg in enumerate(sequence, 1):
                wire.send(ws, i, **msg)

            def failure(kind, v) -> bool:
                if kind == "json":
                    return v["type"] == "error" and named in v["message"]
                return any(named in str((v.get(p) or {}).get("refused", "")) for p in ("collapse", "diagnostics",
                                                                                       "regions"))

            wire.until(ws, failure, limit=2000)
            wire.send(ws, 99, type="control", action="pause")
            assert wire.until(ws, lambda k, v: k == "frame" and v["ack"] == 99, limit=2000)["playing"] is False
            wire.send(ws, 100, type="config", config={"activation": "relu", "hidden": [3], "dtype": "float64"})
            wire.until(ws, lambda k, v: k == "frame" and v["ack"] == 100, limit=2000)

    _within(300, drive)


def test_a_panel_that_fails_shows_its_error_logged_once_and_frames_go_on(wire, client, monkeypatch, caplog):
    from relulab.server import panels

    def broken(lab):
        raise RuntimeError("the panel broke")

    monkeypatch.setattr(panels, "diagnostics", broken)
    with caplog.at_level("ERROR", logger="relulab.server"), client.websocket_connect("/ws") as ws:
        open_session(ws, wire)
        wire.send(ws, 1, type="control", action="play")
        for _ in range(3):  # several frames with analysis, each showing the panel's error
            frame = wire.until(ws, lambda k, v: k == "frame" and "diagnostics" in v)
            assert frame["diagnostics"] == {"refused": "this panel failed: RuntimeError: the panel broke",
                                            "error": True}
            assert frame["collapse"] is not None
        wire.send(ws, 2, type="control", action="pause")
        wire.until(ws, lambda k, v: k == "frame" and v["ack"] == 2)
    assert len([r for r in caplog.records if "panel diagnostics failed" in r.getMessage()]) == 1


def test_a_message_handler_failure_is_an_error_with_its_seq_acknowledged(wire, client, monkeypatch):
    from relulab.server.lab import Lab

    def broken(self, *a):
        raise RuntimeError("regenerate broke")

    monkeypatch.setattr(Lab, "regenerate", broken)
    with client.websocket_connect("/ws") as ws:
        open_session(ws, wire)
        wire.send(ws, 7, type="control", action="regenerate")
        err = wire.until(ws, lambda k, v: k == "json" and v["type"] == "error")
        assert err["seq"] == 7 and "RuntimeError: regenerate broke" in err["message"]
        wire.send(ws, 8, type="control", action="step")
        assert wire.until(ws, lambda k, v: k == "frame" and v["ack"] == 8)["epoch"] == 1


def test_a_training_failure_is_diverged_and_the_session_goes_on(wire, client, monkeypatch):
    from relulab.server.lab import Lab

    def broken(self):
        raise RuntimeError("linalg failed")

    with client.websocket_connect("/ws") as ws:
        open_session(ws, wire)
        monkeypatch.setattr(Lab, "step", broken)
        wire.send(ws, 1, type="control", action="play")
        err = wire.until(ws, lambda k, v: k == "json" and v["type"] == "error")
        assert "the run diverged" in err["message"] and "linalg failed" in err["message"]
        monkeypatch.undo()
        wire.send(ws, 2, type="control", action="step")
        assert wire.until(ws, lambda k, v: k == "frame" and v["ack"] == 2)["epoch"] == 1


def test_the_report_of_the_shipped_run_in_each_language(client):
    zh = client.get("/report?lang=zh")
    assert zh.status_code == 200 and '<html lang="zh-Hans">' in zh.text and "规则：" in zh.text
    assert "Rule:" not in zh.text and "the claim holds when every part holds" not in zh.text  # rules rendered in zh
    en = client.get("/report")
    assert '<html lang="en">' in en.text and "Rule:" in en.text
    bad = client.get("/report?lang=fr")
    assert bad.status_code == 422 and "unknown language 'fr'" in bad.text
