"""The example notebooks run top to bottom on a kernel of this interpreter (nbclient), widget state
saved as a notebook saved from JupyterLab keeps it: the playground's last state and frame, which the
widget's own module paints with no kernel behind it (Chromium). Each notebook's outputs are checked
against what its objects hold: the lesson's steps, the inspect report's and regions' numbers, the sweep."""

from __future__ import annotations

import ast
import base64
import json
import os
import re
import shutil
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from relulab.server.wire import decode  # noqa: E402
from tests.notebook.jupyter import execute  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "notebooks"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def run(name: str, tmp_path: Path, cwd: Path | None = None):
    """Execute ``name`` in ``cwd`` (default ``tmp_path``), as Jupyter runs a notebook in its folder."""
    return execute(EXAMPLES / name, cwd or tmp_path)


def outputs(nb) -> list[str]:
    return [o.get("text", "") or o.get("data", {}).get("text/plain", "") for c in nb.cells if c.cell_type == "code"
            for o in c.outputs]


def htmls(nb) -> list[str]:
    return [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if "text/html" in o.get("data", {})]


def widget_states(nb) -> list[dict]:
    states = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return [m["state"]["_state"] for m in states.values() if m["state"].get("_state", {}).get("type") == "state"]


@pytest.fixture(scope="module")
def circle(tmp_path_factory):
    return run("circle.ipynb", tmp_path_factory.mktemp("circle"))


def test_circle(circle):
    nb = circle
    out = outputs(nb)
    assert any(o.startswith("MLP epoch 100 test loss") for o in out) and "0.1" in out and "('relu', 100)" in out
    relu_loss = float(next(o for o in out if o.startswith("MLP epoch 100")).split()[-1])
    assert relu_loss < 0.05  # ReLU separates the circle within 100 epochs
    states = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    kept = [m["state"] for m in states.values() if m["state"].get("_state", {}).get("type") == "state"]
    assert len(kept) == 2 and {k["_state"]["config"]["activation"] for k in kept} == {"relu", "linear"}
    frames = [decode(base64.b64decode(b["data"]))[0] for m in states.values() for b in m.get("buffers", [])
              if b["path"] == ["_frame"]]
    assert sorted(f["epoch"] for f in frames) == [100, 100]  # the last frames, shown without a kernel


SAVED_PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body><div id="cell"></div>
<script type="module">
const saved = await (await fetch("./saved.json")).json();
const state = { ...saved.state };
for (const b of saved.buffers) {  // as a widget manager restores a saved buffer: a DataView at its path
  const bytes = Uint8Array.from(atob(b.data), (c) => c.charCodeAt(0));
  state[b.path[0]] = new DataView(bytes.buffer);
}
const style = document.createElement("style"); style.textContent = state._css; document.head.append(style);
window.sent = 0;
const model = { get: (k) => state[k], on() {}, off() {},
                send() { window.sent += 1; throw new Error("no kernel"); } };  // nothing to talk to
