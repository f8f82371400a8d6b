"""Lessons as data: the built-in ones are valid and cover the claims; a teacher's file is validated like
a link, and every bad input is one line naming the file and what is wrong."""

from __future__ import annotations

import textwrap

import pytest

from relulab.i18n import missing
from relulab.lessons import ACTIONS, LESSONS, get_lesson, lesson_json, load_lesson
from relulab.lessons.model import check_action

GOOD = textwrap.dedent("""
    id: my-xor
    title: XOR in two steps
    claims: [C13]
    steps:
      - text: A perceptron on XOR.
        preset: dataset=xor&perceptron=true&seed=1
        do: Press play.
        actions: [play]
        check: epoch >= 20
      - text: Now a hidden layer.
        preset: dataset=xor&activation=relu&networkShape=4,4&seed=1
        check: test_acc >= 0.9
""")


def test_every_claim_with_a_live_view_has_a_lesson():
    assert {"C1", "C2", "C3", "C4", "C6", "C8", "C9", "C12", "C13", "C14"} <= set(LESSONS.names())
    assert get_lesson("C4").claims == ("C4", "C5")  # the 1-D lab teaches both
    for name in LESSONS.names():
        lesson = get_lesson(name)
        assert lesson.claims and all(s.text for s in lesson.steps)
        assert any(s.check for s in lesson.steps), name


def test_every_lesson_text_is_in_the_chinese_catalogue():
    texts = [t for n in LESSONS.names() for t in get_lesson(n).texts()]
    assert missing(texts, "zh") == []


def test_lesson_json_is_translated_and_ends_with_the_measured_verdict():
    page = lesson_json(get_lesson("C3"), "zh")
    assert page["title"] == "圆形数据上的 linear、tanh 与 ReLU"
    last = page["steps"][-1]
    assert "verdict" in last and last["verdict"][0]["id"] == "C3"
    assert len(page["steps"]) == len(get_lesson("C3").steps) + 1
    assert page["steps"][0]["metrics"] == {"epoch": "已训练轮数", "test_acc": "测试准确率"}


def test_a_teachers_file_loads(tmp_path):
    f = tmp_path / "my-lesson.yaml"
    f.write_text(GOOD)
    lesson = load_lesson(f)
    assert lesson.id == "my-xor" and lesson.steps[0].check == "epoch >= 20" and lesson.steps[0].actions == ("play",)


@pytest.mark.parametrize("change, fragment", [
    (("id: my-xor", "id: my xor"), "id: String should match pattern"),
    (("title: XOR in two steps\n", "title: XOR\ncolour: red\n"), "colour: Extra inputs are not permitted"),
    (("check: epoch >= 20", "check: epochs >= 20"), "unknown metric 'epochs'"),
    (("actions: [play]", "actions: [dance]"), "unknown action 'dance'"),
    (("actions: [play]", "actions: [activation]"), "write 'activation <an activation name>'"),
    (("preset: dataset=xor&perceptron=true&seed=1", "preset: dataset=xor&learningRate=fast"),
     "learningRate='fast' must be a number"),
    (("preset: dataset=xor&perceptron=true&seed=1", "preset: activation=swishy&seed=1"), "unknown activation"),
    (("preset: dataset=xor&perceptron=true&seed=1", "preset: dataset=xor&speed=0"), "speed='0' must be a whole"),
    (("preset: dataset=xor&perceptron=true&seed=1\n", "panels: [heatmap]\n"), "unknown panels ['heatmap']"),
])
def test_a_bad_teachers_file_is_one_line_naming_the_file(tmp_path, change, fragment):
    f = tmp_path / "bad.yaml"
    f.write_text(GOOD.replace(*change, 1))
    with pytest.raises(ValueError) as e:
        load_lesson(f)
    assert fragment in str(e.value) and "bad.yaml" in str(e.value) and "\n" not in str(e.value), str(e.value)


def test_the_first_step_must_open_something(tmp_path):
    f = tmp_path / "nopreset.yaml"
    f.write_text(GOOD.replace("    preset: dataset=xor&perceptron=true&seed=1\n", "", 1))
    with pytest.raises(ValueError, match="the first step needs a preset"):
        load_lesson(f)


@pytest.mark.parametrize("content, fragment", [
    (None, "does not exist"),
    ("id: [unclosed", "is not readable YAML"),
    ("- a\n- b\n", "a lesson is a mapping"),
    ("x" * 200_001, "allowed: at most 200000"),
])
def test_unreadable_lesson_files(tmp_path, content, fragment):
    f = tmp_path / "l.yaml"
    if content is not None:
        f.write_text(content)
    with pytest.raises(ValueError, match=None) as e:
        load_lesson(f)
    assert fragment in str(e.value)


def test_a_link_checker_refuses_what_the_server_refuses(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_text(GOOD)

    def server(url: str) -> None:
        if "4,4" in url:
            raise ValueError("hidden: at most 2 neurons per layer on this server")

    with pytest.raises(ValueError, match="step 2: preset: hidden: at most 2 neurons"):
        load_lesson(f, check_link=server)


def test_actions_are_names_from_one_list():
    assert check_action("activation  relu") == "activation relu"
    for name, arg in ACTIONS.items():
        assert check_action(f"{name} x" if arg else name)


def test_every_lesson_renders_as_a_docs_page_in_both_languages():
    from relulab.i18n import KEEP
    from relulab.lessons import lesson_markdown

    for name in LESSONS.names():
        lesson = get_lesson(name)
        en, zh = lesson_markdown(lesson), lesson_markdown(lesson, "zh")
        assert en.startswith(f"# {name}: {lesson.title}") and en.count("## Step ") == len(lesson.steps)
        assert zh.count("## 第 ") == len(lesson.steps) and f"#lesson={name}&step=1&lang=zh" in zh
        for cid in lesson.claims:
            assert f"## Measured verdict: {cid}" in en and f"relulab claim {cid}" in en
        import re
        prose = re.sub(r"`[^`]*`|\(http[^)]*\)", "", zh)  # commands and links aside
        words = {w for w in re.findall(r"[A-Za-z_]{2,}", prose) if w not in KEEP}
        # allowed: init names, the bound's author, data set names, a net kind
        assert words <= {"leaky_relu", "Leaky", "Rosenblatt", "C", "UTC", "x86_64", "machine", "threads",
                         "torch", "python", "cpu", "lr", "cx", "e", "g", "max", "PReLU", "ELU", "xavier", "he", "MLP",
                         "Novikoff", "digits", "circle", "CNN"} | set(KEEP), words
