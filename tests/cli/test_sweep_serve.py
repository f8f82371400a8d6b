"""``relulab sweep serve DB``: bad input exits 2 with one line; the app it serves is the explorer of DB."""

from __future__ import annotations

import socket

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from relulab.cli import app
from relulab.sweep.store import SweepStore

runner = CliRunner()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "s.db"
    with SweepStore(path) as store:
        store.add({"key": f"{i:032x}", "config": {"hidden": [3], "activation": a}, "status": "completed",
                   "metrics": {"test_acc": acc}} for i, (a, acc) in enumerate([("relu", 0.9), ("tanh", 0.4)]))
    return path


@pytest.fixture
def served(monkeypatch):
    out = []
    monkeypatch.setattr("relulab.server.serve.serve", lambda settings, sock, app: out.append((settings, sock, app)))
    return out


def one_error_line(r) -> str:
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert r.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error:"), r.output
    return lines[0]


def test_serves_the_explorer_of_the_database_on_loopback(db, served):
    r = runner.invoke(app, ["sweep", "serve", str(db), "--port", "0"])
    assert r.exit_code == 0, r.output
    settings, sock, explorer = served[0]
    host, port = sock.getsockname()[:2]
    sock.close()
    assert host == "127.0.0.1" and f"http://127.0.0.1:{port}/sweep/" in r.output and "warning" not in r.output
    with TestClient(explorer, base_url="http://127.0.0.1") as c:
        assert c.get("/sweep/api/overview").json()["axes"] == {"activation": ["relu", "tanh"]}
        assert c.get("/sweep/api/overview", headers={"host": "evil.example"}).status_code == 400


def test_every_interface_warns_and_open_opens_the_page(db, served, monkeypatch):
    opened = []
    monkeypatch.setattr("threading.Timer", lambda delay, fn, args: type("T", (), {"start": lambda self: fn(*args)})())
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url))
    r = runner.invoke(app, ["sweep", "serve", str(db), "--port", "0", "--host", "0.0.0.0", "--allow-host",
                            "lab.example", "--open"])
    assert r.exit_code == 0, r.output
    settings, sock, _ = served[0]
    port = sock.getsockname()[1]
    sock.close()
    assert "listens on every network interface" in r.output and "lab.example" in settings.allowed_hosts()
    assert opened == [f"http://127.0.0.1:{port}/sweep/"]


def test_bad_databases_exit_2(tmp_path, served):
    assert "no sweep database at" in one_error_line(runner.invoke(app, ["sweep", "serve", str(tmp_path / "no.db")]))
    (tmp_path / "t.db").write_text("text")
    line = one_error_line(runner.invoke(app, ["sweep", "serve", str(tmp_path / "t.db")]))
    assert "is not a sweep database (not an SQLite file)" in line
    assert "is a directory" in one_error_line(runner.invoke(app, ["sweep", "serve", str(tmp_path)]))
    assert not served


@pytest.mark.parametrize(("args", "fragment"), [
    (["--host", "no-such-host.invalid"], "not an address this machine can listen on"),
    (["--host", ""], "--host must not be empty"),
    (["--port", "70000"], "port"),
])
def test_bad_addresses_exit_2(db, served, args, fragment):
    assert fragment in one_error_line(runner.invoke(app, ["sweep", "serve", str(db), *args]))


def test_busy_port_exits_2(db, served):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        line = one_error_line(runner.invoke(app, ["sweep", "serve", str(db), "--port", str(s.getsockname()[1])]))
    assert "cannot listen on 127.0.0.1" in line and not served


def test_lang_opens_the_page_in_that_language_and_an_unknown_one_exits_2(db, served, monkeypatch):
    opened = []
    monkeypatch.setattr("threading.Timer", lambda delay, fn, args: type("T", (), {"start": lambda self: fn(*args)})())
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url))
    r = runner.invoke(app, ["sweep", "serve", str(db), "--port", "0", "--lang", "zh", "--open"])
    assert r.exit_code == 0, r.output
    port = served[0][1].getsockname()[1]
    served[0][1].close()
    assert opened == [f"http://127.0.0.1:{port}/sweep/#lang=zh"] and opened[0] in r.output
    assert "unknown language 'fr'; allowed: ['en', 'zh']" in one_error_line(
        runner.invoke(app, ["sweep", "serve", str(db), "--port", "0", "--lang", "fr"]))
    assert len(served) == 1
