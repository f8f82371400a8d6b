"""Lessons, classroom links and languages in a real Chromium: a learner's clicks only (no call to the server).

Each built-in lesson is followed step by step as its ``actions`` say, and every live check must turn true on
the learner's own run; the page in Chinese must show no English (technical names aside).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from relulab.lessons import ACTIONS, LESSONS
from relulab.lessons.verdicts import SHIPPED
from relulab.playground_url import HIDABLE, HIDABLE_FEATURES, PAGE_FEATURES

pytestmark = pytest.mark.browser
FEATURE_NAMES = {**PAGE_FEATURES, "cosX": "cos_x1", "cosY": "cos_x2"}


@pytest.fixture
def page(chrome, server):
    ctx = chrome.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))

    def go(frag: str = "") -> None:
        pg.goto(server.url + frag)
        pg.wait_for_function("document.body.dataset.epoch !== undefined && window.relulab.state", timeout=30_000)

    pg.open = go
    yield pg
    ctx.close()
    assert not errors, errors


def hash_edit(pg, frag: str) -> None:
    """The learner edits the address bar's hash (a hashchange, no reload)."""
    seq = pg.evaluate("window.relulab.state.hash")
    pg.evaluate(f"location.hash = {frag!r}")
    pg.wait_for_function(f"window.relulab.state.hash !== {seq!r}", timeout=20_000)


# what each action of a lesson is, as the learner's click
def do(pg, action: str) -> None:
    name, _, arg = action.partition(" ")
    playing = pg.get_attribute("#btn-play", "aria-label") == "pause"
    if name in ("play", "pause"):
        if playing != (name == "play"):
            pg.click("#btn-play")
        pg.wait_for_function(f"document.getElementById('btn-play').getAttribute('aria-label') === "
                             f"{'pause' if name == 'play' else 'play'!r}", timeout=20_000)
    else:
        CLICKS[name](pg, arg)


CLICKS = {
    "step": lambda pg, _: pg.click("#btn-step"),
    "reset": lambda pg, _: pg.click("#btn-reset"),
    "add_layer": lambda pg, _: pg.click("#btn-addlayer"),
    "remove_layer": lambda pg, _: pg.click("#btn-rmlayer"),
    "show_regions": lambda pg, _: pg.check("#chk-regions"),
    "activation": lambda pg, a: pg.select_option("#sel-activation", a),
    "dataset": lambda pg, a: pg.click(f".ds[data-name='{a}']"),
    "perceptron": lambda pg, a: pg.set_checked("#chk-perceptron", a == "on"),
    "learning_rate": lambda pg, a: pg.select_option("#sel-lr", a),
    "speed": lambda pg, a: pg.select_option("#sel-speed", a),
    "add_neuron": lambda pg, a: pg.locator(".layer-head").nth(int(a) - 1).locator("button[data-d='1']").click(),
    "remove_neuron": lambda pg, a: pg.locator(".layer-head").nth(int(a) - 1).locator("button[data-d='-1']").click(),
}


def test_every_action_has_a_click():
    assert set(CLICKS) | {"play", "pause"} == set(ACTIONS)


