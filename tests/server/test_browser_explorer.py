"""The sweep explorer in a real Chromium: filter a sweep made by `relulab sweep run`, open one of its
runs in the playground, and read back from the page that run's final test accuracy -- the stored one.

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


@contextmanager
def explorer_page(chrome, explorer):
    """The explorer's page once its 8 runs are shown; no script error on it by the end."""
    ctx = chrome.new_context(viewport={"width": 1400, "height": 1100})
    errors: list[str] = []
    pg = ctx.new_page()
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        pg.goto(explorer.url + "sweep/")
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
