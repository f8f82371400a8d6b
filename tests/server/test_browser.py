"""The playground in a real Chromium (Playwright): everything is read back from the page itself.

Chromium is Debian's (/usr/bin/chromium); under CI a missing browser is a failure, elsewhere a skip.
Screenshots of the main states go to test-artifacts/; with ``RELULAB_UPDATE_DOCS=1`` the one of ReLU on
the circle with its regions also replaces the README's docs/playground.png.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from relulab.training.portable import load_run_json

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def tab(chrome, server):
    ctx = chrome.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server.url)
    wait_ready(pg)
    yield pg
    ctx.close()
    assert not errors, errors


def wait_ready(pg) -> None:
    pg.wait_for_function("document.body.dataset.epoch !== undefined", timeout=15_000)


def epoch(pg) -> int:
    return int(pg.inner_text("#epoch").replace(",", ""))


def shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"playground-{name}.png"), full_page=True)


def wait_state(pg, js: str, timeout: float = 10_000) -> None:
    pg.wait_for_function(js, timeout=timeout)


def test_relu_on_circle_trains_and_shows_regions(tab):
    tab.click(".ds[data-name='circle']")
    tab.select_option("#sel-activation", "relu")
    wait_state(tab, "window.relulab.state.config.activation === 'relu'")
    tab.click("#btn-addlayer")
    wait_state(tab, "window.relulab.state.config.hidden.length === 3")
    tab.select_option("#sel-speed", "5")
    tab.check("#chk-regions")
    wait_state(tab, "Number(document.getElementById('epoch').textContent.replace(/,/g, '')) === 0")
    start_epoch, start_loss = 0, float(tab.inner_text("#test-loss"))  # untrained: read before play, not raced
    tab.click("#btn-play")
    wait_state(tab, f"Number(document.getElementById('epoch').textContent.replace(/,/g, '')) >= {start_epoch + 150}",
               timeout=30_000)
    later_loss = float(tab.inner_text("#test-loss"))
    assert epoch(tab) > start_epoch and later_loss < 0.6 * start_loss, (start_loss, later_loss)
    tab.click("#btn-play")  # pause
    wait_state(tab, "document.getElementById('btn-play').getAttribute('aria-label') === 'play'")
    colours = tab.evaluate("""() => {
        const c = document.getElementById('heatmap'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set(); let white = 0;
        for (let i = 0; i < d.length; i += 4) { seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
          if (d[i] > 250 && d[i + 1] > 250 && d[i + 2] > 250) white++; }
        return {distinct: seen.size, whiteFraction: white / (d.length / 4)};
    }""")
    assert colours["distinct"] > 50 and colours["whiteFraction"] < 0.5, colours
    count = tab.inner_text("#region-count")
    assert re.fullmatch(r"[\d,]+", count) and int(count.replace(",", "")) > 1
    assert "linear regions" in tab.inner_text("#region-badge")
    assert 1 <= float(tab.inner_text("#region-local")) <= int(count.replace(",", ""))  # local complexity
    shot(tab, "relu-circle-regions")
    if os.environ.get("RELULAB_UPDATE_DOCS"):  # regenerate the README's picture: RELULAB_UPDATE_DOCS=1 pytest ...
        shutil.copy(ARTIFACTS / "playground-relu-circle-regions.png", DOCS / "playground.png")

    tab.select_option("#sel-activation", "tanh")
    refusal = tab.locator("#regions-refusal")
    refusal.wait_for(state="visible", timeout=10_000)
    assert "tanh is smooth" in refusal.inner_text()
    assert tab.locator("#region-badge").is_visible()
    shot(tab, "tanh-refused")


def test_link_round_trips_the_controls(tab, chrome, server):
    tab.click(".ds[data-name='xor']")
    wait_state(tab, "window.relulab.state.config.dataset === 'xor'")
    tab.select_option("#sel-lr", "0.1")
    tab.select_option("#sel-activation", "leaky_relu")
    tab.check("#chk-test")
    tab.locator(".node.feature").nth(4).click()  # x1·x2 on
    wait_state(tab, "window.relulab.state.network.features.length === 3 && window.relulab.state.display.show_test_data"
                     " && window.relulab.state.config.lr === 0.1")
    tab.fill("#inp-weightseed", "5")
    tab.press("#inp-weightseed", "Enter")
    wait_state(tab, "window.relulab.state.config.weight_seed === 5")
    url = tab.url
    assert "#" in url and "activation=leaky_relu" in url and "weight_seed=5" in url
    other = chrome.new_page(viewport={"width": 1400, "height": 1000})
    other.goto(url)
    wait_ready(other)
    wait_state(other, "window.relulab.state.config.dataset === 'xor'")
    assert other.input_value("#sel-lr") == "0.1" and other.input_value("#sel-activation") == "leaky_relu"
    assert other.is_checked("#chk-test") and other.input_value("#inp-weightseed") == "5"
    assert other.locator(".node.feature:not(.off)").count() == 3
    assert other.locator(".ds.selected").inner_text() == "xor"
    shot(other, "reopened-link")
    other.close()


def test_export_downloads_a_run_relulab_loads(tab, tmp_path):
    tab.select_option("#sel-activation", "relu")
    wait_state(tab, "window.relulab.state.config.activation === 'relu'")
    tab.click("#btn-step")
    wait_state(tab, "Number(document.getElementById('epoch').textContent.replace(/,/g, '')) >= 1")
    time.sleep(0.1)
    with tab.expect_download() as info:
        tab.click("a[data-export='run.json']")
    path = tmp_path / "run.json"
    info.value.save_as(path)
    run = load_run_json(path)
    assert run.config.activation == "relu" and run.history.epoch[-1] == epoch(tab)
    shown = float(tab.inner_text("#test-loss"))
    assert abs(run.history.test_loss[-1] - shown) < 1e-3


def test_one_dimensional_lab_and_perceptron(tab):
    tab.select_option("#sel-problem", "regression")
    tab.click(".ds[data-name='sin']")
    wait_state(tab, "window.relulab.state.config.dataset === 'sin'")
    tab.select_option("#sel-activation", "relu")
    tab.select_option("#sel-speed", "10")
    tab.click("#btn-play")
    wait_state(tab, "Number(document.getElementById('epoch').textContent.replace(/,/g, '')) >= 100", timeout=20_000)
    tab.click("#btn-play")
    body = tab.inner_text("#regions-body")
    assert "pieces of the line" in body and "kinks where the fitted function bends" in body
    assert tab.locator(".legend").is_hidden()  # no colour scale in 1-D mode
    shot(tab, "one-d-sin")
    tab.select_option("#sel-problem", "classification")
    tab.click(".ds[data-name='xor']")
    wait_state(tab, "window.relulab.state.config.dataset === 'xor'")
    tab.check("#chk-perceptron")
    wait_state(tab, "window.relulab.state.perceptron === true")
    assert tab.text_content("#layers-title").startswith("perceptron")
    assert "fraction of points on the wrong side" in tab.inner_text("#acc-body")
    tab.click("#btn-step")
    wait_state(tab, "Number(document.getElementById('epoch').textContent.replace(/,/g, '')) >= 1")
    shot(tab, "perceptron-xor")


DIVERGENT = "#activation=sigmoid&learningRate=10&regularization=L2&regularizationRate=3"


def test_divergence_shows_its_message_within_a_second_without_a_click(chrome, server):
    ctx = chrome.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.goto(server.url + DIVERGENT)
    wait_ready(pg)
    wait_state(pg, "window.relulab.state.config.activation === 'sigmoid' && window.relulab.state.config.lr === 10")
    pg.click("#btn-play")
    # training stops by itself (the loss becomes NaN); from then on nothing is clicked
    wait_state(pg, "window.relulab.frame && window.relulab.frame.epoch > 0 && !window.relulab.frame.playing", 15_000)
    stopped = time.monotonic()
    pg.locator(".toast", has_text="diverged").wait_for(state="visible", timeout=1000)
    assert time.monotonic() - stopped < 1.0
    assert "lower the learning rate" in pg.locator(".toast", has_text="diverged").inner_text()
    shot(pg, "divergence")
    ctx.close()


def test_narrow_window_shows_network_and_heatmap_side_by_side(chrome, server):
    ctx = chrome.new_context(viewport={"width": 1100, "height": 900})
    pg = ctx.new_page()
    pg.goto(server.url + "#networkShape=8,8,8,8,8,8&activation=relu")
    wait_ready(pg)
    wait_state(pg, "window.relulab.state.config.hidden.length === 6")
    net, heat = pg.locator("#network").bounding_box(), pg.locator("#heatmap").bounding_box()
    assert heat["x"] >= net["x"] + net["width"] - 1 and abs(heat["y"] - net["y"]) < 200, (net, heat)
    boxes = [pg.locator(".layer-head select").nth(i).bounding_box() for i in range(6)]
    gaps = [b["x"] - (a["x"] + a["width"]) for a, b in zip(boxes, boxes[1:], strict=False)]
    assert min(gaps) > 0, gaps  # the six activation menus do not touch
    assert pg.locator(".ds canvas").count() == pg.locator(".ds").count()  # every data button has its thumbnail
    assert pg.inner_text("#legend-lo") == "−1"
    lo, hi = pg.locator("#legend-lo").bounding_box(), pg.locator("#legend-hi").bounding_box()
    bar = pg.locator("#legend").bounding_box()
    assert lo["x"] < bar["x"] < hi["x"]
    shot(pg, "narrow-1100")
    ctx.close()


PICTURES = """() => { const px = (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const sum = (c) => { let h = 0; const d = px(c);
    for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) % 1000003; return h; };
  const $ = (q) => document.querySelector(q);
  return { thumb: sum($('.node.hidden canvas')), curve: sum($('#loss-curve')), heat: sum($('#heatmap')) }; }"""

# the share of training points whose centre pixel on the heatmap has the colour of its class
POINTS_IN_PLACE = """() => { const s = window.relulab.state, c = document.querySelector('#heatmap');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, { lo, hi } = window.relulab.frame.heat;
  const want = (y) => (y > 0 ? [8, 119, 189] : [245, 147, 34]); let ok = 0;
  s.data.train.x.forEach(([x0, x1], i) => {
    const px = Math.floor(((x0 - lo) / (hi - lo)) * c.width), py = Math.floor(((hi - x1) / (hi - lo)) * c.height);
    if (px < 0 || py < 0 || px >= c.width || py >= c.height) return;
    const k = 4 * (py * c.width + px), w = want(s.data.train.y[i]);
    if (Math.abs(d[k] - w[0]) + Math.abs(d[k + 1] - w[1]) + Math.abs(d[k + 2] - w[2]) < 30) ok++; });
  return ok / s.data.train.x.length; }"""


def test_pictures_drawn_only_when_new_still_follow_training_and_the_data(tab):
    """Thumbnails and the loss curve are drawn when a frame brings new ones, and the points are drawn
    once per data set into a layer of their own: all three still follow training, and the points
    follow a change of data set."""
    tab.click(".ds[data-name='circle']")
    tab.select_option("#sel-activation", "relu")
    wait_state(tab, "window.relulab.state.config.activation === 'relu' && "
                    "window.relulab.state.config.dataset === 'circle'")
    wait_state(tab, "window.relulab.frame && window.relulab.frame.epoch === 0")
    tab.wait_for_timeout(300)
    before = tab.evaluate(PICTURES)
    assert tab.evaluate(POINTS_IN_PLACE) > 0.8
    tab.click("#btn-play")
    wait_state(tab, "window.relulab.frame.epoch >= 60")
    tab.click("#btn-play")
    wait_state(tab, "!window.relulab.frame.playing")
    tab.wait_for_timeout(300)
    after = tab.evaluate(PICTURES)
    assert {k for k in before if before[k] != after[k]} == {"thumb", "curve", "heat"}
    tab.click(".ds[data-name='xor']")
    wait_state(tab, "window.relulab.state.config.dataset === 'xor'")
    tab.wait_for_timeout(300)
    assert tab.evaluate(POINTS_IN_PLACE) > 0.8  # the new data set's points, not the circle's