@pytest.mark.parametrize("lesson_id", LESSONS.names())
def test_a_lesson_followed_by_clicking_turns_every_check_true(page, lesson_id):
    lesson = LESSONS.get(lesson_id)
    t0 = time.perf_counter()
    page.open(f"#lesson={lesson_id}")
    page.wait_for_selector("#lesson-panel:not([hidden])")
    for i, step in enumerate(lesson.steps, 1):
        if i > 1:
            page.click("#lesson-next")
        page.wait_for_function(f"window.relulab.state.view.step === {i} && (window.relulab.frame.lesson || {{}}).step"
                               f" === {i}", timeout=20_000)
        assert page.inner_text("#lesson-count").endswith(f"{i} of {len(lesson.steps) + 1}")
        for action in step.actions:
            do(page, action)
        if step.check:
            page.wait_for_selector("#lesson-check[data-done='true']", timeout=240_000)
            assert "Done at epoch" in page.inner_text("#lesson-check")
        do(page, "pause")
    page.click("#lesson-next")  # the measured verdict
    page.wait_for_selector("#lesson-verdict:not([hidden]) .verdict-card")
    text = page.inner_text("#lesson-verdict")
    shipped = {c["id"]: c["verdict"] for c in json.loads(SHIPPED.read_text(encoding="utf-8"))["claims"]}
    for cid in lesson.claims:  # the shipped full run's verdict, whichever of the four it is
        assert f"{cid}: {shipped[cid]}" in text
    assert page.get_attribute("#lesson-verdict a", "href").startswith("/report?lang=en#c")
    assert "lesson=" in page.evaluate("location.hash") and f"step={len(lesson.steps) + 1}" in page.evaluate(
        "location.hash")
    print(f"lesson {lesson_id}: {time.perf_counter() - t0:.1f} s")


def test_the_quick_claim_button_and_the_report_entry(page, server):
    page.open(f"#lesson=C1&step={len(LESSONS.get('C1').steps) + 1}")
    page.click(".run-claim")
    page.wait_for_selector(".quick-result b", timeout=120_000)
    assert page.inner_text(".quick-result b") == "holds"
    page.goto(server.url + "report?lang=zh#c1")
    assert "relulab：论断及其测量" in page.inner_text("h1") and page.locator("#c1").count() == 1


def test_a_reload_keeps_the_step(page):
    page.open("#lesson=C3")
    page.click("#lesson-next")
    page.wait_for_function("window.relulab.state.view.step === 2")
    page.reload()
    page.wait_for_function("window.relulab && window.relulab.state && window.relulab.state.view.step === 2",
                           timeout=30_000)
    assert page.inner_text("#lesson-count").startswith("step 2")


def hidden_set(pg) -> dict:
    return pg.evaluate("""() => {
        const names = new Set(), shown = new Set();
        document.querySelectorAll('[data-hide]').forEach((el) => (el.hidden ? names : shown).add(el.dataset.hide));
        const feats = [...document.querySelectorAll('.node.feature')].map((n) => n.dataset.feature);
        const texts = [...document.querySelectorAll('.text')];
        return {hidden: [...names].filter((n) => !shown.has(n)).sort(), partly: [...names].filter((n) => shown.has(n)),
                features: feats, textHidden: texts.every((e) => e.classList.contains('text-hidden'))};
    }""")


def test_classroom_keys_hide_exactly_the_named_controls(page):
    page.open("#seed=1")
    everything = hidden_set(page)
    assert everything["hidden"] == [] and len(everything["features"]) == 9 and not everything["textHidden"]
    for name in HIDABLE:
        hash_edit(page, f"#seed=1&activation=relu&{name}_hide=true")
        got = hidden_set(page)
        if name in HIDABLE_FEATURES:
            assert got["hidden"] == [] and FEATURE_NAMES[name] not in got["features"], name
            assert len(got["features"]) == 8, (name, got["features"])
        else:
            assert got["hidden"] == [name] and got["partly"] == [] and len(got["features"]) == 9, (name, got)
    hash_edit(page, "#seed=1&hideText=true&problem_hide=true&regularization_hide=true&dataset_hide=true")
    got = hidden_set(page)
    assert got["hidden"] == ["dataset", "problem", "regularization"] and got["textHidden"]
    assert "hideText=true" in page.evaluate("location.hash")


