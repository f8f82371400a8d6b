"""The ``relulab`` command line: a Typer app whose subcommands are discovered in this package.

Every module here with a ``register(app)`` function adds its own subcommands, so a new command is one
new file. Bad input exits with code 2 and one line on stderr (see :mod:`relulab.cli.common`).
"""

from __future__ import annotations

import importlib
import os
import pkgutil

import torch
import typer

app = typer.Typer(
    name="relulab",
    help="relulab: see, measure and explain why neural networks need nonlinear activations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name != "common":
        _mod = importlib.import_module(f"{__name__}.{_info.name}")
        if hasattr(_mod, "register"):
            _mod.register(app)


def main() -> None:
    # relulab's networks are small: PyTorch's per-call overhead dominates, and extra threads only add
    # contention (benchmarks/train_speed.py runs with one thread too). RELULAB_THREADS overrides it.
    torch.set_num_threads(int(os.environ.get("RELULAB_THREADS", "1")))
    app()
