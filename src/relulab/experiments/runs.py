"""Training for the claims: many configs at once, one torch thread, progress as a fraction."""

from __future__ import annotations

from collections.abc import Sequence

from ..analysis.threads import torch_threads
from ..config import RunConfig
from ..training.run import Run
from ..training.stacked import train_many
from .registry import Progress


def train_reporting(cfgs: Sequence[RunConfig], total_epochs: float, progress: Progress | None) -> list[Run]:
    """``train_many(cfgs)`` on one torch thread (small nets), reporting the share of ``total_epochs`` done."""
    done = 0.0

    def on_epoch(k: float) -> None:
        nonlocal done
        done += k
        if progress is not None:
            progress(min(done / total_epochs, 1.0))

    with torch_threads(1):
        return train_many(cfgs, on_epoch=on_epoch)
