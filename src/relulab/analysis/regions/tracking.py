"""Region count during training: an ``on_step`` callback for :func:`relulab.training.train`.

Every ``every`` epochs it counts the exact regions of the trainer's current model (on the data set's
box, or its feature space, see :mod:`.runs`) and appends to ``trainer.history.extra``:
``"regions"`` (the counts) and ``"regions_epoch"`` (the epochs they were taken at); with
``local=True`` also ``"local_complexity"``: the mean number of regions meeting the disc of
``radius`` (default: :func:`.local.default_radius` of the training inputs) around each training
point (:mod:`.local`; nan when the regions are in a feature space, not the raw input's).

>>> from relulab.config import RunConfig
>>> from relulab.training import train
>>> cfg = RunConfig(dataset="circle", activation="relu", hidden=(3,), epochs=4, n_points=40)
>>> run = train(cfg, on_step=RegionCounter(every=2, local=True))
>>> run.history.extra["regions_epoch"], len(run.history.extra["regions"])
([2, 4], 2)
>>> all(1 <= lc <= n for lc, n in zip(run.history.extra["local_complexity"], run.history.extra["regions"]))
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .local import local_complexity
from .runs import regions_of

if TYPE_CHECKING:
    from ...training import EpochStats, Trainer


class RegionCounter:
    """``on_step(trainer, stats)``: record the region count every ``every`` epochs (and at the last one)."""

    def __init__(self, every: int = 10, *, box: object = None, key: str = "regions", local: bool = False,
                 radius: float | None = None) -> None:
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"`every` must be a whole number of epochs >= 1, got {every!r}")
        if radius is not None and (isinstance(radius, bool) or not isinstance(radius, int | float) or not radius > 0):
            raise ValueError(f"radius must be a positive number (or None: 5 % of the data's spread), got {radius!r}")
        self.every, self.box, self.key, self.local, self.radius = every, box, key, local, radius

    def __call__(self, trainer: Trainer, stats: EpochStats) -> None:
        epoch = trainer.epoch
        last = epoch == getattr(getattr(trainer, "cfg", None), "epochs", None)
        if epoch % self.every and not last:
            return
        rr = regions_of(trainer.model, trainer.data, self.box)
        extra = trainer.history.extra
        extra.setdefault(self.key, []).append(len(rr.regions))
        if self.local:
            lc = (local_complexity(rr.regions, trainer.data.x_train, self.radius).mean if rr.space == "input"
                  else float("nan"))
            extra.setdefault("local_complexity", []).append(lc)
        extra.setdefault(f"{self.key}_epoch", []).append(epoch)
