"""The widget in a real JupyterLab, driven in Debian's Chromium: the example notebook's cells run, the
playground paints its heatmap, play advances the epoch, and a Python cell moves the widget's control.

JupyterLab runs on 127.0.0.1 and a free port, with nothing reaching outside (every request that leaves
it is aborted and listed), and its token never appears in its log. Under CI a missing Chromium or
JupyterLab is a failure, elsewhere a skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.notebook.jupyter import CHROMIUM_ARGS, JupyterLab, run_all_cells, run_new_cell, wait_for

pytestmark = pytest.mark.browser
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "notebooks"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FIRST = "document.querySelector('.relulab-widget')"


def _need(what: str, ok: bool) -> None:
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is missing: the notebook browser tests must run in CI")
        pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    _need("Chromium (/usr/bin/chromium)", os.access("/usr/bin/chromium", os.X_OK) or bool(shutil.which("chromium")))
    try:
        import anywidget  # noqa: F401
        import jupyterlab  # noqa: F401
    except ImportError:
        _need("JupyterLab with anywidget (pip install -e '.[dev]')", False)
    with JupyterLab(tmp_path_factory.mktemp("jupyterlab"), [EXAMPLES / "circle.ipynb"]) as server:
        yield server
    assert server.token not in server.log_text()


@pytest.fixture(scope="module")
def chrome():
    from playwright.sync_api import sync_playwright

    exe = "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else shutil.which("chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _epoch(page) -> int:
    return int(page.evaluate(f"{FIRST}.querySelector('#epoch').textContent").replace(",", ""))


def test_circle_notebook_plays_in_jupyterlab(lab, chrome):
    ctx = chrome.new_context(viewport={"width": 1500, "height": 1100})
    ARTIFACTS.mkdir(exist_ok=True)
    outside = lab.block_outside(ctx)
    page = ctx.new_page()
    try:
        _play(lab, page)
    finally:
        page.screenshot(path=str(ARTIFACTS / "notebook-jupyterlab-last.png"))
        ctx.close()
    assert not outside, outside


def _play(lab, page) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(lab.url("circle.ipynb"))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    page.wait_for_timeout(1000)  # the kernel dialog, when JupyterLab shows one, comes just after
    assert not page.is_visible("text=Would you like to get notified about official Jupyter news?")
    run_all_cells(page)
    # the cells ran: 100 epochs from Python, the learning rate set from Python, both in the widget
    wait_for(page, f"{FIRST}?.relulab?.frame?.epoch === 100 && {FIRST}.relulab.state.config.lr === 0.1")
    page.wait_for_function(f"{FIRST}.querySelector('#sel-lr').value === '0.1'")
    # the heatmap is painted: the circle's blue inside, orange around (the page's colours)
    colours = page.evaluate(f"""() => {{
        const c = {FIRST}.querySelector('#heatmap'), ctx = c.getContext('2d');
        const at = (fx, fy) => Array.from(ctx.getImageData(Math.floor(c.width * fx), Math.floor(c.height * fy),
                                                          1, 1).data);
        return {{ centre: at(0.5, 0.5), corner: at(0.03, 0.03) }};
    }}""")
    assert colours["centre"][2] > colours["centre"][0] + 60, colours  # blue: the inner class
    assert colours["corner"][0] > colours["corner"][2] + 60, colours  # orange: the outer class
    page.screenshot(path=str(ARTIFACTS / "notebook-jupyterlab.png"))
    # play in the widget: the epoch counter advances
    page.locator(".relulab-widget").first.locator("#btn-play").click()
    page.wait_for_function(f"{FIRST}.relulab.frame.playing === true")
    page.wait_for_function(f"Number({FIRST}.querySelector('#epoch').textContent.replace(/,/g, '')) > 150",
                           timeout=60_000)
    # a Python cell changes the learning rate while it plays: the control moves
    run_new_cell(page, "pg.set(lr=0.3)\npg.playing, pg.config.lr")
    page.wait_for_function(f"{FIRST}.querySelector('#sel-lr').value === '0.3'", timeout=60_000)
    assert page.evaluate(f"{FIRST}.relulab.frame.playing") and _epoch(page) > 150
    page.locator(".relulab-widget").first.locator("#btn-play").click()  # pause: the kernel stops training
    page.wait_for_function(f"{FIRST}.relulab.frame.playing === false")
    assert not errors, errors
