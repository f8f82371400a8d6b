"""The CLI's error boundary: every failure is one line on stderr and an exit code, never a traceback.

- bad input (a ``ValueError``, a config ``ValidationError``, a file that cannot be read, input nested
  too deeply, too large for memory -- ``MemoryError`` or PyTorch's allocator failing --, a full disk):
  ``error: ...`` and exit code 2, as Typer does for a bad option;
- a usage error of the command line itself (unknown option, not a number): one line, exit code 2;
- Ctrl+C: ``error: interrupted``, exit code 130;
- anything else (a bug): ``error: unexpected ...`` and exit code 1; ``RELULAB_DEBUG=1`` re-raises it
  with its traceback.

A diverged run is not an error of the boundary: its command exits 1 itself with the run's message.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import ValidationError

T = TypeVar("T")
MAX_MESSAGE = 400
_ALLOCATION = "can't allocate memory"  # PyTorch's allocator failing raises a RuntimeError, not MemoryError


def _click_class(name: str) -> type[BaseException]:
    # Typer >= 0.20 vendors click as typer._click, older Typer uses click: take the classes from the
    # exception Typer exports, whichever it is.
    found = next((c for c in typer.BadParameter.__mro__ if c.__name__ == name), None)
    if found is None:  # pragma: no cover - a Typer without click's hierarchy
        raise ImportError(f"typer.BadParameter has no base class {name}")
    return found


UsageError = _click_class("UsageError")
ClickException = _click_class("ClickException")
NoArgsIsHelpError = getattr(sys.modules[UsageError.__module__], "NoArgsIsHelpError", None)
_PASS = (typer.Exit, typer.Abort, ClickException)  # Typer's own signals: never turned into errors


def one_line(e: BaseException | str) -> str:
    """The text of ``e`` as one line (its lines joined), at most ``MAX_MESSAGE`` characters."""
    text = e if isinstance(e, str) else str(e)
    text = " ".join(part.strip() for part in text.splitlines() if part.strip())
    if not text and isinstance(e, BaseException):
        text = type(e).__name__
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 3] + "..."


def fail(message: str) -> NoReturn:
    """Print ``error: message`` on stderr and exit with code 2 (bad input), as Typer does for bad options."""
    _clear_status()
    typer.echo(f"error: {one_line(message)}", err=True)
    raise typer.Exit(2)


def bad_input_message(e: BaseException) -> str | None:
    """The one-line message for an exception that means bad input, or ``None`` if it means a bug."""
    from ..config import config_error_message

    if isinstance(e, ValidationError):
        return config_error_message(e)
    if isinstance(e, RecursionError):
        return "the input is nested too deeply to read"
    if isinstance(e, MemoryError) or (isinstance(e, RuntimeError) and _ALLOCATION in str(e)):
        return "out of memory: the input or the requested size is too large"
    if isinstance(e, OSError) and e.errno == errno.ENOSPC:
        return f"disk full: no space left to write {e.filename!r}" if e.filename else "disk full: no space left"
    if isinstance(e, OSError):
        where = f": {e.filename!r}" if getattr(e, "filename", None) else ""
        return f"{e.strerror or one_line(e)}{where}" if e.strerror else one_line(e)
    if isinstance(e, ValueError | OverflowError):
        return one_line(e)
    return None


@contextmanager
def bad_input() -> Iterator[None]:
    """Turn the library's input errors into ``fail`` (exit 2); other exceptions pass through."""
    try:
        yield
    except _PASS:
        raise
    except Exception as e:
        message = bad_input_message(e)
        if message is None:
            raise
        fail(message)


def error_boundary(fn: Callable[..., T]) -> Callable[..., T]:
    """Wrap a command body: every exception becomes one line and an exit code (see the module doc)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        _clear_status()
        try:
            return fn(*args, **kwargs)
        except _PASS:
            raise
        except KeyboardInterrupt:
            typer.echo("error: interrupted", err=True)
            raise typer.Exit(130) from None
        except SystemExit as e:  # sys.exit() in code the command ran (a user's model file)
            typer.echo(f"error: the code this command ran called sys.exit({e.code!r})", err=True)
            raise typer.Exit(2) from None
        except Exception as e:
            if os.environ.get("RELULAB_DEBUG"):
                raise
            message = bad_input_message(e)
            if message is not None:
                typer.echo(f"error: {one_line(message)}", err=True)
                raise typer.Exit(2) from None
            typer.echo(f"error: unexpected {type(e).__name__}: {one_line(e)} (a bug in relulab; "
                       "RELULAB_DEBUG=1 shows the traceback)", err=True)
            raise typer.Exit(1) from None

    return wrapper


def run_app(app: typer.Typer, args: Sequence[str]) -> int:
    """Run the CLI on ``args`` and return its exit code; usage errors are one line (exit 2)."""
    try:
        rv = app(args=list(args), prog_name="relulab", standalone_mode=False)
    except UsageError as e:
        if NoArgsIsHelpError is not None and isinstance(e, NoArgsIsHelpError):
            typer.echo(e.ctx.get_help() if e.ctx else str(e))
            return 0
        _clear_status()
        where = f" (see '{e.ctx.command_path} --help')" if e.ctx else ""
        typer.echo(f"error: {one_line(e.format_message())}{where}", err=True)
        return 2
    except ClickException as e:
        _clear_status()
        typer.echo(f"error: {one_line(e.format_message())}", err=True)
        return e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _clear_status()
        typer.echo("error: interrupted", err=True)
        return 130
    return rv if isinstance(rv, int) else 0


def _clear_status() -> None:
    from .status import clear

    clear()
