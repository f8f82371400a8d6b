"""The sweep explorer in a real Chromium: filter a sweep made by `relulab sweep run`, open one of its
runs in the playground, and read back from the page that run's final test accuracy -- the stored one.
In Chinese (#lang=zh): the grid, a filter, a ticked curve and the refusals leave no English on the page or its
canvases (the pages' shared English finder), and the playground link opens the playground in Chinese.

Chromium is Debian's (/usr/bin/chromium); under CI a missing browser is a failure, elsewhere a skip.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path

import pytest

from relulab.server import ServerSettings
from relulab.server.explorer import create_explorer
from relulab.server.serve import BackgroundServer
from relulab.sweep import load_sweep

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def explorer(sweep_db):
    settings = ServerSettings(port=0)
    with BackgroundServer(settings, create_explorer(sweep_db, settings)) as srv:
        yield srv


# every word drawn on a canvas, kept for the checks (the page draws its grid, axes and curves on canvases)
DRAWN = """window.__drawn = [];
const fill = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
  window.__drawn.push(String(text)); return fill.call(this, text, ...rest);
};"""


@contextmanager
def explorer_page(chrome, explorer, frag=""):
    """The explorer's page once its 8 runs are shown; no script error on it by the end."""
    ctx = chrome.new_context(viewport={"width": 1400, "height": 1100})
    ctx.add_init_script(DRAWN)
    errors: list[str] = []
    pg = ctx.new_page()
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        pg.goto(explorer.url + "sweep/" + frag)
        pg.wait_for_function("document.body.dataset.selected === '8'", timeout=30_000)
        yield pg
    finally:
        ctx.close()
    assert not errors, errors


def test_filter_then_open_a_run_in_the_playground(chrome, explorer, sweep_db):
    stored = {r.key: r for r in load_sweep(sweep_db)}
    with explorer_page(chrome, explorer) as pg:
        assert pg.locator("#runs tbody tr").count() == len(stored) == 8
        # the filter: tanh only, test accuracy at least the lowest tanh run's
        tanh = sorted(r.metrics["test_acc"] for r in stored.values() if r.config["activation"] == "tanh")
        want = {k for k, r in stored.items() if r.config["activation"] == "tanh" and r.metrics["test_acc"] >= tanh[1]}
        pg.uncheck("#filter-axes input[data-axis='activation'][value='relu']")
        pg.fill("#range-lo", repr(tanh[1]))
        pg.click("#btn-apply")
        pg.wait_for_function(f"document.body.dataset.selected === '{len(want)}'", timeout=30_000)
        shown = set(pg.eval_on_selector_all("#runs tbody tr", "rows => rows.map(r => r.dataset.key)"))
        assert shown == want
        assert "relu" not in pg.locator("#runs tbody").inner_text()
        # tick a run: its loss curve is fetched and drawn
        key = sorted(want)[0]
        pg.check(f"#runs tr[data-key='{key}'] input.pick")
        pg.wait_for_function(f"window.explorer.curves['{key}'] !== undefined", timeout=30_000)
        assert pg.evaluate(f"window.explorer.curves['{key}'].history.test_loss.length") == 13
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "explorer-filtered.png"), full_page=True)
        # open it in the playground (the link's target, in this tab)
        href = pg.get_attribute(f"#runs tr[data-key='{key}'] a.open-run", "href")
        assert href == f"/?run={key}"
        pg.goto(explorer.url.rstrip("/") + href)
        pg.wait_for_function(f"document.body.dataset.sweepRun === '{key}'", timeout=60_000)
        pg.wait_for_function("window.relulab.frame && window.relulab.frame.epoch === 12", timeout=30_000)
        frame = pg.evaluate("({acc: window.relulab.frame.test_acc, epoch: window.relulab.frame.epoch})")
        cfg = pg.evaluate("window.relulab.state.config")
        # the frame carries 5 digits: closer than 1e-5 is the same count of right test points (of 30)
        assert math.isclose(frame["acc"], stored[key].metrics["test_acc"], rel_tol=0, abs_tol=1e-5), frame
        assert pg.inner_text("#test-acc") == f"{stored[key].metrics['test_acc']:.3f}"
        assert (cfg["activation"], cfg["hidden"], cfg["weight_seed"]) == (
            "tanh", stored[key].config["hidden"], stored[key].config["weight_seed"])
        pg.screenshot(path=str(ARTIFACTS / "explorer-run-in-playground.png"), full_page=True)


def test_bad_filters_are_said_on_the_page(chrome, explorer):
    with explorer_page(chrome, explorer) as pg:
        pg.fill("#range-lo", "0.9")
        pg.fill("#range-hi", "0.1")
        pg.click("#btn-apply")  # the server's 422, inline
        pg.wait_for_selector("#message:not([hidden])", timeout=30_000)
        assert pg.inner_text("#message") == "filter test_acc: the range '0.9:0.1' is empty; LOW must be <= HIGH"
        pg.click("#btn-clear")
        pg.wait_for_selector("#message", state="hidden", timeout=30_000)
        pg.uncheck("#filter-axes input[data-axis='hidden'][value='3']")
        pg.uncheck("#filter-axes input[data-axis='hidden'][value='4,2']")
        pg.click("#btn-apply")  # caught on the page: no value of an axis selects nothing
        pg.wait_for_selector("#message:not([hidden])", timeout=30_000)
        assert pg.inner_text("#message") == "tick at least one value of hidden (or Clear)"
        assert pg.get_attribute("body", "data-selected") == "8"  # the last good selection stays


