"""Start-up: ``import relulab`` and ``relulab --help`` import only what they use (no web server, no
plotting), checked in a fresh interpreter; the status line before the imports; the console script.
Timing is a benchmark (benchmarks/startup.py), not a test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from relulab.cli.status import wanted

SRC = str(Path(__file__).resolve().parents[2] / "src")
HEAVY = ("fastapi", "uvicorn", "starlette", "matplotlib")
WIDGET = ("anywidget", "ipywidgets", "traitlets", "comm", "ipykernel", "IPython", "jupyterlab", "marimo",
          "relulab.notebook")  # the notebook widget loads only with rl.Playground


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]))
    p = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    return set(json.loads(p.stdout.strip().splitlines()[-1]))


def _cli(args: list[str]) -> str:
    return ("import contextlib, io\nfrom relulab.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n    main({args!r})")


@pytest.mark.parametrize("code", ["import relulab", "import relulab as rl; rl.RunConfig()",
                                  _cli(["--help"]), _cli(["train", "--help"])],
                         ids=["import", "RunConfig", "--help", "train --help"])
def test_no_server_nor_plotting_is_imported(code):
    loaded = _modules_after(code)
    assert not [m for m in HEAVY + WIDGET if m in loaded]
    assert "relulab" in loaded


def test_the_probe_sees_a_heavy_import():
    """The check above can fail: importing the server pulls fastapi in, the widget anywidget."""
    assert "fastapi" in _modules_after("import relulab.server; relulab.server.create_app")
    pytest.importorskip("anywidget")
    assert {"anywidget", "relulab.notebook"} <= _modules_after("import relulab as rl; rl.Playground")


def test_import_relulab_is_lazy_but_complete():
    import relulab as rl

    for name in rl.__all__:
        assert getattr(rl, name) is not None
    assert set(rl.__all__) <= set(dir(rl))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        rl.nope  # noqa: B018


@pytest.mark.parametrize("args, tty, shown", [
    (["train", "--epochs", "3"], True, True),
    (["train", "--json"], True, False),
    (["train", "--help"], True, False),
    (["--help"], True, False),
    ([], True, False),
    (["train"], False, False),
])
def test_the_status_line_only_on_a_terminal_for_real_work(args, tty, shown):
    assert wanted(args, tty=tty) is shown


def test_the_console_script_prints_one_line_errors():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]))
    code = "from relulab.cli import main; main()"
    for args, needle in ((["train", "--epochs", "abc"], "Invalid value for '--epochs'"),
                         (["train", "--hidden", "3,0"], "widths must be >= 1"),
                         (["trian"], "No such command 'trian'")):
        p = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=300)
        assert p.returncode == 2, (args, p.stderr)
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], p.stderr