const url = URL.createObjectURL(new Blob([state._esm], { type: "text/javascript" }));
const widget = (await import(url)).default;
await widget.render({ model, el: document.getElementById("cell") });
window.rendered = true;
</script></body></html>"""


@pytest.mark.browser
def test_the_saved_state_paints_the_last_frame_without_a_kernel(circle, tmp_path):
    """The relu widget's saved state alone (its module, style, markup, state and last frame as the
    notebook keeps them, no kernel behind it) rendered in Chromium: the heatmap of epoch 100 is painted."""
    exe = "/usr/bin/chromium"
    if not os.access(exe, os.X_OK):
        if os.environ.get("CI"):
            pytest.fail("Chromium (/usr/bin/chromium) is needed in CI")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    from tests.notebook.jupyter import CHROMIUM_ARGS

    states = circle.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    (saved,) = [m for m in states.values()
                if m["state"].get("_state", {}).get("config", {}).get("activation") == "relu"]
    files = {"index.html": (SAVED_PAGE, "text/html"), "saved.json": (json.dumps(saved), "application/json")}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            outside: list[str] = []

            def route(r) -> None:
                name = r.request.url.removeprefix("http://saved.test/")
                if name in files:
                    r.fulfill(body=files[name][0], content_type=files[name][1])
                elif r.request.url.startswith(("blob:", "data:")):
                    r.continue_()
                else:
                    outside.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto("http://saved.test/index.html")
            page.wait_for_function("window.rendered === true", timeout=60_000)
            w = "document.querySelector('.relulab-widget')"
            # the frame painted, or the page's error toast (then the assertions below say which)
            page.wait_for_function(f"{w}.relulab?.frame?.epoch === 100 || {w}.querySelector('.toast')",
                                   timeout=30_000)
            got = page.evaluate(f"""() => {{
                const w = {w}, c = w.querySelector('#heatmap'), ctx = c.getContext('2d');
                const at = (fx, fy) => Array.from(ctx.getImageData(Math.floor(c.width * fx),
                                                                   Math.floor(c.height * fy), 1, 1).data);
                return {{ centre: at(0.5, 0.5), corner: at(0.03, 0.03), epoch: w.querySelector('#epoch').textContent,
                          lr: w.querySelector('#sel-lr').value, toast: w.querySelector('.toast')?.textContent ?? null,
                          sent: window.sent }};
            }}""")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "notebook-saved-state.png"))
        finally:
            browser.close()
    assert got["toast"] is None, got
    assert int(got["epoch"].replace(",", "")) == 100 and got["lr"] == "0.1", got  # the saved frame and state
    assert got["centre"][2] > got["centre"][0] + 60, got  # blue inside: the circle's inner class
    assert got["corner"][0] > got["corner"][2] + 60, got  # orange around it
    assert got["sent"] >= 1 and not errors and not outside, (got, errors, outside)  # it tried the kernel: none


def test_lesson(tmp_path):
    nb = run("lesson.ipynb", tmp_path)
    out = outputs(nb)
    assert "(('C3', 1), 'identity', (3, 3, 3))" in out  # the lesson's first step: a linear network
    acc = {o.split(":")[0]: float(o.split()[-1]) for o in out if ": test accuracy" in o}
    assert acc["linear"] <= 0.7 and acc["relu"] >= 0.9  # the checks of the lesson's steps 1 and 3
    (run_html,) = [h for h in htmls(nb) if "Run: circle, relu" in h]
    # the run displays itself: a new activation starts a new run, as on the page, so 300 epochs
    assert "epoch 300</h3>" in run_html and "<svg" in run_html and "data:image/png;base64," in run_html
    (state,) = widget_states(nb)
    assert state["view"]["lesson"] == "C3" and state["config"]["activation"] == "relu"


def test_inspect_model(tmp_path):
    (tmp_path / "notebooks").mkdir()
    shutil.copy(EXAMPLES.parent / "mynet.py", tmp_path / "mynet.py")
    nb = run("inspect_model.ipynb", tmp_path, cwd=tmp_path / "notebooks")
    out, html = outputs(nb), htmls(nb)
    reports = [h for h in html if "Inspect: 2 activation sites" in h]
    assert len(reports) == 2  # before and after training
    dead = ast.literal_eval(next(o for o in out if o.startswith("[('1'")))
    for name, n, _ in dead:  # the dead units counted in Python are the report's
        assert re.search(rf"<tr><td>{name}</td><td>relu</td><td></td><td>8</td><td>{n}</td>", reports[1])
    count = int(next(o for o in out if "regions; after each layer" in o).split()[0])
    assert any(f"Linear regions (2-D): {count}<" in h and h.count("<polygon") == count for h in html)


def test_sweep(tmp_path):
    nb = run("sweep.ipynb", tmp_path)
    html = htmls(nb)
    assert any("Sweep: 8 runs" in h and "8 completed" in h for h in html)
    wins = ast.literal_eval(outputs(nb)[-1])
    assert wins["linear"] == (0, 4)  # no line separates the circle's classes to 80 % test accuracy
    assert wins["relu"][0] >= 3 and wins["relu"][1] == 4
    (summary,) = [h for h in html if "Sweep summary of test_acc by activation" in h and "Sweep:" not in h]
    assert "<tr><td>relu</td><td>4</td>" in summary and "data:image/png;base64," in summary
