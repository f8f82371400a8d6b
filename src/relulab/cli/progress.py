"""Progress on stderr, only on a terminal: a bar per epoch as an ``on_step`` callback, and a spinner
for a step that has no epochs (the exact regions analysis). Both fit an 80-column terminal and stay
silent under ``--json`` (the commands pass ``enabled=False``) or when stderr is not a terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported when progress is shown, not for --help
    from rich.console import Console
    from rich.progress import Progress

    from ..training import EpochStats

_console: Console | None = None


def console() -> Console:
    """The stderr console the bars and spinners draw on (created on first use)."""
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(stderr=True)
    return _console
DESCRIPTION_WIDTH = 18  # "training spiral3" fits; longer names are cut
BAR_WIDTH = 16


def _short(text: str, width: int = DESCRIPTION_WIDTH) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


@contextmanager
def progress_bar(total: int, description: str, *, enabled: bool = True) -> Iterator[Progress]:
    """``description ━━━━━ 120/300 loss 0.123/0.125 acc 0.98 0:00:02``: at most about 78 columns."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    con = console()
    bar = Progress(TextColumn("{task.description}"), BarColumn(bar_width=BAR_WIDTH), MofNCompleteColumn(),
                   TextColumn("{task.fields[info]}"), TimeRemainingColumn(), console=con,
                   transient=True, disable=not (enabled and con.is_terminal))
    with bar:
        bar.add_task(_short(description), total=total, info="")
        yield bar


def epoch_callback(bar: Progress):
    """``train``'s ``on_progress(epochs, stats)``: advances the bar by the epochs an engine call trained
    (a chunk of them on the compiled engine) and shows train/test loss and the test accuracy, briefly."""
    task = bar.task_ids[0]

    def on_progress(epochs: int, s: EpochStats) -> None:
        acc = "" if s.test_acc is None else f" acc {s.test_acc:.2f}"
        bar.update(task, advance=epochs, info=f"loss {s.train_loss:.3g}/{s.test_loss:.3g}{acc}")

    return on_progress


def step(message: str, *, enabled: bool = True):
    """A spinner with ``message`` while a step without epochs runs (only on a terminal)."""
    con = console()
    if not (enabled and con.is_terminal):
        return nullcontext()
    return con.status(_short(message, 70), spinner="dots")
