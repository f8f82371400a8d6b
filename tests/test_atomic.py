"""relulab.atomic: a file or a directory written whole, swapped in one step; interrupted swaps rolled back."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from relulab import atomic

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _tree(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_write_file_replaces_whole_and_leaves_no_temporary(tmp_path):
    p = tmp_path / "a.csv"
    atomic.write_file(p, "old\n")
    atomic.write_file(p, b"new\n")
    assert p.read_text() == "new\n"
    atomic.write_file(p, lambda t: t.write_text("by a writer\n"))
    assert p.read_text() == "by a writer\n" and os.listdir(tmp_path) == ["a.csv"]


def test_write_file_keeps_the_suffix_for_writers_that_pick_a_format(tmp_path):
    seen = []
    atomic.write_file(tmp_path / "f.svg", lambda t: (seen.append(t.suffix), t.write_text("x")))
    assert seen == [".svg"]


def test_write_file_failure_keeps_the_old_file(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("old")

    def boom(t: Path) -> None:
        t.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic.write_file(p, boom)
    assert p.read_text() == "old" and os.listdir(tmp_path) == ["a.txt"]


@pytest.mark.parametrize("kind", ["dir", "fifo"])
def test_write_file_refuses_what_is_not_a_regular_file(tmp_path, kind):
    p = tmp_path / "x"
    p.mkdir() if kind == "dir" else os.mkfifo(p)
    with pytest.raises(ValueError, match="exists and is"):
        atomic.write_file(p, "data")  # a FIFO is never opened: that would block


def test_write_file_through_a_link_replaces_the_file_it_leads_to(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    (tmp_path / "link.txt").symlink_to(real)
    atomic.write_file(tmp_path / "link.txt", "new")
    assert (tmp_path / "link.txt").is_symlink() and real.read_text() == "new"


@pytest.mark.parametrize("exchange", ["1", "0"])
def test_replace_dir_swaps_whole(tmp_path, monkeypatch, exchange):
    monkeypatch.setenv("RELULAB_ATOMIC_EXCHANGE", exchange)
    d = tmp_path / "D"
    atomic.replace_dir(d, lambda t: (t / "a").write_text("1"))
    atomic.replace_dir(d, lambda t: (t / "b").write_text("2"))
    assert _tree(d) == {"b": b"2"} and os.listdir(tmp_path) == ["D"]
    atomic.replace_dir(d, lambda t: (t / "c").write_text("3"), keep=True)
    assert _tree(d) == {"b": b"2", "c": b"3"}


def test_replace_dir_failure_keeps_the_old_directory(tmp_path):
    d = tmp_path / "D"
    atomic.replace_dir(d, lambda t: (t / "a").write_text("1"))

    def boom(t: Path) -> None:
        (t / "a").write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic.replace_dir(d, boom)
    assert _tree(d) == {"a": b"1"} and os.listdir(tmp_path) == ["D"]


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_exchange_is_used_on_linux(tmp_path):
    assert atomic.exchange_supported(tmp_path)


def _killed_between_renames(tmp_path: Path) -> subprocess.CompletedProcess:
    """A child that swaps D by the two-rename fallback and is killed (os._exit) after the first rename."""
    code = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from relulab import atomic
        real = os.rename
        def rename(a, b):
            real(a, b)
            if Path(b).is_dir():
                os._exit(137)
        os.rename = rename
        atomic.replace_dir(Path({str(tmp_path / 'D')!r}), lambda t: (t / "new").write_text("new"))
    """)
    env = {**os.environ, "PYTHONPATH": SRC, "RELULAB_ATOMIC_EXCHANGE": "0"}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_fallback_swap_killed_between_renames_is_rolled_back_by_the_next_reader(tmp_path):
    d = tmp_path / "D"
    atomic.replace_dir(d, lambda t: (t / "old").write_text("old"))
    proc = _killed_between_renames(tmp_path)
    assert proc.returncode == 137, proc.stderr
    assert not d.exists()  # the instant the fallback cannot avoid: the old directory is beside it
    atomic.recover(d)
    assert _tree(d) == {"old": b"old"} and os.listdir(tmp_path) == ["D"]


def test_recover_leaves_a_live_writers_files_alone(tmp_path):
    live = tmp_path / f".D.{os.getpid()}.abc123.saving"
    live.mkdir()
    dead = tmp_path / ".D.999999999.abc123.saving"
    dead.mkdir()
    atomic.recover(tmp_path / "D")
    assert live.exists() and not dead.exists()
