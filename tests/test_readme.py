"""Every example of README.md runs as written: each ```python and ```bash block is executed.

How the blocks run
- ```python blocks: in order, in ONE namespace (like a notebook session), in a temporary working
  directory, in this process; a later block may use names an earlier block defined.
- ```bash blocks: in order, each with ``bash -euo pipefail`` in one shared temporary working
  directory (so ``runs/...`` written by one block is there for the next), with this interpreter's
  ``bin/`` first on PATH and this repository's ``src/`` first on PYTHONPATH (the ``relulab`` command is
  this checkout's); ``examples/`` and ``benchmarks/`` are copied into that directory, so a block may
  call ``python examples/mynet.py`` or ``python benchmarks/NAME.py``.
- Running block k first runs every earlier block of its language that has not run yet, so ``-k``
  selects a single block safely.

Markers: an HTML comment on the line right before the opening fence (invisible on GitHub):

- ``<!-- readme-test: skip REASON -->``: not run; REASON is required (e.g. "sets up .venv: this
  test must not call scripts/test.sh", "starts a server"). Only for what cannot run inside a test.
- ``<!-- readme-test: quick -->``: run with smaller values, nothing else changed: in bash,
  ``--epochs N`` -> at most 20, ``--seeds N`` -> at most 2, ``--quick`` appended to every
  ``python benchmarks/...`` command; in python, ``epochs=N`` -> at most 20, ``seeds=N`` -> at most 2.

Every block without a marker runs exactly as written. An unknown marker is an error.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
MARKER = re.compile(r"<!--\s*readme-test:\s*(?P<kind>\S+)\s*(?P<reason>.*?)\s*-->")
FENCE = re.compile(r"^```(?P<lang>[A-Za-z0-9_+-]*)\s*$")
QUICK_EPOCHS, QUICK_SEEDS = 20, 2


@dataclass(frozen=True)
class Block:
    lang: str      # "python" or "bash"
    line: int      # 1-based line of the opening fence in README.md
    code: str
    marker: str    # "", "skip" or "quick"
    reason: str

    @property
    def id(self) -> str:
        return f"{self.lang}-line{self.line}"


def extract(text: str) -> list[Block]:
    """The ```python / ```bash blocks of ``text`` with the marker of the line before each fence."""
    blocks, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, lang = i, m["lang"]
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        if lang in ("python", "bash"):
            prev = lines[start - 1].strip() if start else ""
            mk = MARKER.fullmatch(prev)
            kind, reason = (mk["kind"], mk["reason"]) if mk else ("", "")
            blocks.append(Block(lang, start + 1, "\n".join(lines[start + 1:j]) + "\n", kind, reason))
        i = j + 1
    return blocks


def quick(block: Block) -> str:
    """The block's code with the smaller values of the ``quick`` marker."""
    code = block.code
    small = lambda cap: lambda m: f"{m[1]}{min(int(m[2]), cap)}"  # noqa: E731
    if block.lang == "bash":
        code = re.sub(r"(--epochs[ =])(\d+)", small(QUICK_EPOCHS), code)
        code = re.sub(r"(--seeds[ =])(\d+)", small(QUICK_SEEDS), code)
        code = re.sub(r"(python3? benchmarks/\S+\.py)(?![^\n]*--quick)", r"\1 --quick", code)
    else:
        code = re.sub(r"(\bepochs\s*=\s*)(\d+)", small(QUICK_EPOCHS), code)
        code = re.sub(r"(\bseeds\s*=\s*)(\d+)", small(QUICK_SEEDS), code)
    return code


BLOCKS = extract(README.read_text())
PY = [b for b in BLOCKS if b.lang == "python"]
SH = [b for b in BLOCKS if b.lang == "bash"]


# ---- the markers themselves -------------------------------------------------------------------------
def test_readme_has_blocks_of_both_languages():
    assert PY and SH, "README.md has no ```python or no ```bash block: the extraction is broken"


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.id)
def test_markers_are_known_and_skips_say_why(block):
    assert block.marker in ("", "skip", "quick"), f"README line {block.line - 1}: unknown marker {block.marker!r}"
    if block.marker == "skip":
        assert block.reason, f"README line {block.line - 1}: a skip marker needs a reason"
    if block.marker == "quick":
        assert quick(block) != block.code, f"README line {block.line}: quick marker but nothing to make smaller"


