"""``Session``: bad input becomes an error message and changes nothing; links round-trip the state."""

from __future__ import annotations

import json

import pytest

from relulab.config import RunConfig
from relulab.server import ServerSettings
from relulab.server.session import Session, SessionManager


def errors(s: Session) -> list[str]:
    return [m["message"] for m in s.drain() if m["type"] == "error"]


@pytest.mark.parametrize("msg, fragment", [
    ({"type": "config", "config": {"activation": "swish9"}}, "unknown activation 'swish9'"),
    ({"type": "config", "config": {"hidden": [4] * 1000}}, "at most 64 layers"),
    ({"type": "config", "config": {"hidden": [4] * 7}}, "at most 6 hidden layers"),
    ({"type": "config", "config": {"hidden": [100]}}, "at most 8 neurons"),
    ({"type": "config", "config": {"lr": -0.1}}, "lr: Input should be greater than 0"),
    ({"type": "config", "config": {"no_such_field": 1}}, "no_such_field"),
    ({"type": "config", "config": {"dataset": "spiral3"}}, "use 'cross_entropy'"),
    ({"type": "ui", "speed": 10_000}, "at most 50 epochs per frame"),
    ({"type": "edit", "layer": 9, "kind": "bias", "row": 0, "value": 1}, "layer 9 does not exist"),
    ({"type": "point", "x": [1.0], "label": 1}, "2-D points"),
    ({"type": "url", "url": "nothing here"}, "not a playground link"),
    ({"type": "url", "url": "#activation=bogus"}, "unknown activation 'bogus'"),
    ({"type": "url", "url": "#networkShape=8,8,8,8,8,8,8"}, "at most 6 hidden layers"),
])
def test_bad_input_is_an_error_and_changes_nothing(session, msg, fragment):
    session.drain()
    before = session.lab.cfg
    session.handle_text(json.dumps({**msg, "seq": 5}))
    out = session.drain()
    errs = [m for m in out if m["type"] == "error"]
    assert len(errs) == 1 and fragment in errs[0]["message"] and errs[0]["seq"] == 5
    assert len(errs[0]["message"]) <= 400 and "\n" not in errs[0]["message"]
    assert any(m["type"] == "state" for m in out)  # the page resets its controls to the server's
    assert session.lab.cfg == before and session.ack == 5
    session.handle_text('{"type": "config", "config": {"lr": 0.3}, "seq": 6}')  # still working
    assert session.lab.cfg.lr == 0.3 and not errors(session)


@pytest.mark.parametrize("text", ["{oops", "[]", '{"type": "teleport"}', "x" * 70_000])
def test_malformed_messages(session, text):
    session.drain()
    session.handle_text(text)
    assert len(errors(session)) == 1
    session.control("step")
    assert session.lab.trainer.epoch == 1


def test_link_round_trips_the_state(settings):
    a = Session("a", settings)
    for m in [{"type": "config", "config": {"dataset": "xor", "activation": ["relu", "tanh"], "hidden": [5, 3],
                                            "lr": 0.1, "noise": 0.2, "features": ["x1", "x2", "x1x2"],
                                            "weight_seed": 7, "optimizer": "adam", "data_seed": "42"}},
              {"type": "ui", "regions": True, "show_test_data": True, "discretize": True, "speed": 5}]:
        a.handle_text(json.dumps(m))
    assert not errors(a)
    link = a.state()["hash"]
    b = Session("b", settings)
    b.handle_text(json.dumps({"type": "url", "url": "http://127.0.0.1:8000/#" + link}))
    assert not errors(b)
    assert b.lab.cfg == a.lab.cfg and b.display == a.display
    assert b.state()["hash"] == link


def test_tensorflow_playground_link_opens_with_notes(session):
    session.drain()
    session.handle_text(json.dumps({"type": "url", "url": "https://playground.tensorflow.org/#activation=relu"
                                    "&networkShape=3,2&noise=80&seed=0.123&dataset=spiral&showTestData=true"}))
    out = session.drain()
    notes = [n for m in out if m["type"] == "notes" for n in m["notes"]]
    assert any("clamped to 50" in n for n in notes)
    cfg = session.lab.cfg
    got = (cfg.activation, cfg.hidden, cfg.noise, cfg.data_seed, cfg.dataset)
    assert got == ("relu", (3, 2), 0.5, "0.123", "spiral")
    assert session.display.show_test_data


