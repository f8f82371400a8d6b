"""The same widget module in marimo: ``marimo run`` serves examples/notebooks/circle_marimo.py on
127.0.0.1 and a free port (only for this test; its log is kept out of the output), Debian's Chromium
opens it, and the playground renders the kernel's run (100 epochs trained from Python) with its
heatmap painted. A screenshot goes to test-artifacts/notebook-marimo.png (docs/notebook-marimo.png is one)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.notebook.jupyter import CHROMIUM_ARGS, SRC, free_port

pytestmark = pytest.mark.browser
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "notebooks" / "circle_marimo.py"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FIND = """() => { const roots = [document, ...[...document.querySelectorAll('*')].filter((e) => e.shadowRoot)
    .map((e) => e.shadowRoot)];
  for (const r of roots) { const w = r.querySelector('.relulab-widget'); if (w && w.relulab) return w; }
  return null; }"""


def test_the_widget_renders_in_marimo(tmp_path):
    exe = "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else shutil.which("chromium")
    try:
        import marimo  # noqa: F401
    except ImportError:
        marimo = None
    if exe is None or marimo is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium and marimo are needed for the marimo test in CI")
        pytest.skip("Chromium or marimo is not installed")
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    with (tmp_path / "marimo.log").open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "marimo", "run", str(EXAMPLE), "--headless", "--host",
                                 "127.0.0.1", "--port", str(port), "--no-token"], env=env, cwd=tmp_path,
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=3)
                    break
                except OSError:
                    assert proc.poll() is None and time.monotonic() < deadline, "marimo did not start"
                    time.sleep(0.5)
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
                page = b.new_page(viewport={"width": 1500, "height": 1200})
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_function(f"(({FIND})())?.relulab.frame?.epoch === 100", timeout=180_000)
                painted = page.evaluate(f"""() => {{ const c = ({FIND})().querySelector('#heatmap');
                    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                    let coloured = 0;
                    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[i + 2]) > 60) coloured++;
                    return coloured / (d.length / 4); }}""")
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "notebook-marimo.png"), full_page=True)
                b.close()
        finally:
            proc.terminate()
            proc.wait(20)
    assert painted > 0.5, painted  # most of the heatmap is blue or orange, not blank
    assert not errors, errors
