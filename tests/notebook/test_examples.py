"""The example notebooks run top to bottom on a kernel of this interpreter (nbclient), widget state
saved as a notebook saved from JupyterLab keeps it: the playground's last state and frame."""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from relulab.server.wire import decode  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "notebooks"
SRC = Path(__file__).resolve().parents[2] / "src"


def run(name: str, tmp_path: Path):
    nb = nbformat.read(EXAMPLES / name, as_version=4)
    os.environ["PYTHONPATH"] = os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=True,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.km = client.kernel_manager_class(kernel_name="python3")
    client.km.kernel_cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    client.execute()
    return nb


def outputs(nb) -> list[str]:
    return [o.get("text", "") or o.get("data", {}).get("text/plain", "") for c in nb.cells if c.cell_type == "code"
            for o in c.outputs]


def test_circle(tmp_path):
    nb = run("circle.ipynb", tmp_path)
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
