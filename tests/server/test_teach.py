"""A session in a lesson: links with lesson/step/lang, the step's preset, the live check turning true on the
learner's run, the view in the state and the hash, and the HTTP routes of lessons, catalogue and claims."""

from __future__ import annotations

import json

import pytest

from relulab.server.settings import ServerSettings
from relulab.server.teach import server_lessons
from relulab.server.wire import decode


def send(s, **msg):
    s.handle_text(json.dumps(msg))
    return [m for m in s.drain() if m["type"] == "error"]


def lesson_of(s):
    s._due.add("analysis")
    return decode(s.frame())[0]["lesson"]


def keys(s):
    return dict(p.split("=", 1) for p in s.state()["hash"].split("&"))


def test_a_lesson_link_opens_the_steps_preset_and_the_check_turns_true(session):
    assert send(session, type="url", url="#lesson=C1") == []
    assert session.lab.cfg.activation == "identity" and session.lab.cfg.hidden == (4, 4, 4)
    first = lesson_of(session)
    assert first == {"id": "C1", "step": 1, "done": True, "at": 0, "seen": {"linear": True}}
    assert send(session, type="lesson", id="C1", step=2) == []
    assert lesson_of(session)["done"] is False  # epoch >= 100 and test_acc <= 0.7: not yet
    send(session, type="control", action="play")
    while session.lab.trainer.epoch < 100:
        session.advance(5)
    now = lesson_of(session)
    assert now["done"] is True and now["at"] >= 100 and now["seen"]["test_acc"] <= 0.7
    assert keys(session)["lesson"] == "C1" and keys(session)["step"] == "2"
    assert send(session, type="lesson", id="C1", step=3) == []  # no preset: the learner's run goes on
    assert session.lab.trainer.epoch >= 100 and lesson_of(session)["done"] is False
    send(session, type="config", config={"activation": "tanh"})
    assert lesson_of(session)["done"] is True


def test_a_reload_keeps_the_step_and_the_links_own_setting(session):
    send(session, type="url", url="#lesson=C3&step=2")
    assert session.lab.cfg.activation == "tanh"  # step 2's preset
    send(session, type="config", config={"lr": 0.1})
    link = session.state()["hash"]
    session.place.go(None, 1)
    send(session, type="url", url="#" + link)  # the page reloads with its own hash
    assert session.lab.cfg.lr == 0.1 and session.view()["lesson"] == "C3" and session.view()["step"] == 2


def test_a_step_keeps_the_classroom_links_hidden_controls_and_the_language(session):
    send(session, type="url", url="#lesson=C13&dataset_hide=true&hideText=true&lang=zh")
    assert session.lab.perceptron and session.view()["hidden"] == ["dataset"] and session.view()["hideText"]
    send(session, type="lesson", id="C13", step=2)
    v = session.view()
    assert not session.lab.perceptron and v["hidden"] == ["dataset"] and v["hideText"] and v["lang"] == "zh"
    k = keys(session)
    assert k["dataset_hide"] == "true" and k["lang"] == "zh" and k["step"] == "2"


@pytest.mark.parametrize("msg, fragment", [
    ({"type": "url", "url": "#lesson=C99"}, "link key lesson='C99': no such lesson"),
    ({"type": "url", "url": "#lesson=C3&step=9"}, "link key step='9'; allowed: 1..4"),
    ({"type": "url", "url": "#lesson=C3&step=two"}, "link key step='two'"),
    ({"type": "url", "url": "#lang=fr"}, "unknown language 'fr'"),
    ({"type": "lesson", "id": "nope", "step": 1}, "no lesson 'nope'"),
    ({"type": "lesson", "id": "C3", "step": 5}, "has steps 1..4, got step 5"),
    ({"type": "lesson", "id": "C3", "step": 0}, "step: Input should be greater than or equal to 1"),
    ({"type": "ui", "lang": "xx"}, "unknown language 'xx'"),
])
def test_bad_lesson_input_is_an_error_and_nothing_changes(session, msg, fragment):
    before = session.lab.cfg
    errs = send(session, **msg)
    assert errs and fragment in errs[0]["message"], errs
    assert session.lab.cfg == before and session.view()["lesson"] is None


def test_only_a_language_opens_the_default_setting(session):
    assert send(session, type="url", url="#lang=zh") == []
    assert session.view()["lang"] == "zh" and keys(session)["lang"] == "zh"
    send(session, type="ui", lang="en")
    assert "lang" not in keys(session)


def test_a_teachers_lesson_file_is_served_beside_the_built_in_ones(tmp_path):
    from relulab.server.session import Session

    f = tmp_path / "mine.yaml"
    f.write_text("id: mine\ntitle: Mine\nsteps:\n  - text: Hello.\n    preset: dataset=xor&seed=1\n"
                 "    check: epoch >= 1\n")
    settings = ServerSettings(port=0, lesson_files=(str(f),))
    assert "mine" in server_lessons(settings) and "C3" in server_lessons(settings)
    s = Session("t", settings)
    assert send(s, type="url", url="#lesson=mine") == [] and s.lab.cfg.dataset == "xor"
    big = tmp_path / "big.yaml"
    big.write_text(f.read_text().replace("dataset=xor", "dataset=xor&networkShape=8,8,8"))
    with pytest.raises(ValueError, match="step 1: preset: hidden: at most 2 neurons per layer"):
        server_lessons(ServerSettings(port=0, max_neurons=2, lesson_files=(str(big),)))


def test_lessons_and_catalogue_routes(client):
    r = client.get("/api/lessons?lang=zh").json()
    c3 = next(les for les in r["lessons"] if les["id"] == "C3")
    assert c3["title"] == "圆形数据上的 linear、tanh 与 ReLU" and "verdict" in c3["steps"][-1]
    assert r["glossary"]["Zaslavsky"].startswith("Zaslavsky 界")
    assert client.get("/api/lessons?lang=fr").status_code == 422
    cat = client.get("/api/catalogue?lang=zh").json()
    assert cat["strings"]["Learning rate"] == "学习率" and cat["languages"]["zh"] == "简体中文"
    assert client.get("/api/catalogue?lang=xx").status_code == 422
    assert client.post("/api/claim/C99").status_code == 422
    assert client.post("/api/claim/C1", headers={"origin": "http://evil.example"}).status_code == 403


def test_the_quick_claim_route_runs_the_claim(client):
    r = client.post("/api/claim/c1")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == "C1" and body["verdict"] == "holds" and body["command"] == "relulab claim C1 --quick"