def test_in_chinese_no_english_is_left_and_the_playground_opens_in_chinese(chrome, explorer, sweep_db, english_left):
    stored = {r.key: r for r in load_sweep(sweep_db)}
    with explorer_page(chrome, explorer, "#lang=zh") as pg:
        pg.wait_for_function("document.documentElement.lang === 'zh-Hans'")
        o = pg.evaluate("window.explorer.overview")
        names = [*o["axes"], *o["metrics"], *(v for vs in o["axes"].values() for v in vs)]  # the sweep's own names
        assert pg.inner_text("#count") == "已选中 8 次运行中的 8 次" and pg.input_value("#sel-lang") == "zh"
        left = english_left(pg, names, pg.evaluate("window.__drawn"))
        # the grid: other axes
        pg.select_option("#grid-x", "hidden")
        pg.select_option("#grid-y", "weight_seed")
        pg.wait_for_function("window.explorer.grid && window.explorer.grid.x === 'hidden' && "
                             "window.explorer.grid.y === 'weight_seed'", timeout=30_000)
        # a filter: tanh only
        pg.uncheck("#filter-axes input[data-axis='activation'][value='relu']")
        pg.click("#btn-apply")
        want = {k for k, r in stored.items() if r.config["activation"] == "tanh"}
        pg.wait_for_function(f"document.body.dataset.selected === '{len(want)}'", timeout=30_000)
        assert pg.inner_text("#count") == f"已选中 8 次运行中的 {len(want)} 次"
        # a ticked curve, drawn with its axis titles
        key = sorted(want)[0]
        pg.evaluate("window.__drawn = []")
        pg.check(f"#runs tr[data-key='{key}'] input.pick")
        pg.wait_for_function(f"window.explorer.curves['{key}'] !== undefined", timeout=30_000)
        pg.wait_for_function("window.__drawn.includes('轮次') && window.__drawn.includes('损失')", timeout=30_000)
        drawn = pg.evaluate("window.__drawn")
        left += english_left(pg, names, drawn)
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "explorer-zh.png"), full_page=True)
        # the refusals: the server's (in the language asked for) and the page's own
        pg.fill("#range-lo", "0.9")
        pg.fill("#range-hi", "0.1")
        pg.click("#btn-apply")
        pg.wait_for_selector("#message:not([hidden])", timeout=30_000)
        assert pg.inner_text("#message") == "筛选 test_acc：范围 '0.9:0.1' 为空；下限必须 <= 上限"
        left += english_left(pg, names)
        pg.click("#btn-clear")
        pg.wait_for_selector("#message", state="hidden", timeout=30_000)
        pg.uncheck("#filter-axes input[data-axis='hidden'][value='3']")
        pg.uncheck("#filter-axes input[data-axis='hidden'][value='4,2']")
        pg.click("#btn-apply")
        pg.wait_for_selector("#message:not([hidden])", timeout=30_000)
        assert pg.inner_text("#message") == "请至少勾选 hidden 的一个值（或点“清除”）"
        left += english_left(pg, names)
        assert not left, sorted(set(left))
        # the run opened in the playground, which speaks Chinese too
        href = pg.get_attribute(f"#runs tr[data-key='{key}'] a.open-run", "href")
        assert href == f"/?run={key}#lang=zh"
        pg.goto(explorer.url.rstrip("/") + href)
        pg.wait_for_function(f"document.body.dataset.sweepRun === '{key}'", timeout=60_000)
        pg.wait_for_function("document.documentElement.lang === 'zh-Hans'", timeout=30_000)
        assert pg.evaluate("window.relulab.state.view.lang") == "zh"


def test_the_language_switch_goes_both_ways(chrome, explorer):
    with explorer_page(chrome, explorer) as pg:
        assert pg.inner_text("#count") == "8 of 8 runs selected" and pg.inner_text("#btn-apply") == "Apply"
        assert "lang=" not in pg.evaluate("location.hash")
        pg.select_option("#sel-lang", "zh")
        pg.wait_for_function("document.getElementById('btn-apply').textContent === '应用'")
        pg.wait_for_function("document.getElementById('count').textContent === '已选中 8 次运行中的 8 次'")
        pg.wait_for_function("document.querySelector('#runs a.open-run').getAttribute('href').endsWith('#lang=zh')")
        assert pg.evaluate("location.hash") == "#lang=zh" and pg.title() == "relulab 扫描结果浏览器"
        assert pg.inner_text("#runs thead th >> nth=0") == "曲线"
        pg.select_option("#sel-lang", "en")
        pg.wait_for_function("document.getElementById('count').textContent === '8 of 8 runs selected' && "
                             "!document.querySelector('#runs a.open-run').getAttribute('href').includes('#')")
        assert pg.inner_text("#btn-apply") == "Apply" and "lang=" not in pg.evaluate("location.hash")
        assert pg.inner_text("#runs thead th >> nth=0") == "curve" and pg.title() == "relulab sweep explorer"
        assert pg.get_attribute("#runs a.open-run >> nth=0", "href").endswith("/?run=" + pg.get_attribute(
            "#runs tbody tr >> nth=0", "data-key"))
