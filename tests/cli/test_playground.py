"""``relulab playground``: address checks (exit 2, one line) and the start-up message."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from relulab.cli import app

runner = CliRunner()


@pytest.mark.parametrize("args, fragment", [
    (["--port", "70000"], "port"),
    (["--port", "-1"], "port"),
    (["--host", "no-such-host.invalid"], "not an address this machine can listen on"),
    (["--host", ""], "--host"),
    (["--max-layers", "-1"], "max_layers"),
    (["--max-neurons", "0"], "max_neurons"),
    (["--max-sessions", "0"], "max_sessions"),
    (["--max-points", "2"], "max_points"),
])
def test_bad_address_exits_2_with_one_line(args, fragment):
    r = runner.invoke(app, ["playground", "--no-browser", *args])
    assert r.exit_code == 2, r.output
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and fragment in lines[0]


def test_busy_port_exits_2():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        r = runner.invoke(app, ["playground", "--no-browser", "--port", str(s.getsockname()[1])])
    assert r.exit_code == 2 and "cannot listen on 127.0.0.1" in r.output


def test_prints_the_address_and_serves(monkeypatch):
    served, opened = [], []
    monkeypatch.setattr("relulab.server.serve.serve", lambda settings, sock: served.append(sock.getsockname()))
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url))
    r = runner.invoke(app, ["playground", "--port", "0", "--no-browser"])
    assert r.exit_code == 0, r.output
    host, port = served[0][:2]
    assert host == "127.0.0.1" and f"http://127.0.0.1:{port}/" in r.output and not opened


def test_every_interface_prints_a_warning_and_allow_host_reaches_the_settings(monkeypatch):
    served = []
    monkeypatch.setattr("relulab.server.serve.serve", lambda settings, sock: served.append(settings))
    r = runner.invoke(app, ["playground", "--port", "0", "--no-browser", "--host", "0.0.0.0",
                            "--allow-host", "lab.example", "--allow-host", "10.0.0.5"])
    assert r.exit_code == 0, r.output
    assert "anyone who can reach this machine can train networks on it" in r.output and "--allow-host" in r.output
    assert {"lab.example", "10.0.0.5", "localhost"} <= served[0].allowed_hosts()
    assert "0.0.0.0" not in served[0].allowed_hosts()
    r = runner.invoke(app, ["playground", "--port", "0", "--no-browser"])
    assert "warning" not in r.output


def test_open_starts_the_page_at_the_links_setting(monkeypatch):
    served, opened = [], []
    monkeypatch.setattr("relulab.server.serve.serve", lambda settings, sock: served.append(sock.getsockname()))
    monkeypatch.setattr("threading.Timer", lambda delay, fn, args: type("T", (), {"start": lambda self: fn(*args)})())
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url))
    link = "http://127.0.0.1:8000/#activation=relu&learningRate=3&networkShape=8,8&dataset=circle"
    r = runner.invoke(app, ["playground", "--port", "0", "--open", link])
    assert r.exit_code == 0, r.output
    port = served[0][1]
    assert opened == [f"http://127.0.0.1:{port}/#activation=relu&learningRate=3&networkShape=8,8&dataset=circle"]
    r = runner.invoke(app, ["playground", "--port", "0", "--no-browser", "--open", "#activation=tanh"])
    assert r.exit_code == 0 and f"http://127.0.0.1:{served[1][1]}/#activation=tanh" in r.output


@pytest.mark.parametrize(("link", "fragment"), [
    ("http://127.0.0.1:8000/#learningRate=fast", "learningRate"),
    ("#activation=nope", "activation"),
    ("http://127.0.0.1:8000/", "not a playground link"),
])
def test_open_refuses_a_bad_link_with_one_line(monkeypatch, link, fragment):
    monkeypatch.setattr("relulab.server.serve.serve", lambda settings, sock: pytest.fail("served a bad link"))
    r = runner.invoke(app, ["playground", "--port", "0", "--no-browser", "--open", link])
    assert r.exit_code == 2, r.output
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and fragment in lines[0]


def test_lesson_and_lang_open_the_page_at_the_lesson(monkeypatch, tmp_path):
    served = []
    monkeypatch.setattr("relulab.server.serve.serve", lambda settings, sock: served.append(settings))
    r = runner.invoke(app, ["playground", "--port", "0", "--no-browser", "--lesson", "c3", "--lang", "zh"])
    assert r.exit_code == 0, r.output
    assert "#lesson=C3&lang=zh" in r.output
    own = tmp_path / "my-lesson.yaml"
    own.write_text("id: mine\ntitle: Mine\nsteps:\n  - text: Hi.\n    preset: dataset=xor&seed=1\n")
    r = runner.invoke(app, ["playground", "--port", "0", "--no-browser", "--lesson", str(own)])
    assert r.exit_code == 0, r.output
    assert "#lesson=mine" in r.output and served[-1].lesson_files == (str(own),)


@pytest.mark.parametrize("args, fragment", [
    (["--lesson", "C99"], "--lesson 'C99': no such lesson"),
    (["--lesson", "missing.yaml"], "lesson file 'missing.yaml' does not exist"),
    (["--lang", "fr"], "unknown language 'fr'"),
])
def test_bad_lesson_or_language_exits_2(args, fragment):
    r = runner.invoke(app, ["playground", "--no-browser", "--port", "0", *args])
    assert r.exit_code == 2 and fragment in r.output, r.output


def test_a_bad_lesson_file_exits_2_naming_the_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\nsteps:\n  - text: Hi.\n    preset: dataset=xor&networkShape=99\n")
    r = runner.invoke(app, ["playground", "--no-browser", "--port", "0", "--max-neurons", "8", "--lesson", str(bad)])
    assert r.exit_code == 2 and "step 1: preset: hidden: at most 8 neurons per layer" in r.output, r.output
