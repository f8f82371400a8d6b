"""JupyterLab for the widget's browser tests and benchmark: on 127.0.0.1 and a free port, its token
passed by environment (the server's log shows ``?token=...``, never the token), every setting, runtime and
workspace file in a temporary directory, no news, no update check, no extension manager, no terminals;
its kernel is this interpreter with this checkout's ``src`` first on the path."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    def __init__(self, home: Path, notebooks: list[Path]) -> None:
        self.home, self.root = home, home / "notebooks"
        self.root.mkdir(parents=True)
        for nb in notebooks:
            shutil.copy(nb, self.root / nb.name)
        prefs = home / "settings" / "@jupyterlab" / "apputils-extension"
        prefs.mkdir(parents=True)
        (prefs / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false",
                                                                           "checkForUpdates": False}))
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.origin = f"http://127.0.0.1:{self.port}"
        self.log_path = home / "jupyterlab.log"

    def __enter__(self) -> JupyterLab:
        env = dict(os.environ, JUPYTER_TOKEN=self.token, JUPYTERLAB_SETTINGS_DIR=str(self.home / "settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.home / "workspaces"),
                   JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
                   JUPYTER_CONFIG_DIR=str(self.home / "config"),
                   PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
             "--ServerApp.port_retries=0", f"--ServerApp.root_dir={self.root}", "--allow-root",
             "--ServerApp.terminals_enabled=False", "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.expose_app_in_browser=True"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"{self.origin}/api/status?token={self.token}", timeout=5)
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError(f"JupyterLab did not start; its log:\n{self.log_text()[-3000:]}") from None
                time.sleep(0.5)

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def url(self, notebook: str) -> str:
        return f"{self.origin}/lab/tree/{notebook}?token={self.token}"

    def block_outside(self, context) -> list[str]:
        """Abort every request of ``context`` that leaves this server; returns the list they go to."""
        outside: list[str] = []

        def route(r) -> None:
            url = r.request.url
            if url.startswith((self.origin + "/", "data:", "blob:")):
                r.continue_()
            else:
                outside.append(url)
                r.abort()

        context.route("**/*", route)
        return outside


def execute(path: Path, cwd: Path):
    """Run the notebook at ``path`` top to bottom in ``cwd`` on a kernel of this interpreter (this checkout's
    ``src`` first on its path), widget state stored as JupyterLab saves it; returns the executed notebook."""
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    os.environ["PYTHONPATH"] = os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=True,
                                     resources={"metadata": {"path": str(cwd)}})
    client.km = client.kernel_manager_class(kernel_name="python3")
    client.km.kernel_cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    client.execute()
    return nb


def accept_kernel(page) -> None:
    """Answer JupyterLab's "Select Kernel" dialog, when it asks, with the notebook's own kernel."""
    dialog = page.locator(".jp-Dialog:has-text('Select Kernel') .jp-mod-accept")
    if dialog.count():
        dialog.first.click()


def wait_for(page, js: str, timeout_s: float = 180) -> None:
    """Wait until ``js`` holds, answering JupyterLab's kernel dialog whenever it comes up meanwhile."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(f"() => {{ try {{ return !!({js}); }} catch {{ return false; }} }}"):
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout_s:g} s: {js}")
        accept_kernel(page)
        page.wait_for_timeout(500)


NOTEBOOK = "window.jupyterapp.shell.currentWidget"  # the open notebook's panel (--LabApp.expose_app_in_browser)


def wait_kernel(page, timeout_s: float = 180) -> None:
    """Wait until the open notebook's kernel is connected and idle."""
    wait_for(page, f"{NOTEBOOK}?.sessionContext?.session?.kernel?.connectionStatus === 'connected' && "
                   f"{NOTEBOOK}.sessionContext.session.kernel.status === 'idle'", timeout_s)


def run_all_cells(page) -> None:
    """Run every cell, as Run > Run All Cells does, once the kernel is there."""
    wait_kernel(page)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")


def run_new_cell(page, code: str) -> None:
    """Add a cell at the end of the notebook with ``code`` in it, and run it."""
    page.evaluate(f"""async () => {{
        const app = window.jupyterapp, nb = {NOTEBOOK}.content;
        nb.activeCellIndex = nb.widgets.length - 1;
        await app.commands.execute('notebook:insert-cell-below');
        nb.activeCell.model.sharedModel.setSource({code!r});
        await app.commands.execute('notebook:run-cell');
    }}""")
