"""The ``relulab`` command line: a Typer app whose subcommands are discovered in this package.

Every module here with a ``register(app)`` function adds its own subcommands, so a new command is one
new file. Each command body runs under one error boundary (:func:`relulab.cli.common.error_boundary`):
bad input exits with code 2 and one line on stderr, a diverged run with code 1, and no path shows a
traceback. The app is built on first use (``from relulab.cli import app``), so ``main`` can say
something on the terminal before the heavy imports (PyTorch) start.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

_NOT_COMMANDS = {"common", "progress", "model_source", "errors", "help", "status"}


def build_app() -> typer.Typer:
    """The Typer app with every subcommand of this package, each under the error boundary."""
    import importlib
    import pkgutil

    import typer

    from .errors import error_boundary

    app = typer.Typer(
        name="relulab",
        help="relulab: see, measure and explain why neural networks need nonlinear activations.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # plain help: fits 80 columns, flags shown as flags, "[...]" printed as written
    )
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name not in _NOT_COMMANDS:
            mod = importlib.import_module(f"{__name__}.{info.name}")
            if hasattr(mod, "register"):
                mod.register(app)
    for cmd in app.registered_commands:
        doc = (cmd.help or cmd.callback.__doc__ or "").strip()
        cmd.short_help = cmd.short_help or doc.split("\n\n")[0].replace("\n", " ")  # whole, not cut at 45
        cmd.callback = error_boundary(cmd.callback)
    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        app = build_app()
        globals()["app"] = app
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> None:
    """The ``relulab`` console script: usage errors as one line (exit 2), no traceback ever."""
    from .status import announce

    args = sys.argv[1:] if argv is None else list(argv)
    announce(args)  # on a terminal: one line at once, before PyTorch is imported
    import torch

    # relulab's networks are small: PyTorch's per-call overhead dominates, and extra threads only add
    # contention (benchmarks/train_speed.py runs with one thread too). RELULAB_THREADS overrides it.
    threads = os.environ.get("RELULAB_THREADS", "1")
    torch.set_num_threads(int(threads) if threads.isdigit() and int(threads) > 0 else 1)
    from .errors import run_app

    sys.exit(run_app(__getattr__("app"), args))
