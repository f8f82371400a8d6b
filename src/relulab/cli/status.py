"""A status line on the terminal while the CLI starts: something at once, before PyTorch is imported.

Shown only on a terminal (stderr is a TTY), never under ``--json`` or ``--help``; erased as soon as the
command body starts (its progress bar takes over) or an error is printed. Imports nothing heavy.
"""

from __future__ import annotations

import sys

_shown = False
QUIET_FLAGS = {"--json", "--help", "-h"}


def wanted(args: list[str], *, tty: bool) -> bool:
    """Whether ``relulab ARGS`` should announce itself: a subcommand, on a terminal, not --json/--help."""
    return tty and bool(args) and not args[0].startswith("-") and not QUIET_FLAGS.intersection(args)


def announce(args: list[str]) -> None:
    global _shown
    if not wanted(args, tty=sys.stderr.isatty()):
        return
    sys.stderr.write(f"relulab {args[0]}: starting (loading PyTorch)...")
    sys.stderr.flush()
    _shown = True


def clear() -> None:
    """Erase the status line, if one is shown."""
    global _shown
    if _shown:
        sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()
        _shown = False