def test_a_shared_link_reproduces_the_step_the_state_and_the_hidden_set(page, chrome, server):
    page.open("#lesson=C3&dataset_hide=true&x_hide=true&lang=zh")
    page.click("#lesson-next")
    page.wait_for_function("window.relulab.state.view.step === 2")
    page.select_option("#sel-lr", "0.1")
    page.wait_for_function("window.relulab.state.config.lr === 0.1")
    page.click("#btn-share")
    link = page.input_value("#share-box")
    other = chrome.new_page(viewport={"width": 1000, "height": 900})
    other.goto(link)
    other.wait_for_function("window.relulab && window.relulab.state && window.relulab.state.view.lesson === 'C3'",
                            timeout=30_000)
    a, b = page.evaluate("window.relulab.state"), other.evaluate("window.relulab.state")
    assert b["view"] == a["view"] and b["view"]["step"] == 2 and b["view"]["lang"] == "zh"
    assert b["config"] == a["config"] and b["config"]["lr"] == 0.1
    assert hidden_set(other)["hidden"] == ["dataset"] and "x1" not in hidden_set(other)["features"]
    other.close()


@pytest.mark.parametrize("frag, ready", [
    ("", "s.network.hidden.join() === '4,2'"),
    ("#networkShape=8,8,8,8,8,8&seed=1", "s.network.hidden.join() === '8,8,8,8,8,8'"),
    ("#lesson=C3&lang=zh", "s.view.lesson === 'C3' && document.documentElement.lang === 'zh-Hans'"),
])
def test_a_phone_has_no_horizontal_scroll(chrome, server, frag, ready):
    pg = chrome.new_page(viewport={"width": 390, "height": 844})
    pg.goto(server.url + frag)
    pg.wait_for_function(f"(() => {{ const s = window.relulab && window.relulab.state; return s && ({ready}); }})()",
                         timeout=30_000)
    pg.wait_for_timeout(500)
    assert pg.locator(".node.hidden").count() == sum(map(int, pg.evaluate("window.relulab.state.network.hidden")))
    width = pg.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    nodes = pg.evaluate("Math.max(...[...document.querySelectorAll('.node')]"
                        ".map((n) => n.getBoundingClientRect().right))")
    boxes = pg.evaluate(BOXES)
    pg.close()
    assert width[0] <= width[1] == 390 and nodes <= 390, (width, nodes)
    # every layer's + and − can be pressed: no button overlaps another, a node, or the screen's edge
    buttons = [b for b in boxes if b["kind"] == "button"]
    assert len(buttons) == 2 * len(boxes_of(boxes, "head")), boxes
    for i, a in enumerate(buttons):
        assert a["left"] >= 0 and a["right"] <= 390 and a["width"] >= 20 and a["height"] >= 20, a
        hits = [b for b in buttons[i + 1:] + boxes_of(boxes, "node") if overlap(a, b)]
        assert not hits, (a, hits)
    for head in boxes_of(boxes, "head"):  # a layer's head (buttons, width, menu) stays above its nodes
        assert not [n for n in boxes_of(boxes, "node") if overlap(head, n)], head


BOXES = """[...document.querySelectorAll('.layer-head button, .node, .layer-head')].map((e) => {
  const r = e.getBoundingClientRect();
  return { kind: e.matches('button') ? 'button' : e.matches('.node') ? 'node' : 'head',
           text: e.textContent.slice(0, 12), left: r.left, right: r.right, top: r.top, bottom: r.bottom,
           width: r.width, height: r.height };
})"""


def boxes_of(boxes: list[dict], kind: str) -> list[dict]:
    return [b for b in boxes if b["kind"] == kind]


def overlap(a: dict, b: dict) -> bool:
    """Whether two boxes share more than a hairline (0.5 px)."""
    return min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5 and \
        min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5


def test_the_overlap_check_sees_overlapping_boxes():
    a = {"left": 0, "right": 24, "top": 0, "bottom": 24}
    assert overlap(a, {"left": 20, "right": 44, "top": 10, "bottom": 34})
    assert not overlap(a, {"left": 24, "right": 48, "top": 0, "bottom": 24})  # touching edges
    assert not overlap(a, {"left": 0, "right": 24, "top": 26, "bottom": 50})