def test_play_pause_step_and_divergence(settings):
    s = Session("s", settings, RunConfig(activation="relu", lr=10.0, hidden=(8, 8), dataset="reg-gauss"))
    s.control("play")
    for _ in range(50):
        s.advance()
        if not s.playing:
            break
    msgs = errors(s)
    assert not s.playing and msgs and "diverged" in msgs[0]
    s.handle_text('{"type": "control", "action": "reset"}')
    s.handle_text('{"type": "config", "config": {"lr": 0.01}}')
    s.control("step")
    assert s.lab.trainer.epoch == 1 and not errors(s)


def test_manager_limits_and_idle_reaping():
    m = SessionManager(ServerSettings(max_sessions=2, idle_timeout_s=60))
    a, b = m.open(), m.open()
    with pytest.raises(ValueError, match="busy: 2 sessions"):
        m.open()
    a.last_seen -= 120
    assert m.reap() == [a] and a.closed and "60 s" in a.closed and list(m.sessions) == [b.id]
    with pytest.raises(KeyError, match="reload the page"):
        m.get(a.id)
    m.close(b)
    assert not m.sessions and m.open()


def test_link_in_perceptron_mode_and_back(settings):
    s = Session("p", settings)
    s.handle_text('{"type": "ui", "perceptron": true}')
    link = s.state()["hash"]
    assert "perceptron=true" in link and s.lab.trainer.model.linears[0].out_features == 1
    s.handle_text(json.dumps({"type": "url", "url": link.replace("&perceptron=true", "")}))
    assert not s.lab.perceptron and s.lab.trainer.model.linears[0].out_features == 4  # the 4-2 net again
    s.handle_text(json.dumps({"type": "url", "url": link}))
    assert s.lab.perceptron and len(s.lab.trainer.model.linears) == 1 and not errors(s)
    s.handle_text(json.dumps({"type": "url", "url": "#dataset=reg-plane&problem=regression&perceptron=true"}))
    assert "two-class" in errors(s)[0] and s.lab.perceptron  # refused: nothing changed


def test_a_links_unused_dataset_comes_back_in_the_pages_link(session):
    # real link #6 of issue 10: a classification link with regDataset=reg-gauss
    session.handle_text(json.dumps({"type": "url", "url": "#dataset=gauss&regDataset=reg-gauss&seed=0.1"}))
    assert not errors(session)
    keys = dict(p.split("=", 1) for p in session.state()["hash"].split("&"))
    assert keys["dataset"] == "gauss" and keys["regDataset"] == "reg-gauss"


def test_switching_the_problem_type_keeps_the_other_data_set(session):
    session.handle_text(json.dumps({"type": "url", "url": "#dataset=xor&regDataset=reg-gauss&seed=0.1"}))
    session.handle_text(json.dumps({"type": "config", "config": {"dataset": "reg-plane", "loss": "mse"}}))
    keys = dict(p.split("=", 1) for p in session.state()["hash"].split("&"))
    assert not errors(session) and keys["dataset"] == "xor" and keys["regDataset"] == "reg-plane"
    session.handle_text(json.dumps({"type": "config", "config": {"dataset": "spiral"}}))
    keys = dict(p.split("=", 1) for p in session.state()["hash"].split("&"))
    assert keys["dataset"] == "spiral" and keys["regDataset"] == "reg-plane" and keys["problem"] == "classification"


def test_a_classroom_links_hidden_controls_come_back_in_the_pages_link(session):
    url = ("#activation=relu&dataset=xor&networkShape=4&problem_hide=true&regularization_hide=true"
           "&dataset_hide=true&hideText=true&seed=1")
    session.handle_text(json.dumps({"type": "url", "url": url}))
    out = session.drain()
    assert not errors(session) and not [m for m in out if m["type"] == "notes" and "ignored" in str(m)]
    keys = dict(p.split("=", 1) for p in session.state()["hash"].split("&"))
    assert {k for k, v in keys.items() if k.endswith("_hide") and v == "true"} == {
        "problem_hide", "regularization_hide", "dataset_hide"}
    assert keys["hideText"] == "true"


