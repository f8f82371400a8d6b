"""Fixtures for the playground server: settings, a TestClient, a fresh session, frame decoding, and for the
browser tests Debian's Chromium, a real server on a free port and the zh pages' English finder."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from relulab.server import ServerSettings, create_app
from relulab.server.serve import BackgroundServer
from relulab.server.session import Session

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def settings() -> ServerSettings:
    return ServerSettings(port=0, max_upload_bytes=200_000, max_sessions=3, max_layers=6, max_neurons=8,
                          allow_hosts=("testserver",))  # the TestClient's Host


@pytest.fixture
def client(settings: ServerSettings):
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def session(settings: ServerSettings) -> Session:
    return Session("test", settings)


@pytest.fixture
def wire() -> SimpleNamespace:
    """``wire.send(ws, seq, **msg)`` and ``wire.until(ws, predicate)`` (tests import no conftest)."""
    return SimpleNamespace(send=send, until=receive_until)


def send(ws, seq: int, **msg) -> None:
    ws.send_text(json.dumps({**msg, "seq": seq}))


def receive_until(ws, predicate, limit: int = 200):
    """Read messages (JSON dicts or decoded frame headers) until ``predicate(kind, value)`` holds."""
    from relulab.server.wire import decode

    for _ in range(limit):
        m = ws.receive()
        if m.get("text") is not None:
            value, kind = json.loads(m["text"]), "json"
        else:
            value, kind = decode(m["bytes"])[0], "frame"
        if predicate(kind, value):
            return value
    raise AssertionError(f"no matching message in {limit} messages")


@pytest.fixture(scope="module")
def chrome():
    """Debian's Chromium through Playwright (no browser download); missing under CI is a failure."""
    exe = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing (/usr/bin/chromium): the browser tests must run in CI; "
                        "apt-get install chromium")
        pytest.skip("Chromium is not installed (/usr/bin/chromium); the browser tests need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def english_left():
    """The pages' zh checker (visible_english.js): ``english_left(page, names=(), texts=())`` -> the English left
    visible on ``page`` (technical names aside; ``names``: the page's own data names, ``texts``: words drawn on
    its canvases)."""
    check = (Path(__file__).parent / "visible_english.js").read_text(encoding="utf-8")
    return lambda page, names=(), texts=(): page.evaluate(check, {"names": list(names), "texts": list(texts)})


@pytest.fixture(scope="module")
def server():
    """A real playground server on 127.0.0.1 and a free port, for one test module."""
    with BackgroundServer(ServerSettings(port=0)) as srv:
        yield srv


TINY_SWEEP = ["--base", "dataset=xor", "--base", '{"n_points": 60, "epochs": 12, "lr": 0.1}',
              "--grid", "activation=relu,tanh", "--grid", "hidden=3:4,2", "--seeds", "2", "--scheduler", "serial"]


@pytest.fixture(scope="session")
def sweep_db(tmp_path_factory):
    """A small sweep database (8 runs of xor) made by `relulab sweep run`, for the explorer's tests
    (read only: a test that writes copies it)."""
    from typer.testing import CliRunner

    from relulab.cli import app

    db = tmp_path_factory.mktemp("sweep") / "tiny.db"
    res = CliRunner().invoke(app, ["sweep", "run", *TINY_SWEEP, "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    return db