def test_a_hash_edit_applies(page):
    page.open("#seed=1")
    hash_edit(page, "#activation=relu&networkShape=3&seed=2&learningRate=0.1")
    s = page.evaluate("window.relulab.state.config")
    assert s["hidden"] == [3] and s["activation"] == "relu" and s["lr"] == 0.1 and s["data_seed"] == "2"


def test_hovering_a_link_shows_its_weight_and_an_empty_edit_is_refused(page):
    page.open("#seed=1&networkShape=2")
    link = page.locator("path[data-link='0:1:0']")
    link.hover()
    page.wait_for_selector("#weight-tip:not([hidden])")
    w = page.evaluate("window.relulab.frame.weights[0][1][0]")
    assert page.inner_text("#weight-tip").endswith(f"= {w:.4f}") and "x1" in page.inner_text("#weight-tip")
    link.click()
    page.fill("#editor input", "")
    page.press("#editor input", "Enter")
    page.wait_for_selector(".toast")
    assert "needs a number" in page.inner_text("#toasts") and page.is_visible("#editor")
    page.wait_for_timeout(300)
    assert page.evaluate("window.relulab.frame.weights[0][1][0]") == w  # not set to 0
    page.fill("#editor input", "0.5")
    page.press("#editor input", "Enter")
    page.wait_for_function("window.relulab.frame.weights[0][1][0] === 0.5")


def test_region_maps_of_a_smooth_net_are_disabled_with_the_reason(page):
    page.open("#activation=tanh&seed=1")
    page.wait_for_selector("a[data-export='regions.png'].disabled")
    assert "smooth" in page.get_attribute("a[data-export='regions.png']", "title")
    assert page.get_attribute("a[data-export='regions.png']", "href") is None
    hash_edit(page, "#activation=relu&seed=1")
    page.wait_for_selector("a[data-export='regions.png']:not(.disabled)")
    assert page.get_attribute("a[data-export='regions.png']", "href")


def test_every_panel_term_has_an_explanation_at_hand(page):
    page.open("#activation=relu&seed=1")
    for card in ("#card-regions", "#card-units", "#card-collapse"):
        page.click(f"{card} .gloss-btn")
        line = page.inner_text(f"{card} .gloss-line")
        assert line.count("\n") + 1 == len(page.get_attribute(f"{card} .gloss-btn", "data-terms").split(","))
    text = page.inner_text("#card-regions .gloss-line") + page.inner_text("#card-units .gloss-line")
    for term in ("dead unit", "sparsity", "Zaslavsky", "Montúfar", "Serra"):
        assert term in text


@pytest.mark.parametrize("lesson_id", LESSONS.names())
def test_in_chinese_no_english_is_left_on_the_page_or_in_a_lesson(page, lesson_id, english_left):
    page.open(f"#lesson={lesson_id}&lang=zh&regions=true")
    page.wait_for_function("document.documentElement.lang === 'zh-Hans' && window.relulab.lessons.lang === 'zh'")
    left = []
    for i in range(1, len(LESSONS.get(lesson_id).steps) + 2):
        if i > 1:
            page.click("#lesson-next")
            page.wait_for_function(f"window.relulab.state.view.step === {i}")
        page.wait_for_timeout(400)
        for card in page.locator(".gloss-btn").all():
            if card.is_visible() and not page.locator(".gloss-line").count():
                card.click()
        left += english_left(page)
    assert not left, sorted(set(left))


def test_the_language_switch_goes_both_ways(page):
    page.open("#seed=1")
    assert page.text_content("label[for='sel-lr']") == "Learning rate"
    page.select_option("#sel-lang", "zh")
    page.wait_for_function("document.querySelector(\"label[for='sel-lr']\").textContent === '学习率'")
    assert "lang=zh" in page.evaluate("location.hash")
    page.select_option("#sel-lang", "en")
    page.wait_for_function("document.querySelector(\"label[for='sel-lr']\").textContent === 'Learning rate'")
    assert "lang=" not in page.evaluate("location.hash")