def test_nested_brackets_are_an_error_and_the_session_lives_on(session):
    session.drain()
    session.handle_text("[" * 30000 + "]" * 30000)
    assert "nested too deeply" in errors(session)[0]
    session.handle_text('{"type": "config", "config": {"lr": 0.3}}')
    assert session.lab.cfg.lr == 0.3 and not errors(session)


def test_divergence_is_reported_with_the_frame_that_stops(settings):
    s = Session("d", settings)
    s.handle_text(json.dumps({"type": "url", "url": "#activation=sigmoid&learningRate=10&regularization=L2"
                                                    "&regularizationRate=3"}))
    s.drain()
    s.control("play")
    for _ in range(100):
        msgs, frame = s.work(train=True)  # what the pump sends after one frame's training, no input needed
        if not s.playing:
            break
    from relulab.server.wire import decode

    assert [m for m in msgs if m["type"] == "error" and "diverged" in m["message"]]
    assert frame is not None and decode(frame)[0]["playing"] is False


def test_message_flood_is_rate_limited_with_one_error(settings):
    s = Session("f", settings.model_copy(update={"max_messages_per_s": 10}))
    s.drain()
    for i in range(500):
        s.receive(json.dumps({"type": "control", "action": "regenerate", "seq": i}), now=s.limit.t)
    assert len(s.inbox) == 20  # a burst of twice the rate passes
    s.limit.last_warning = -1e9
    out, _ = s.work()
    flood = [m for m in out if m["type"] == "error" and "too many messages" in m["message"]]
    assert len(flood) == 1 and "480 were dropped" in flood[0]["message"]
    assert s.lab.cfg.data_seed == "20"


def test_identity_net_units_panel_says_the_units_are_linear(settings):
    s = Session("i", settings, RunConfig(activation="identity", hidden=(4, 3, 2)))
    d = s.analysis()["diagnostics"]
    assert d["units_total"] == 9 and "9 hidden units, all linear" in d["refused"]


def test_frames_carry_thumbnails_only_when_due(settings):
    from relulab.server.wire import decode

    s = Session("t", settings.model_copy(update={"thumbnail_interval_s": 10.0, "analysis_interval_s": 10.0}))
    s.control("play")
    first = decode(s.frame(now=1000.0))[0]
    s.advance()
    later = decode(s.frame(now=1000.1))[0]
    assert "thumbs" in first and "curve" in first and "regions" in first
    assert "thumbs" not in later and "curve" not in later and "regions" not in later and later["epoch"] == 1
    s.handle_text('{"type": "edit", "layer": 0, "kind": "bias", "row": 0, "value": 1.0}')  # a change: all again
    assert "thumbs" in decode(s.frame(now=1000.2))[0]


def test_a_flood_closes_the_session(settings):
    s = Session("f", settings.model_copy(update={"max_messages_per_s": 10}))
    for _ in range(120):
        s.receive('{"type": "control", "action": "reset"}', now=s.limit.t)
    assert s.closed is None  # 100 dropped: still within ten times the rate
    for _ in range(5):
        s.receive('{"type": "control", "action": "reset"}', now=s.limit.t)
    assert s.closed and "more than 100 messages" in s.closed


def test_the_state_s_points_follow_the_data_even_when_changed_in_place(session):
    """The points are rounded once per change of the data (a cache): a point added, a data set changed,
    and a tensor changed in place each show in the next state message."""
    def points(split="train"):
        return session.state()["data"][split]

    before = points()
    assert points() is before  # the cache: nothing changed, the same rounded lists
    session.lab.add_point((0.5, -0.25), 1.0)
    after = points()
    assert len(after["x"]) == len(before["x"]) + 1 and after["x"][-1] == [0.5, -0.25]
    data = session.lab.trainer.data
    data.x_test[0, 0] = 1.23456  # in place: the tensor is the same object, its version moved
    assert points("test")["x"][0][0] == 1.235
    session.handle_text(json.dumps({"type": "config", "config": {"dataset": "xor"}, "seq": 1}))
    xor = session.lab.trainer.data
    assert points()["x"] == [[round(v, 3) for v in row] for row in xor.x_train.tolist()]
