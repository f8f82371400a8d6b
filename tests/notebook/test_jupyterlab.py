"""The widget in a real JupyterLab, driven in Debian's Chromium: the example notebook's cells run, the
playground paints its heatmap, play advances the epoch, and a Python cell moves the widget's control;
and the notebook saved with its widget state, reopened, shows the last frame before any cell runs.

JupyterLab runs on 127.0.0.1 and a free port, with nothing reaching outside (every request that leaves
it is aborted and listed), and its token never appears in its log. Under CI a missing Chromium or
JupyterLab is a failure, elsewhere a skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.notebook.jupyter import (
    CHROMIUM_ARGS,
    NOTEBOOK,
    JupyterLab,
    execute,
    run_all_cells,
    run_new_cell,
    wait_for,
    wait_kernel,
)

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


def test_a_saved_notebook_reopens_with_its_last_frame(lab, chrome, tmp_path):
    """circle.ipynb executed (nbclient) and saved with its widget state, then opened in JupyterLab: before any
    cell runs, so with no Playground in any kernel, both widgets show their saved last frame (epoch 100).
    JupyterLab 4 (jupyterlab-manager 5) loads a notebook's widget state only once a kernel connects (with
    no kernel at all it shows none: jupyterlab/jupyterlab#15361), so a fresh kernel is there, idle."""
    import nbformat

    nb = execute(EXAMPLES / "circle.ipynb", tmp_path)
    nbformat.write(nb, lab.root / "circle-saved.ipynb")
    ctx = chrome.new_context(viewport={"width": 1500, "height": 1100})
    outside = lab.block_outside(ctx)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        # reset: not the workspace the test before left (its circle.ipynb tab would bring its widgets back)
        page.goto(lab.url("circle-saved.ipynb") + "&reset")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        wait_kernel(page)
        # the file is not signed here: trust it, as its author would, so that its widget outputs render
        # (not awaited: the command's promise settles only once its dialog is answered)
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:trust'); }")
        page.locator(".jp-Dialog .jp-mod-accept").click(timeout=60_000)
        wait_for(page, "document.querySelectorAll('.relulab-widget').length === 2 && [...document"
                       ".querySelectorAll('.relulab-widget')].every((w) => w.relulab?.frame?.epoch === 100)")
        got = page.evaluate(f"""() => {{
            const w = {FIRST}, c = w.querySelector('#heatmap'), ctx = c.getContext('2d');
            const at = (fx, fy) => Array.from(ctx.getImageData(Math.floor(c.width * fx), Math.floor(c.height * fy),
                                                               1, 1).data);
            const cells = {NOTEBOOK}.content.widgets.map((c) => c.model.executionCount);
            return {{ centre: at(0.5, 0.5), corner: at(0.03, 0.03), lr: w.querySelector('#sel-lr').value,
                      epoch: w.querySelector('#epoch').textContent, cells }};
        }}""")
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "notebook-jupyterlab-reopened.png"))
        ctx.close()
    assert int(got["epoch"].replace(",", "")) == 100 and got["lr"] == "0.1", got  # the saved frame and state
    assert got["centre"][2] > got["centre"][0] + 60 and got["corner"][0] > got["corner"][2] + 60, got
    assert not errors and not outside, (errors, outside)