def test_every_marker_comment_sits_before_a_block():
    """A marker anywhere else (a typo, a blank line before the fence) would silently do nothing."""
    lines = README.read_text().splitlines()
    for n, line in enumerate(lines):
        if line.lstrip().startswith("<!--") and "readme-test" in line:
            assert n + 1 < len(lines) and FENCE.match(lines[n + 1]) and MARKER.fullmatch(line.strip()), (
                f"README line {n + 1}: a readme-test marker must be a whole line right before a ``` fence")


def test_extract_and_quick_on_a_sample():
    text = textwrap.dedent("""\
        <!-- readme-test: skip starts a server -->
        ```bash
        relulab playground
        ```
        ```text
        not code
        ```
        <!-- readme-test: quick -->
        ```bash
        relulab compare --epochs 300 --seeds 20 && python benchmarks/x.py
        relulab train --epochs=5
        ```
        ```python
        cfg = RunConfig(epochs=300)
        ```
        """)
    a, b, c = extract(text)
    assert (a.lang, a.marker, a.reason, a.line) == ("bash", "skip", "starts a server", 2)
    assert (b.marker, c.marker, c.lang) == ("quick", "", "python")
    assert quick(b) == ("relulab compare --epochs 20 --seeds 2 && python benchmarks/x.py --quick\n"
                        "relulab train --epochs=5\n")
    assert quick(Block("python", 1, c.code, "quick", "")) == "cfg = RunConfig(epochs=20)\n"


# ---- running them -----------------------------------------------------------------------------------
class _Session:
    """Runs the blocks of one language in order, once each, in one working directory."""

    def __init__(self, workdir: Path, blocks: list[Block], run_one):
        self.workdir, self.blocks, self.run_one = workdir, blocks, run_one
        self.done: dict[int, str | None] = {}  # index -> None (passed) or the failure text
        self.namespace: dict = {"__name__": "__readme__"}  # the python blocks' one namespace

    def run_upto(self, k: int) -> None:
        for i in range(k + 1):
            b = self.blocks[i]
            if i in self.done or b.marker == "skip":
                continue
            self.done[i] = self.run_one(b, self)
            if self.done[i] is not None and i < k:
                pytest.fail(f"an earlier README block failed (line {b.line}), so this one cannot run:\n{self.done[i]}")
        if self.done.get(k):
            pytest.fail(self.done[k])


def _run_python(block: Block, session: _Session) -> str | None:
    code = quick(block) if block.marker == "quick" else block.code
    old = Path.cwd()
    os.chdir(session.workdir)
    try:
        # padded so that a traceback's line numbers are README.md's
        exec(compile("\n" * block.line + code, "README.md", "exec"), session.namespace)
    except BaseException:
        return f"README.md python block at line {block.line} failed:\n{traceback.format_exc()}"
    finally:
        os.chdir(old)
    return None


def _run_bash(block: Block, session: _Session) -> str | None:
    code = quick(block) if block.marker == "quick" else block.code
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")])),
               MPLBACKEND="Agg", COLUMNS="100")
    p = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=session.workdir, env=env, capture_output=True,
                       text=True, timeout=600, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        return (f"README.md bash block at line {block.line} exited {p.returncode}:\n{code}\n"
                f"--- stdout ---\n{p.stdout[-3000:]}\n--- stderr ---\n{p.stderr[-3000:]}")
    return None


@pytest.fixture(scope="module")
def python_session(tmp_path_factory) -> _Session:
    return _Session(tmp_path_factory.mktemp("readme-python"), PY, _run_python)


@pytest.fixture(scope="module")
def bash_session(tmp_path_factory) -> _Session:
    work = tmp_path_factory.mktemp("readme-bash")
    for folder in ("examples", "benchmarks"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, work / folder, ignore=shutil.ignore_patterns("__pycache__", "quick"))
    return _Session(work, SH, _run_bash)


def _param(b: Block):
    marks = [pytest.mark.skip(reason=f"README marker: {b.reason}")] if b.marker == "skip" else []
    return pytest.param(b, marks=marks, id=b.id)


@pytest.mark.slow
@pytest.mark.parametrize("block", [_param(b) for b in PY])
def test_python_block_runs(block, python_session):
    python_session.run_upto(PY.index(block))


@pytest.mark.slow
@pytest.mark.parametrize("block", [_param(b) for b in SH])
def test_bash_block_runs(block, bash_session):
    bash_session.run_upto(SH.index(block))
