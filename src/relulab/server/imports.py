"""Uploads of a session, checked whole before anything is built: a CSV of points and a ``run.json``.

:func:`read_run` validates the entire document against :class:`RunDoc` (types, shapes, equal history
lengths, the server's limits on the config and the number of points) and only then builds the data
and the model; :func:`read_points` applies the data layer's one label rule
(:func:`relulab.data.read_labels`); coordinates beyond ``±1e6`` are refused by both.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..config import RunConfig
from ..data import DATASETS, parse_csv_text, read_labels
from ..data.csvio import MAX_COORDINATE
from ..data.labels import MAX_CLASSES
from ..i18n import Refusal
from ..training import Run
from ..training.portable import run_from_dict
from .lab import Points
from .protocol import problems
from .settings import ServerSettings

Row = list[float]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataDoc(_Doc):
    name: str = Field("custom", max_length=100)
    problem: Literal["classification", "regression"]
    domain: tuple[float, float] = (-6.0, 6.0)
    x_train: list[Row]
    y_train: list[float]
    x_test: list[Row]
    y_test: list[float]

    @model_validator(mode="after")
    def _shapes(self) -> DataDoc:
        for s in ("train", "test"):
            x, y = getattr(self, f"x_{s}"), getattr(self, f"y_{s}")
            if len(x) != len(y) or any(len(r) != len(x[0]) for r in x) or (x and len(x[0]) not in (1, 2)):
                raise Refusal("x_{s} must be n rows of 1 or 2 coordinates and y_{s} n labels", s=s)
        return self


class HistoryDoc(_Doc):
    epoch: list[int]
    train_loss: list[float | None]
    test_loss: list[float | None]
    train_acc: list[float | None]
    test_acc: list[float | None]
    extra: dict[str, list[float | int | str | None]] = Field(default_factory=dict, max_length=16)

    @model_validator(mode="after")
    def _lengths(self) -> HistoryDoc:
        n = {k: len(getattr(self, k)) for k in ("epoch", "train_loss", "test_loss", "train_acc", "test_acc")}
        if len(set(n.values())) != 1:
            raise Refusal("every list must have one entry per epoch, got lengths {got}", got=n)
        return self


class RunDoc(_Doc):
    """The whole ``run.json`` a playground exports (see :mod:`relulab.training.portable`)."""

    format: Literal["relulab-run"]
    version: Literal[1]
    config: dict[str, Any]
    state_dict: dict[str, list[Row] | Row] = Field(max_length=200)
    history: HistoryDoc | None = None
    status: str = Field("completed", max_length=100)
    message: str = Field("", max_length=2000)
    engine: str = Field("", max_length=100)  # which engine trained it, and why (exports since the engine layer)
    engine_reason: str = Field("", max_length=2000)
    data: DataDoc | None = None


def _doc_error(e: ValidationError) -> Refusal:
    first = e.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "document"
    msg = first.get("ctx", {}).get("error") or first["msg"].removeprefix("Value error, ")
    return Refusal("not a relulab run: {where}: {why} ({n} problem(s) in the file)", where=where, why=msg,
                   n=e.error_count())


def read_run(raw: bytes, settings: ServerSettings, *, speed: int) -> tuple[Run, bool]:
    """The run in ``raw`` (the bytes of a run.json) and whether it carries its own points."""
    try:
        obj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise Refusal("not a relulab run: the file is not JSON ({why})", why=e) from None
    except RecursionError:
        raise Refusal("not a relulab run: the JSON is nested too deeply") from None
    try:
        doc = RunDoc.model_validate(obj)
    except ValidationError as e:
        raise _doc_error(e) from None
    try:
        cfg = RunConfig.model_validate(doc.config)
    except ValidationError as e:
        raise Refusal("the run's config is invalid: {why}", why=problems(e)) from None
    points = len(doc.data.x_train) + len(doc.data.x_test) if doc.data else cfg.num_points()
    spec = DATASETS.get(cfg.dataset)
    settings.check(cfg, points=points, epochs_per_frame=speed,
                   outputs=spec.num_classes if spec.num_classes > 2 and cfg.loss == "cross_entropy" else 1)
    if doc.data is not None:
        check_range([c for r in doc.data.x_train + doc.data.x_test for c in r])
        check_fits(doc.data, cfg)
    return run_from_dict(obj), doc.data is not None


def check_fits(data: DataDoc, cfg: RunConfig) -> None:
    """The run's own points must be what its config trains: the same problem, as many coordinates as
    its data set has inputs, and labels its loss can read (-1/+1 for two classes, 0..k-1 for k)."""
    spec = DATASETS.get(cfg.dataset)
    if data.problem != spec.problem:
        raise Refusal("the run's data are {got} points but its config trains {want} (data set {name}); the two "
                      "must agree", got=data.problem, want=spec.problem, name=repr(cfg.dataset))
    dims = sorted({len(r) for r in data.x_train + data.x_test})
    if dims and dims != [spec.input_dim]:
        raise Refusal("the run's data have {got} coordinate(s) per point but its config's data set {name} has "
                      "{want}", got=dims[0], name=repr(cfg.dataset), want=spec.input_dim)
    if spec.problem == "classification":
        # two classes: -1/+1 (the playground's); more: 0..k-1, k up to the label rule's MAX_CLASSES
        allowed = [-1.0, 1.0] if spec.num_classes <= 2 else [float(k) for k in range(MAX_CLASSES)]
        odd = sorted({y for y in data.y_train + data.y_test if y not in allowed})
        if odd:
            shown = ", ".join(f"{v:g}" for v in odd[:5])
            want = "-1, 1" if spec.num_classes <= 2 else f"0..{MAX_CLASSES - 1}"
            raise Refusal("the run's labels {got} do not fit its two-class config (data set {name}); allowed: {want}"
                          if spec.num_classes <= 2 else "the run's labels {got} do not fit its multi-class config "
                          "(data set {name}); allowed: {want}", got=shown, name=repr(cfg.dataset), want=want)


def check_range(coords: list[float]) -> None:
    big = max((abs(c) for c in coords), default=0.0)
    if not big <= MAX_COORDINATE:
        raise Refusal("the run's data: coordinates must lie within ±{top}, got {got}", top=f"{MAX_COORDINATE:g}",
                      got=f"{big:g}")


def read_points(text: str, settings: ServerSettings) -> tuple[Points, int, str]:
    """Points of an uploaded CSV, their number of classes (0: regression) and the sentence saying how
    their labels were read."""
    x, y = parse_csv_text(text, max_rows=settings.max_points)
    if len(x) < 4:
        raise Refusal("at least 4 points are needed (some to train, some to test), got {got}", got=len(x))
    rule = read_labels(y)
    return Points(x, rule.labels, rule.problem, rule.num_classes), rule.num_classes, rule.reason
