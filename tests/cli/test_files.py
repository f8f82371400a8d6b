"""Every CLI output is written whole or not at all, and never over an input, a database or a FIFO.

The data-loss tests kill a child ``relulab`` process (``os._exit(137)``, which runs no ``finally`` and
no cleanup, as SIGKILL) at the patched step: in the middle of writing one output file, or right after
the first rename of a directory swap. Afterwards the output must hold exactly its previous content
(an exception raised in-process would not reproduce these: the saves clean up on ``BaseException``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relulab.cli import app

SRC = str(Path(__file__).resolve().parents[2] / "src")
runner = CliRunner()
SMALL = ["--epochs", "3", "--n-points", "40", "--activation", "relu"]

# kill the process in the middle of writing a file named NAME (or its temporary twin .NAME.*): half of
# the first chunk is written, flushed, and the process ends with no cleanup at all
KILL_WRITING = """
import builtins, io, os
_open = io.open
def _path(file):
    if isinstance(file, int):
        return os.readlink(f"/proc/self/fd/{file}")
    return os.fspath(file) if isinstance(file, (str, bytes, os.PathLike)) else ""
def _target(file):
    base = os.path.basename(_path(file))
    base = base.decode() if isinstance(base, bytes) else base
    return base == NAME or base.startswith("." + NAME + ".")
