"""Temporary stand-in for ``relulab.training.stacked.stack_key`` / ``train_group`` (being widened by
the training layer): runs that differ only in their weight seed share a stack. Deleted once they land."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..config import RunConfig
from ..training import Run
from ..training.stacked import train_many


def stack_key(cfg: RunConfig) -> tuple:
    import json

    return (json.dumps(cfg.model_copy(update={"weight_seed": 0}).model_dump(mode="json"), sort_keys=True),)


def train_group(cfgs: Sequence[RunConfig], *, on_epoch: Callable[[float], None] | None = None) -> list[Run]:
    return train_many(cfgs, on_epoch=on_epoch)
