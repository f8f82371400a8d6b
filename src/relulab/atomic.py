"""Outputs written whole or not at all: a file or a directory is built beside its target and swapped in
in one step, so a kill at any instant leaves either the old or the new content, never a mix.

- a file: written to ``.NAME.PID.RANDOM.part.SUFFIX`` beside it, flushed to disk, then ``os.replace``d
  over the target (one rename: atomic on every platform Python runs on);
- a directory: built in ``.NAME.PID.RANDOM.saving`` beside it, then exchanged with the old directory
  by ``renameat2(RENAME_EXCHANGE)`` (Linux 3.15+, through ctypes): the target path holds the old or
  the new directory at every instant. Where the platform or the file system lacks it (or with
  ``RELULAB_ATOMIC_EXCHANGE=0``), the old directory is renamed to ``.NAME.PID.RANDOM.old`` and the new
  one renamed into place; a kill between those two renames leaves no target, and the next writer or
  reader of the target (:func:`recover`) rolls back: it renames the ``.old`` directory back.
- leftovers of killed writers (``.saving``, ``.old``, ``.part`` entries whose process is gone) are
  removed by the next writer or reader of the same target; those of a live process are left alone.

Nothing here decides what a target may hold: callers check that first (a directory holding files
relulab did not write is refused, never replaced).
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["exchange_supported", "recover", "replace_dir", "write_file"]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _renameat2() -> Callable[..., int] | None:
    if sys.platform != "linux" or os.environ.get("RELULAB_ATOMIC_EXCHANGE", "1") == "0":
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a libc without renameat2 (glibc < 2.28, some musl builds)
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def _exchange(a: Path, b: Path) -> bool:
    """Swap the directories ``a`` and ``b`` in one step; False where the platform cannot."""
    fn = _renameat2()
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):  # kernel or file system lacks it
        return False
    raise OSError(err, os.strerror(err), str(b))


def exchange_supported(directory: str | Path = ".") -> bool:
    """Whether directories under ``directory`` are swapped by ``renameat2(RENAME_EXCHANGE)``."""
    with tempfile.TemporaryDirectory(dir=directory) as t:
        a, b = Path(t, "a"), Path(t, "b")
        a.mkdir()
        b.mkdir()
        return _exchange(a, b)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: leave its files alone
    return True


def _leftovers(target: Path) -> list[tuple[Path, str]]:
    """``(path, kind)`` of the temporary entries of dead writers beside ``target``."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(\d+)\.[A-Za-z0-9_]+\.(saving|old|part)(\..*)?")
    out = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    for name in names:
        m = pattern.fullmatch(name)
        if m and not _alive(int(m[1])):
            out.append((target.parent / name, m[2]))
    return out


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    else:
        with _quiet():
            p.unlink()


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], OSError)  # type: ignore[arg-type]


def recover(target: str | Path) -> None:
    """Finish what a killed writer of ``target`` left: put back a directory an interrupted two-rename
    swap took away (the newest ``.old``), then remove the dead writers' temporary entries."""
    t = Path(target)
    left = _leftovers(t)
    if not left:
        return
    if not os.path.lexists(t):
        olds = sorted((p for p, kind in left if kind == "old"), key=lambda p: p.stat().st_mtime)
        if olds:
            with _quiet():
                os.rename(olds[-1], t)
    for p, _ in left:
        if os.path.lexists(p) and p != t:
            _remove(p)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: str | Path, content: bytes | str | Callable[[Path], object]) -> Path:
    """Write ``content`` (bytes, text, or a function that writes the file it is given) to ``path`` whole.

    The temporary file keeps the target's suffix, so a writer that picks its format from the name
    (``savefig``) writes the right one. An existing target that is not a regular file (a directory, a
    FIFO, a device) is refused with ``ValueError``: it is never opened (a FIFO would block) nor replaced.
    """
    p = Path(path)
    if os.path.lexists(p) and not p.is_file():
        kind = "a directory" if p.is_dir() else "not a regular file (a pipe, a device or a broken link?)"
        raise ValueError(f"{str(p)!r} exists and is {kind}; give a path for a new or a regular file")
    if p.is_symlink():
        p = Path(os.path.realpath(p))  # write where the link leads; the link stays
    recover(p)
    fd, name = tempfile.mkstemp(prefix=f".{p.name}.{os.getpid()}.", suffix=".part" + p.suffix, dir=p.parent)
    tmp = Path(name)
    try:
        if callable(content):
            os.close(fd)
            content(tmp)
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content.encode() if isinstance(content, str) else content)
        _fsync(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, p)
    except BaseException:
        with _quiet():
            tmp.unlink()
        raise
    return p


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _copy_tree(src: Path, dst: Path) -> None:
    """``dst`` (existing) as a copy of ``src``. Copies, not hard links: a writer that opens a linked
    file with "w" would truncate the old directory's file too."""
    shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True)


def replace_dir(target: str | Path, fill: Callable[[Path], object], *, keep: bool = False) -> Path:
    """Build the directory ``target`` whole: ``fill(tmp)`` writes into a new directory beside it, which
    then takes the target's place in one step (see the module doc). With ``keep``, the new directory
    starts as a copy of the old one, so files ``fill`` does not write are kept.

    The caller has checked that the target may be replaced; a symbolic link to a directory is
    followed (the directory it leads to is replaced, the link stays).
    """
    t = Path(target)
    if t.is_symlink():
        t = Path(os.path.realpath(t))
    recover(t)
    t.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{t.name}.{os.getpid()}.", suffix=".saving", dir=t.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        if keep and t.is_dir():
            _copy_tree(t, tmp)
        fill(tmp)
        _swap(tmp, t)
    finally:
        if os.path.lexists(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
    return t


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` at ``target``; afterwards ``new`` holds the previous content (or is gone)."""
    if not os.path.lexists(target):
        os.rename(new, target)
        return
    if _exchange(new, target):
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".old", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)  # put the previous content back
        raise
    os.rename(old, new)  # the caller removes it