class _Dying:
    def __init__(self, fh):
        self.fh = fh
    def write(self, data):
        self.fh.write(data[: max(1, len(data) // 2)])
        self.fh.flush()
        os._exit(137)
    def __getattr__(self, name):
        return getattr(self.fh, name)
    def __enter__(self):
        return self
    def __exit__(self, *a):
        return self.fh.__exit__(*a)
def dying_open(file, mode="r", *args, **kwargs):
    fh = _open(file, mode, *args, **kwargs)
    return _Dying(fh) if any(c in mode for c in "wxa") and _target(file) else fh
io.open = builtins.open = dying_open
"""

# kill the process right after the first rename of a directory (the first half of a two-rename swap)
KILL_AFTER_DIR_RENAME = """
import os
from pathlib import Path
def _wrap(real):
    def f(a, b, *args, **kw):
        real(a, b, *args, **kw)
        if Path(b).is_dir():
            os._exit(137)
    return f
os.rename, os.replace = _wrap(os.rename), _wrap(os.replace)
"""


def relulab(args: list[str], cwd: Path, patch: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    code = patch + "\nimport sys\nfrom relulab.cli import main\nmain(sys.argv[1:])\n"
    environ = {**os.environ, "PYTHONPATH": SRC, "RELULAB_DEBUG": "", **(env or {})}
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=900)


def tree(p: Path) -> dict[str, bytes]:
    if p.is_file():
        return {"": p.read_bytes()}
    return {q.relative_to(p).as_posix(): q.read_bytes() for q in sorted(p.rglob("*")) if q.is_file()}


def leftovers(parent: Path) -> list[str]:
    return sorted(n for n in os.listdir(parent) if n.startswith("."))


def ok(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == 0, proc.stderr


def killed(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == 137, f"not killed at the patched step: rc {proc.returncode}\n{proc.stderr}"


# ---- directories --------------------------------------------------------------------------------
def test_train_out_killed_between_the_swaps_renames_keeps_a_run(tmp_path):
    ok(relulab(["train", *SMALL, "--out", "D"], tmp_path))
    before = tree(tmp_path / "D")
    proc = relulab(["train", *SMALL, "--weight-seed", "5", "--out", "D"], tmp_path, KILL_AFTER_DIR_RENAME)
    if proc.returncode == 137:  # a two-rename swap was interrupted: the directory must still be there
        assert tree(tmp_path / "D") == before
    else:  # renameat2 swapped it in one step: the new run, whole
        ok(proc)
        assert set(tree(tmp_path / "D")) == set(before) and tree(tmp_path / "D") != before
    assert leftovers(tmp_path) == []


def test_train_out_fallback_swap_killed_is_rolled_back_by_the_next_reader(tmp_path):
    ok(relulab(["train", *SMALL, "--out", "D"], tmp_path))
    before = tree(tmp_path / "D")
    proc = relulab(["train", *SMALL, "--weight-seed", "5", "--out", "D"], tmp_path, KILL_AFTER_DIR_RENAME,
                   env={"RELULAB_ATOMIC_EXCHANGE": "0"})
    killed(proc)
    ok(relulab(["regions", "--run", "D", "--json"], tmp_path))  # a reader finds D whole again
    assert tree(tmp_path / "D") == before and leftovers(tmp_path) == []


def test_train_out_killed_while_saving_leaves_the_old_run_and_the_next_run_cleans_up(tmp_path):
    ok(relulab(["train", *SMALL, "--out", "D"], tmp_path))
    before = tree(tmp_path / "D")
    patch = KILL_WRITING.replace("NAME", repr("history.json"))
    killed(relulab(["train", *SMALL, "--weight-seed", "5", "--out", "D"], tmp_path, patch))
    assert tree(tmp_path / "D") == before
    ok(relulab(["train", *SMALL, "--weight-seed", "6", "--out", "D"], tmp_path))
    assert leftovers(tmp_path) == [] and tree(tmp_path / "D") != before


@pytest.mark.slow
@pytest.mark.parametrize("command, name", [(["claims", "--quick", "--only", "C1"], "claims.json"),
                                           (["claim", "C1", "--quick"], "result.json")])
def test_claims_out_killed_while_writing_keeps_the_old_report(tmp_path, command, name):
    ok(relulab([*command, "--out", "K"], tmp_path))
    before = tree(tmp_path / "K")
    killed(relulab([*command, "--seed", "1", "--out", "K"], tmp_path, KILL_WRITING.replace("NAME", repr(name))))
    assert tree(tmp_path / "K") == before  # the killed run's temporary directory goes with the next run


@pytest.mark.parametrize("args, name", [
    (["compare", "--epochs", "3", "--n-points", "40", "--seeds", "1", "--activations", "relu", "--out", "C"],
     "results.json"),
    (["inspect", "--run", "D", "--out", "C"], "inspect.json"),
    (["regions", "--run", "D", "--out", "C"], "regions.svg"),
])
def test_directory_outputs_killed_while_writing_keep_the_old_content(tmp_path, args, name):
    ok(relulab(["train", *SMALL, "--out", "D"], tmp_path))
    ok(relulab(args, tmp_path))
    before = tree(tmp_path / "C")
    ok(relulab(["train", *SMALL, "--weight-seed", "3", "--out", "D"], tmp_path))  # new content to write
    killed(relulab(args, tmp_path, KILL_WRITING.replace("NAME", repr(name))))
    assert tree(tmp_path / "C") == before


def test_claims_out_refuses_a_directory_with_files_relulab_did_not_write(tmp_path):
    (tmp_path / "K").mkdir()
    (tmp_path / "K" / "thesis.tex").write_text("mine")
    res = runner.invoke(app, ["claims", "--quick", "--only", "C1", "--out", str(tmp_path / "K")])
    assert res.exit_code == 2 and "relulab did not write (thesis.tex)" in res.output
    assert tree(tmp_path / "K") == {"thesis.tex": b"mine"}


def test_compare_out_refuses_foreign_files_and_train_out_refuses_its_own_input(tmp_path):
    (tmp_path / "C").mkdir()
    (tmp_path / "C" / "notes.txt").write_text("mine")
    res = runner.invoke(app, ["compare", "--epochs", "3", "--out", str(tmp_path / "C")])
    assert res.exit_code == 2 and "notes.txt" in res.output
    ok(relulab(["train", *SMALL, "--out", "D"], tmp_path))
    res = runner.invoke(app, ["train", *SMALL, "--config", str(tmp_path / "D" / "config.json"),
                              "--out", str(tmp_path / "D")])
    assert res.exit_code == 2 and "holds the command's input" in res.output


def test_out_through_a_symlink_loop_is_one_line(tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for args in (["train", *SMALL], ["compare", "--epochs", "3"], ["claims", "--only", "C1"]):
        for out in ("loop", "loop/x"):
            res = runner.invoke(app, [*args, "--out", str(tmp_path / out)])
            assert res.exit_code == 2 and "loop of symbolic links" in res.output, (args, res.output)


# ---- single files -------------------------------------------------------------------------------
def _sweep_db(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    res = runner.invoke(app, ["sweep", "--base", "dataset=xor", "--base", '{"n_points": 40, "epochs": 3}',
                              "--grid", "activation=relu,tanh", "--seeds", "2", "--workers", "1", "--db", str(db)])
    assert res.exit_code == 0, res.output
    return db


def test_sweep_show_never_writes_over_its_database(tmp_path):
    db = _sweep_db(tmp_path)
    with sqlite3.connect(db) as c:  # a -wal file beside it, as a live sweep has
        c.execute("PRAGMA journal_mode=WAL")
    before = db.read_bytes()
    (tmp_path / "alias").symlink_to(db)
    for option in ("--csv", "--plot"):
        for target in (db, tmp_path / "." / "s.db", tmp_path / "alias", Path(str(db) + "-wal")):
            res = runner.invoke(app, ["sweep", "show", str(db), option, str(target)])
            assert res.exit_code == 2 and "error:" in res.output, (option, target, res.output)
    other = tmp_path / "other.db"
    other.write_bytes(before)
    res = runner.invoke(app, ["sweep", "show", str(db), "--csv", str(other)])
    assert res.exit_code == 2 and "SQLite database" in res.output
    assert db.read_bytes() == before and other.read_bytes() == before


def test_sweep_show_csv_and_plot_one_path_and_a_fifo_are_refused(tmp_path):
    db = _sweep_db(tmp_path)
    res = runner.invoke(app, ["sweep", "show", str(db), "--csv", str(tmp_path / "x.png"),
                              "--plot", str(tmp_path / "x.png")])
    assert res.exit_code == 2 and "the same file" in res.output and not (tmp_path / "x.png").exists()
    os.mkfifo(tmp_path / "fifo")
    res = runner.invoke(app, ["sweep", "show", str(db), "--csv", str(tmp_path / "fifo")])  # returns: no block
    assert res.exit_code == 2 and "not a regular file" in res.output


@pytest.mark.parametrize("name, option", [("t.csv", "--csv"), ("f.png", "--plot")])
def test_sweep_show_outputs_killed_while_writing_keep_the_old_file(tmp_path, name, option):
    db = _sweep_db(tmp_path)
    ok(relulab(["sweep", "show", db, option, name, "--by", "activation"], tmp_path))
    before = (tmp_path / name).read_bytes()
    killed(relulab(["sweep", "show", db, option, name], tmp_path, KILL_WRITING.replace("NAME", repr(name))))
    assert (tmp_path / name).read_bytes() == before


def test_activations_plot_killed_while_writing_keeps_the_old_file(tmp_path):
    ok(relulab(["activations", "relu", "--plot", "a.png"], tmp_path))
    before = (tmp_path / "a.png").read_bytes()
    killed(relulab(["activations", "tanh", "--plot", "a.png"], tmp_path, KILL_WRITING.replace("NAME", "'a.png'")))
    assert (tmp_path / "a.png").read_bytes() == before


def test_save_run_json_killed_while_writing_keeps_the_old_file(tmp_path):
    code = textwrap.dedent("""
        import sys
        from relulab.config import RunConfig
        from relulab.training import train
        from relulab.training.portable import save_run_json
        save_run_json(train(RunConfig(epochs=2, n_points=40, weight_seed=int(sys.argv[1]))), "run.json")
    """)
    env = {**os.environ, "PYTHONPATH": SRC}
    subprocess.run([sys.executable, "-c", code, "0"], cwd=tmp_path, env=env, check=True, timeout=300)
    before = (tmp_path / "run.json").read_bytes()
    proc = subprocess.run([sys.executable, "-c", KILL_WRITING.replace("NAME", "'run.json'") + code, "1"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    killed(proc)
    assert (tmp_path / "run.json").read_bytes() == before
    json.loads(before)
