"""The HTTP routes against hostile clients, on the real server (uvicorn on a socket, raw HTTP/1.1): no
request reaches a 500, bodies that never arrive are closed at the deadline without a traceback, and
imports whose data do not fit their config are refused with 422."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time

import pytest
from websockets.sync.client import connect

from relulab.config import RunConfig
from relulab.server import ServerSettings
from relulab.server.serve import BackgroundServer
from relulab.training import train
from relulab.training.portable import run_to_dict

DEADLINE_S = 1.0


@pytest.fixture(scope="module")
def server():
    settings = ServerSettings(port=0, upload_deadline_s=DEADLINE_S, max_upload_bytes=200_000)
    with BackgroundServer(settings) as srv:
        port = srv.sock.getsockname()[1]
        with connect(f"ws://127.0.0.1:{port}/ws", origin=f"http://127.0.0.1:{port}") as ws:
            while (msg := ws.recv()) and not (isinstance(msg, str) and json.loads(msg)["type"] == "state"):
                pass
            yield port, json.loads(msg)["session"]


def http(port: int, method: str, path: str, body: bytes = b"", *, declared: int | str | None = None,
         headers: dict[str, str] | None = None, cut: bool = False, timeout: float = 30) -> tuple[int | None, bytes]:
    """``(status, whole answer)``; ``cut``: stop sending (half-close) after ``body`` even if it is
    shorter than declared. ``status`` is None when the server closed without an answer."""
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
            "Connection: close\r\n")
    if declared is not None or body or method in ("POST", "PUT", "PATCH"):
        head += f"Content-Length: {len(body) if declared is None else declared}\r\n"
    for k, v in (headers or {}).items():
        head += f"{k}: {v}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(head.encode() + b"\r\n" + body)
            if cut:
                s.shutdown(socket.SHUT_WR)
        except OSError:  # the server answered and closed before the body was sent: read the answer
            pass
        chunks = []
        try:
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    answer = b"".join(chunks)
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else None
    return status, answer


RUN = run_to_dict(train(RunConfig(epochs=2, hidden=(3,), n_points=40)))
DATA = {"name": "custom", "problem": "classification", "domain": [-6.0, 6.0],
        "x_train": [[0.5, 0.5], [1.0, -1.0], [-1.0, 1.0]], "y_train": [1.0, -1.0, 1.0],
        "x_test": [[0.2, 0.1]], "y_test": [-1.0]}


def doc(**change) -> bytes:
    return json.dumps({**RUN, **change}).encode()


def cfg(**change) -> dict:
    return {**RUN["config"], **change}


def history(**change) -> dict:
    return {**RUN["history"], **change}


BIG = 1e308
IMPORTS = {  # run.json bodies: each must get 200 or 422, never a 500
    "slope 1e308": doc(config=cfg(activation="leaky_relu", activation_params={"negative_slope": BIG})),
    "prelu init 1e308": doc(config=cfg(activation="prelu", activation_params={"init": BIG})),
    "slope 1.3e154": doc(config=cfg(activation="leaky_relu", activation_params={"negative_slope": 1.3e154})),
    "lr 1e308": doc(config=cfg(lr=BIG)), "reg 1e308": doc(config=cfg(reg_rate=BIG, regularization="l2")),
    "target 1e308": doc(config=cfg(target_loss=BIG)), "noise 1e308": doc(config=cfg(noise=BIG)),
    "epochs 1e308": doc(config=cfg(epochs=BIG)), "n_points 1e308": doc(config=cfg(n_points=BIG)),
    "weights 1e308": doc(state_dict={k: json.loads(json.dumps(v).replace("0.", "1e308").replace("-1e308", "1e308"))
                                     for k, v in RUN["state_dict"].items()}),
    "weight -1e308": doc(state_dict={**RUN["state_dict"], "0.bias": [-BIG] * 3}),
    "coordinates 1e308": doc(data={**DATA, "x_train": [[BIG, 0.0]] * 3}),
    "labels 1e308": doc(data={**DATA, "y_train": [BIG] * 3}),
    "losses 1e308": doc(history=history(train_loss=[BIG] * len(RUN["history"]["epoch"]))),
    "booleans": doc(config=cfg(hidden=[True], epochs=True, lr=True, noise=False)),
    # malformed histories
    "history string": doc(history="epochs"), "history list": doc(history=[1, 2]),
    "history epoch string": doc(history=history(epoch="0,1,2")),
    "history short": doc(history=history(train_loss=[1.0])),
    "history booleans": doc(history=history(epoch=[True, False, True])),
    "history strings": doc(history=history(test_acc=["a", "b", "c"])),
    "history nested": doc(history=history(train_loss=[[1.0]] * 3)),
    "history extra 5": doc(history=history(extra=5)),
    "history unknown": doc(history=history(bogus=[1, 2, 3])),
    "history floats as epochs": doc(history=history(epoch=[0.5, 1.5, 2.5])),
    "history deep": b'{"format":"relulab-run","version":1,"history":' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    # data that does not fit the config it would train
    "labels 5/7/3": doc(data={**DATA, "y_train": [5.0, 7.0, 3.0], "y_test": [5.0]}),
    "regression targets in circle": doc(data={**DATA, "problem": "regression", "y_train": [0.25, -3.5, 9.0]}),
    "regression-valued labels": doc(data={**DATA, "y_train": [0.25, -3.5, 9.0]}),
    "1-D data in 2-D config": doc(data={**DATA, "x_train": [[0.5], [1.0], [-1.0]], "x_test": [[0.2]]}),
    "3-D data": doc(data={**DATA, "x_train": [[0.5, 1, 2]] * 3, "x_test": [[0.2, 1, 2]]}),
    "empty data": doc(data={**DATA, "x_train": [], "y_train": [], "x_test": [], "y_test": []}),
    "ragged data": doc(data={**DATA, "x_train": [[0.5, 1], [1.0], [2, 3]]}),
    # plain junk
    "empty": b"", "null": b"null", "number": b"1e308", "array": b"[]", "not JSON": b"{", "binary": bytes(range(256)),
    "NaN": b'{"format":"relulab-run","version":1,"config":{"lr":NaN},"state_dict":{}}',
    "version 2": doc(version=2), "format zip": doc(format="zip"), "huge string": doc(message="x" * 150_000),
}
UPLOADS = {  # CSV bodies
    "1e308": b"x1,x2,label\n" + b"1e308,0,1\n" * 10, "nan": b"x1,x2,label\n" + b"nan,0,1\n" * 10,
    "labels 5/7/3": b"x1,x2,label\n" + b"".join(f"{i},{i},{(5, 7, 3)[i % 3]}\n".encode() for i in range(12)),
    "header only": b"x1,x2,label\n", "empty": b"", "binary": bytes(range(256)), "one column": b"1\n2\n3\n4\n5\n",
    "five columns": b"1,2,3,4,5\n" * 10, "booleans": b"x1,x2,label\n" + b"true,false,true\n" * 10,
}


def hostile(sid: str) -> list[tuple[str, str, str, bytes, dict]]:
    """``(name, method, path, body, options)`` for every hostile request."""
    imp, up = f"/api/session/{sid}/import", f"/api/session/{sid}/upload"
    cases = [(f"import {k}", "POST", imp, v, {}) for k, v in IMPORTS.items()]
    cases += [(f"upload {k}", "POST", up, v, {}) for k, v in UPLOADS.items()]
    cases += [  # bodies shorter than their Content-Length, cut off by the client
        ("import cut", "POST", imp, doc()[:100], {"declared": 5000, "cut": True}),
        ("upload cut", "POST", up, b"x1,x2", {"declared": 5000, "cut": True}),
        ("import declared 0 sent more", "POST", imp, doc(), {"declared": 0}),
        # oversize
        ("import 10 MB declared", "POST", imp, b"{", {"declared": 10_000_000, "cut": True}),
        ("upload 10 MB declared", "POST", up, b"x", {"declared": 10_000_000, "cut": True}),
        ("import 300 kB sent", "POST", imp, b"[" + b"1," * 150_000 + b"1]", {}),
        ("upload chunked 300 kB", "POST", up, b"", {"chunked": b"0.5,0.5,1\n" * 30_000}),
        ("content-length abc", "POST", imp, b"{}", {"declared": "abc"}),
        ("content-length -1", "POST", imp, b"{}", {"declared": "-1"}),
        ("content-length 1e308", "POST", imp, b"{}", {"declared": "1e308"}),
        # traversal
        ("static dots", "GET", "/static/../../../../etc/passwd", b"", {}),
        ("static encoded dots", "GET", "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd", b"", {}),
        ("static encoded slash", "GET", "/static/..%2f..%2f..%2fetc%2fpasswd", b"", {}),
        ("static backslash", "GET", "/static/..\\..\\etc\\passwd", b"", {}),
        ("static null", "GET", "/static/js/main.js%00.png", b"", {}),
        ("export dots", "GET", f"/api/session/{sid}/export/..%2f..%2fetc%2fpasswd", b"", {}),
        ("export unknown", "GET", f"/api/session/{sid}/export/model.pkl", b"", {}),
        ("session dots", "GET", "/api/session/..%2f..%2f/export/run.json", b"", {}),
        ("session unknown", "POST", "/api/session/nope/import", doc(), {}),
        ("session long", "GET", "/api/session/" + "a" * 5000 + "/export/run.json", b"", {}),
        ("export bad bool", "GET", f"/api/session/{sid}/export/heatmap.png?discretize=maybe", b"", {}),
        # wrong methods
        ("GET import", "GET", imp, b"", {}), ("GET upload", "GET", up, b"", {}),
        ("PUT import", "PUT", imp, doc(), {}), ("DELETE upload", "DELETE", up, b"", {}),
        ("PATCH import", "PATCH", imp, b"{}", {}), ("POST page", "POST", "/", b"x", {}),
        ("POST registries", "POST", "/api/registries", b"{}", {}),
        ("DELETE defaults", "DELETE", "/api/defaults", b"", {}), ("OPTIONS page", "OPTIONS", "/", b"", {}),
        ("POST export", "POST", f"/api/session/{sid}/export/run.json", b"", {}),
        ("GET ws plain", "GET", "/ws", b"", {}), ("POST ws", "POST", "/ws", b"{}", {}),
    ]
    return cases


def send(port: int, method: str, path: str, body: bytes, opts: dict) -> tuple[int | None, bytes]:
    if "chunked" in opts:
        data = opts["chunked"]
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + 8192]), data[i:i + 8192])
                           for i in range(0, len(data), 8192)) + b"0\r\n\r\n"
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTransfer-Encoding: chunked\r\n"
                "Connection: close\r\n\r\n").encode()
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            with contextlib.suppress(OSError):
                s.sendall(head + chunked)
            answer = b""
            try:
                while chunk := s.recv(65536):
                    answer += chunk
            except ConnectionResetError:
                pass
        return (int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else None), answer
    return http(port, method, path, body, declared=opts.get("declared"), cut=opts.get("cut", False))


def test_no_hostile_request_gets_a_500(server, caplog):
    port, sid = server
    cases = hostile(sid)
    statuses = {}
    with caplog.at_level(logging.WARNING):
        for name, method, path, body, opts in cases:
            status, answer = send(port, method, path, body, opts)
            statuses[name] = status
            assert status is None or status < 500, (name, answer[:300])
            if status == 200 and path.endswith("passwd"):
                pytest.fail(f"{name}: served a file outside the static directory")
    assert len(cases) >= 80 and sum(s is not None for s in statuses.values()) >= len(cases) - 5, statuses
    for name in ("labels 5/7/3", "regression targets in circle", "1-D data in 2-D config", "slope 1e308",
                 "lr 1e308", "history strings", "booleans"):
        assert statuses[f"import {name}"] == 422, name
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records if r.exc_info]
    status, _ = http(port, "GET", f"/api/session/{sid}/export/run.json")
    assert status == 200  # the session survived all of it


@pytest.mark.parametrize("name, fragment", [
    ("labels 5/7/3", "labels 3, 5, 7 do not fit its two-class config"),
    ("regression targets in circle", "regression points but its config trains classification"),
    ("regression-valued labels", "labels -3.5, 0.25, 9 do not fit"),
    ("1-D data in 2-D config", "1 coordinate(s) per point but its config's data set 'circle' has 2"),
    ("slope 1e308", "negative_slope' must lie within ±1000"),
    ("lr 1e308", "lr: must be at most 100"),
    ("history strings", "history.test_acc"),
])
def test_mismatched_imports_are_refused_naming_the_mismatch(server, name, fragment):
    port, sid = server
    status, answer = http(port, "POST", f"/api/session/{sid}/import", IMPORTS[name])
    assert status == 422 and fragment in json.loads(answer.split(b"\r\n\r\n", 1)[1])["detail"], answer[-400:]


def test_an_abandoned_upload_is_closed_at_the_deadline_without_a_traceback(server, caplog):
    port, sid = server
    with caplog.at_level(logging.INFO), socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(f"POST /api/session/{sid}/upload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                  f"Content-Length: 5000\r\n\r\nx1,x2".encode())  # 5 of 5000 bytes, then nothing
        t0 = time.monotonic()
        answer = b""
        while chunk := s.recv(65536):  # returns b"" once the server closes the connection
            answer += chunk
        waited = time.monotonic() - t0
    assert answer.startswith(b"HTTP/1.1 408") and b"upload incomplete: 5 of 5000 bytes" in answer, answer
    assert waited >= DEADLINE_S * 0.9  # closed by the deadline, not before
    assert not [r for r in caplog.records if r.exc_info]