def test_in_chinese_the_servers_messages_are_chinese_too(page):
    page.open("#seed=1&lang=zh")
    page.wait_for_function("document.documentElement.lang === 'zh-Hans'")
    page.evaluate("location.hash = '#networkShape=40&seed=1&lang=zh'")
    page.wait_for_selector(".toast:has-text('hidden')")  # the link's note may come first
    text = page.inner_text("#toasts")
    assert "本服务器每层最多 32 个神经元" in text and "at most" not in text, text


def test_in_chinese_a_refused_weight_edit_and_import_are_chinese_with_their_values(page, tmp_path):
    page.open("#seed=1&networkShape=2&lang=zh")
    page.wait_for_function("document.documentElement.lang === 'zh-Hans'")
    page.evaluate("document.getElementById('toasts').replaceChildren()")  # the link's note
    page.locator("path[data-link='0:1:0']").click()
    page.fill("#editor input", "12345678")  # a number, refused by the server (|w| <= 1e6)
    page.press("#editor input", "Enter")
    page.wait_for_selector(".toast:has-text('edit')")
    text = page.inner_text("#toasts")
    assert "必须是绝对值不超过 1e6 的有限数，收到的是 12345678.0" in text and "must" not in text, text
    page.evaluate("document.getElementById('toasts').replaceChildren()")
    bad = tmp_path / "run.json"  # a run whose points carry labels its two-class config cannot read
    bad.write_text('{"format": "relulab-run", "version": 1, "config": {"dataset": "xor"}, "state_dict": {}, '
                   '"data": {"problem": "classification", "x_train": [[0, 0], [1, 1]], "y_train": [1, 7], '
                   '"x_test": [[0, 1], [1, 0]], "y_test": [1, -1]}}')
    page.set_input_files("#file-run", str(bad))
    page.wait_for_selector(".toast")
    text = page.inner_text("#toasts")
    assert "导入: 运行文件的标签 7 不符合其两类配置（数据集 'xor'）；允许的是：-1, 1" in text, text


def test_the_pages_translation_is_pythons_on_the_same_sentences(page):
    """js/i18n.js runs relulab.i18n.translate's algorithm on the patterns the server compiled: the same
    sentences (every measured part statement of the shipped claims, filled templates, lists, refusals, and
    texts no template may swallow) come out the same on both sides."""
    import json

    from relulab.i18n import Refusal, translate
    from relulab.lessons.verdicts import SHIPPED

    claims = json.loads(Path(SHIPPED).read_text())["claims"]
    texts = [str(p["statement"]) for c in claims for p in c.get("parts", []) if p.get("statement")]
    texts += ["11 of 18 nets have a kink beyond ± one knot spacing", "3 of 8, 2 of 9", "test points.",
              "layer 3: 18 of 43 ever dead (42%), layer 5: 2 of 10 ever dead (20%)", "a sentence nobody translated.",
              "3 of the claims nobody wrote", "runs that diverged, and more words", "Learning rate", "",
              str(Refusal("hidden: at most {n} neurons per layer on this server, got {got}", n=8, got=[4, 40])),
              "on real digits, sigmoid's gradients vanish (he init)", "lr: must be at most 100 (got 1000)"]
    page.open("#seed=1&lang=zh")
    page.wait_for_function("document.documentElement.lang === 'zh-Hans' && window.relulab.i18n.templates.length")
    js = page.evaluate("(xs) => xs.map((x) => window.relulab.i18n.translate(x))", texts)
    py = [translate(t, "zh") for t in texts]
    assert len(texts) > 40 and sum(a != b for a, b in zip(py, texts, strict=True)) > 30  # most translate
    assert [(t, a, b) for t, a, b in zip(texts, py, js, strict=True) if a != b] == []
    # the lesson panel's t(): a part statement with its values, no exact entry needed
    assert page.evaluate("window.relulab.t(\"on real digits, relu keeps its gradients (xavier init)\")") == (
        "在真实的 digits 数据上，relu 保持梯度（xavier 初始化）")
