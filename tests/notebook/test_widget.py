"""``Playground`` without a notebook (its comm goes nowhere; what it sends is captured): the sources it
opens, the live run from Python and from page messages, validation, the kernel's session limit, the
exports (the same run.json as the server's page for the same steps), uploads, and the traits a saved
notebook keeps."""

from __future__ import annotations

import json
import time

import pytest

pytest.importorskip("anywidget")

from fastapi.testclient import TestClient  # noqa: E402

from relulab.config import RunConfig  # noqa: E402
from relulab.notebook import Playground, sessions  # noqa: E402
from relulab.server import ServerSettings, create_app  # noqa: E402
from relulab.server.wire import decode  # noqa: E402
from relulab.training.portable import load_run_json  # noqa: E402


class Captured(Playground):
    def send(self, content, buffers=None):  # what would go to the page
        self.__dict__.setdefault("sent", []).append((content, buffers))

    def states(self):
        return [c for c, _ in self.__dict__.get("sent", []) if c["type"] == "state"]


@pytest.fixture
def pg():
    w = Captured(dataset="xor", hidden=(3,), lr=0.03)
    yield w
    w.close()


def until(predicate, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_python_changes_reach_the_page_at_once(pg):
    pg.set(lr=0.1)
    until(lambda: pg.states() and pg.states()[-1]["config"]["lr"] == 0.1)
    assert pg.config.lr == 0.1 and pg._state["config"]["lr"] == 0.1  # kept for a saved notebook
    assert pg.step(7) == 7 and pg.run.history.epoch[-1] == 7
    until(lambda: decode(pg._frame)[0]["epoch"] == 7)


def test_bad_values_are_one_line_errors_and_change_nothing(pg):
    for bad, match in [({"lr": -1}, "lr: Input should be greater than 0"), ({"hidden": (99,)}, "neurons"),
                       ({"activation": "nope"}, "activation"), ({"colour": 1}, "colour")]:
        with pytest.raises(ValueError, match=match) as e:
            pg.set(**bad)
        assert "\n" not in str(e.value)
    assert pg.config.lr == 0.03 and pg.config.hidden == (3,)
    with pytest.raises(ValueError, match="whole number"):
        pg.step(0)


def test_it_trains_in_the_background_while_python_runs(pg):
    pg.play()
    until(lambda: pg.epoch >= 20)  # this thread only waits: the widget's thread trains
    pg.pause()
    stopped = pg.epoch
    time.sleep(0.2)
    assert pg.epoch == stopped and not pg.playing


def test_page_messages_are_seen_in_python_and_bad_ones_answered(pg):
    pg._driver.receive({"type": "config", "config": {"activation": "tanh"}, "seq": 1}, [])
    assert pg.config.activation == "tanh"  # applied before Python reads
    pg._driver.receive({"type": "config", "config": {"lr": "x"}, "seq": 2}, [])
    pg._driver.receive({"type": "nope", "seq": 3}, [])
    until(lambda: sum(c["type"] == "error" for c, _ in pg.sent) >= 2)
    errors = [c["message"] for c, _ in pg.sent if c["type"] == "error"]
    assert any(m.startswith("lr:") for m in errors) and any("unknown message type 'nope'" in m for m in errors)


def test_sources(tmp_path):
    link = "https://playground.tensorflow.org/#activation=tanh&learningRate=0.3&dataset=xor&networkShape=2,2&seed=0.5"
    w = Captured(link)
    try:
        assert (w.config.activation, w.config.lr, w.config.hidden) == ("tanh", 0.3, (2, 2))
        w.step(3)
        path = tmp_path / "run.json"
        path.write_bytes(w.export())
    finally:
        w.close()
    for source in (path, str(path), load_run_json(path)):
        again = Captured(source, lr=0.1)
        try:
            assert again.epoch == 3 and again.config.activation == "tanh" and again.config.lr == 0.1
        finally:
            again.close()
    for bad, fields, match in [(str(tmp_path / "none.json"), {}, "no run.json at"), (3, {}, "cannot open a int"),
                               ("#activation=nope", {}, "activation"), (RunConfig(), {"lr": -1}, "lr: ")]:
        with pytest.raises(ValueError, match=match):
            Captured(bad, **fields)
    assert not sessions.manager().sessions  # a widget that failed to open holds no session


def test_export_is_the_pages_export_for_the_same_steps(pg):
    pg.step(4)
    ours = json.loads(pg.export())
    settings = ServerSettings(allow_hosts=("testserver",))
    with TestClient(create_app(settings)) as c, c.websocket_connect("/ws") as ws:
        state = json.loads(ws.receive_text())
        ws.send_text(json.dumps({"type": "url", "url": pg._state["hash"], "seq": 1}))
        for i in range(4):
            ws.send_text(json.dumps({"type": "control", "action": "step", "seq": 2 + i}))
        while True:
            m = ws.receive()
            if m.get("bytes") and decode(m["bytes"])[0]["epoch"] == 4:
                break
        theirs = c.get(f"/api/session/{state['session']}/export/run.json").json()
    assert ours["config"] == theirs["config"] and ours["history"] == theirs["history"]
    assert ours["state_dict"] == theirs["state_dict"]


def test_uploads_and_exports_over_the_channel(pg):
    pg._driver.receive({"type": "upload", "id": "u1"}, [b"0.5,0.5,1\n-0.5,-0.5,-1\n0.4,0.6,1\n-0.6,-0.4,-1\n"])
    pg._driver.receive({"type": "upload", "id": "u2"}, [b"x" * (pg._session.settings.max_upload_bytes + 1)])
    pg._driver.receive({"type": "import", "id": "u3"}, [b"{}"])
    pg._driver.receive({"type": "export", "id": "e1", "name": "data.csv"}, [])
    pg._driver.receive({"type": "export", "id": "e2", "name": "evil.sh"}, [])
    replies = {c["id"]: (c, b) for c, b in pg.sent if c["type"] == "reply"}
    assert replies["u1"][0]["ok"] and replies["u1"][0]["body"]["points"] == 4
    assert not replies["u2"][0]["ok"] and "upload too large" in replies["u2"][0]["body"]["detail"]
    assert replies["u3"][0]["status"] == 422 and "not a relulab run" in replies["u3"][0]["body"]["detail"]
    assert replies["e1"][1][0].decode().count("\n") >= 4 and replies["e1"][0]["body"]["mime"] == "text/csv"
    assert "unknown export 'evil.sh'" in replies["e2"][0]["body"]["detail"]


def test_widgets_of_a_kernel_share_its_session_limit():
    old = sessions._manager
    sessions.use(ServerSettings(max_sessions=2))
    try:
        a, b = Captured(), Captured()
        with pytest.raises(ValueError, match="2 sessions are open, the limit is 2"):
            Captured()
        a.close()
        c = Captured()  # a closed widget no longer counts
        with pytest.raises(ValueError, match="closed"):
            a.set(lr=0.1)
        b.close()
        c.close()
    finally:
        sessions._manager = old


def test_a_lesson_opens_on_its_first_step():
    from relulab.lessons import LESSONS

    first = LESSONS.get(LESSONS.names()[0])
    w = Captured(lesson=first.id)
    try:
        assert w.lesson == (first.id, 1) and not w.playing
        expected = Captured(first.steps[0].preset)  # the step's preset, opened as a link
        try:
            assert w.config == expected.config
        finally:
            expected.close()
        until(lambda: w.states() and w.states()[-1]["view"]["lesson"] == first.id)
        assert w._state["view"]["step"] == 1  # kept for a saved notebook too
    finally:
        w.close()
    on_top = Captured(lesson=first.id, lr=0.1)
    try:
        assert on_top.config.lr == 0.1 and on_top.lesson == (first.id, 1)
    finally:
        on_top.close()
    for bad, match in [({"lesson": "nope"}, r"no lesson 'nope'; allowed: \["), ({"lesson": 3}, "lesson must be"),
                       ({"source": "#dataset=xor", "lesson": first.id}, "not both")]:
        with pytest.raises(ValueError, match=match):
            Captured(**bad)
    assert not sessions.manager().sessions
