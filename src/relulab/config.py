"""``RunConfig``: the one frozen object that flows from the CLI, the web page and a URL to the trainer.

Defaults live here and nowhere else. Unknown keys are an error; names are checked against the
registries (data sets, activations, initialisers, losses, optimizers, regularizers) with a message
that lists what is allowed.

>>> cfg = RunConfig(dataset="circle", activation="relu", hidden=(3, 3, 3), lr=0.03)
>>> cfg.layer_activations()
('relu', 'relu', 'relu')
>>> try:
...     RunConfig(hidden=(3, 0))
... except ValidationError as e:
...     print(config_error_message(e))
hidden: `hidden` widths must be >= 1, got (3, 0)
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from .activations import ACTIVATIONS
from .data import DATASETS, FEATURES, feature, parse_formula, raw_features
from .models import INITS
from .objectives import LOSSES, OPTIMIZERS, REGULARIZERS
from .playground_url import PAGE_DATASETS, read_link, write_link

MAX_WIDTH = 1024
MAX_LAYERS = 64
# upper bounds of the unbounded numbers (docs/limits.md): far above anything that trains, far below what
# overflows (a learning rate of 1e308 turns the first step into inf; |slope| 1e154 squared overflows)
MAX_LR = 100.0
MAX_REG_RATE = 100.0
MAX_TARGET_LOSS = 1e6
MAX_ACTIVATION_PARAM = 1000.0
UPPER = {"lr": MAX_LR, "reg_rate": MAX_REG_RATE, "target_loss": MAX_TARGET_LOSS}
NUMBERS = ("n_points", "noise", "train_ratio", "weight_seed", "lr", "momentum", "reg_rate", "batch_size", "epochs",
           "target_loss")
LEGACY = "legacy"  # validation context key: read a saved config, out-of-bound values noted, not refused
# the registry each name-valued field is checked against
REGISTRIES = {"init": INITS, "loss": LOSSES, "optimizer": OPTIMIZERS, "regularization": REGULARIZERS}


class RunConfig(BaseModel):
    """Everything one training run needs. Frozen: derive a variant with ``cfg.model_copy(update=...)``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # data  (each description is also the CLI option's help: `relulab train --help`)
    dataset: str = Field("circle", description="data set to train on")
    n_points: int | None = Field(None, ge=4, le=1_000_000,
                                 description="number of points (default: 500 for classification, 1200 for "
                                             "regression, as the playground)")
    noise: float = Field(0.0, ge=0.0, le=0.5, description="noise as a fraction, 0 to 0.5 (the playground's "
                                                              "slider value / 100)")
    train_ratio: float = Field(0.5, gt=0.0, lt=1.0, description="fraction of the points used for training; the "
                                                                "rest is the test set")
    features: tuple[str, ...] | None = Field(None, description="comma-separated input features, e.g. x1,x2,x1sq "
                                                               "(default: the raw inputs x1,x2 or x1)")
    data_seed: str = Field("0", description="seed of the data, a string as in a playground link: the same seed "
                                            "gives the same points as the page")
    formula: str | None = Field(None, description="with --dataset formula: a function of x such as "
                                                  "'sin(2*x) + x^2/4' (parsed, never evaluated as code)")
    other_dataset: str | None = Field(None, description="a playground link's data set of the other problem type "
                                                        "(the page keeps one of each; training uses --dataset)")
    # model
    hidden: tuple[int, ...] = Field((4, 2), description="widths of the hidden layers, comma-separated, e.g. "
                                                        "3,3,3 ('' for a linear model)")
    activation: str | tuple[str, ...] = Field("tanh", description="activation of the hidden layers: one name, or "
                                                                  "one per layer separated by commas")
    activation_params: dict[str, float] = Field(
        default_factory=dict, description="activation parameters as name=value pairs, e.g. negative_slope=0.1")
    init: str = Field("playground", description="weight initialisation")
    weight_seed: int = Field(0, ge=0, le=2**63 - 1, description="seed of the initial weights (0 to 2^63-1)")
    # training
    loss: str = Field("mse", description="loss (mse: the playground's ½(tanh(z) − y)² for classification)")
    optimizer: str = Field("sgd", description="optimizer")
    lr: float = Field(0.03, gt=0.0, description=f"learning rate (above 0, at most {MAX_LR:g})")
    momentum: float = Field(0.9, ge=0.0, lt=1.0, description="momentum of --optimizer momentum (sgd and adam "
                                                             "ignore it)")
    regularization: str = Field("none", description="weight penalty, on weights only (as the playground)")
    reg_rate: float = Field(0.0, ge=0.0, description=f"regularization rate (0 to {MAX_REG_RATE:g})")
    batch_size: int = Field(10, ge=1, le=1_000_000, description="points per update")
    epochs: int = Field(100, ge=1, le=10_000_000, description="passes over the training points")
    target_loss: float | None = Field(None, ge=0.0, description="stop once the train loss is at or below this "
                                                                f"(0 to {MAX_TARGET_LOSS:g})")
    shuffle: bool = Field(False, description="reshuffle the training points every epoch (the playground does not)")
    dtype: Literal["float32", "float64"] = Field("float64", description="floating-point precision")
    engine: Literal["auto", "compiled", "fused", "autograd"] = Field(
        "auto", description="training engine (auto: compiled where it applies, else fused for plain MLPs, else "
                            "autograd; the same numbers)")

    @field_validator("data_seed", mode="before")
    @classmethod
    def _seed_to_str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v

    @field_validator(*NUMBERS, mode="before")
    @classmethod
    def _no_bool(cls, v: Any) -> Any:
        if isinstance(v, bool):  # pydantic would read true as 1: a number field takes numbers only
            raise ValueError("must be a number, not a boolean")
        return v

    @field_validator("lr", "reg_rate", "noise", "train_ratio", "momentum", "target_loss")
    @classmethod
    def _finite(cls, v: float | None, info: ValidationInfo) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError(f"must be a finite number, got {v}")
        top = UPPER.get(info.field_name or "")
        if v is not None and top is not None and v > top and not _legacy(info):
            raise ValueError(f"must be at most {top:g}")
        return v

    @field_validator("features")
    @classmethod
    def _check_features(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if v is not None and not v:
            raise ValueError(f"`features` needs at least one input feature; choose from {FEATURES.names()} "
                             "(or leave it out for the raw inputs)")
        twice = sorted({f for f in v or () if v.count(f) > 1})
        if twice:
            raise ValueError(f"each feature at most once, got {', '.join(twice)} more than once")
        return v

    @field_validator("activation_params", mode="before")
    @classmethod
    def _no_bool_params(cls, v: Any) -> Any:
        for name, value in (v.items() if isinstance(v, dict) else ()):
            if isinstance(value, bool):
                raise ValueError(f"activation parameter {name!r} must be a number, got the boolean "
                                 f"{str(value).lower()}")
        return v

    @field_validator("activation_params")
    @classmethod
    def _check_activation_params(cls, v: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        known = sorted({p for _, a in ACTIVATIONS.items() for p in a.params})
        for name, value in v.items():
            if name not in known:
                raise ValueError(f"unknown activation parameter {name!r}; the activations take {known}")
            if not math.isfinite(value):
                raise ValueError(f"activation parameter {name!r} must be a finite number, got {value}")
            if abs(value) > MAX_ACTIVATION_PARAM and not _legacy(info):
                raise ValueError(f"activation parameter {name!r} must lie within ±{MAX_ACTIVATION_PARAM:g}, "
                                 f"got {value:g}")
        return v

    @field_validator("hidden", mode="before")
    @classmethod
    def _parse_hidden(cls, v: Any) -> Any:
        if isinstance(v, str):  # "3,3,3" from a CLI option or a URL; "" is a linear model
            parts = v.replace(" ", "").split(",")
            if parts == [""]:
                return ()
            try:
                if "" in parts:
                    raise ValueError
                return tuple(int(p) for p in parts)
            except ValueError:
                raise ValueError(f"`hidden` must be comma-separated integers, got {v!r} (e.g. 3,3,3)") from None
        if isinstance(v, list | tuple) and any(isinstance(w, bool) for w in v):
            raise ValueError(f"`hidden` widths must be integers, got {list(v)!r}")
        return v

    @field_validator("hidden")
    @classmethod
    def _check_hidden(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if any(w < 1 for w in v):
            raise ValueError(f"`hidden` widths must be >= 1, got {v}")
        if any(w > MAX_WIDTH for w in v) or len(v) > MAX_LAYERS:
            raise ValueError(f"`hidden` allows at most {MAX_LAYERS} layers of at most {MAX_WIDTH}, got {v}")
        return v

    @field_validator("activation", mode="before")
    @classmethod
    def _parse_activation(cls, v: Any) -> Any:
        if isinstance(v, str) and "," in v:
            return tuple(p.strip() for p in v.split(","))
        if isinstance(v, list):
            return tuple(v)
        return v

    @model_validator(mode="after")
    def _check_names(self) -> RunConfig:
        acts = (self.activation,) if isinstance(self.activation, str) else self.activation
        for a in acts:
            ACTIVATIONS.check(a)
        if not isinstance(self.activation, str) and len(acts) != len(self.hidden):
            raise ValueError(
                f"one activation per hidden layer: got {len(acts)} {list(acts)} for hidden={list(self.hidden)}"
            )
        ds = DATASETS.get(self.dataset)
        if self.dataset == "formula":
            if not self.formula:
                raise ValueError("dataset 'formula' needs `formula`, a function of x such as 'sin(2*x)'")
            parse_formula(self.formula)
        elif self.formula is not None:
            raise ValueError(f"`formula` is only used with dataset 'formula', got dataset {self.dataset!r}")
        for f in self.features or ():
            if ds.input_dim < 2 and f in FEATURES.names() and FEATURES.get(f).needs_x2:
                raise ValueError(f"feature {f!r} needs a 2-D data set, got {self.dataset!r} (1-D)")
            feature(f, ds.input_dim)
        page_sets = [n for names in PAGE_DATASETS.values() for n in names]
        if self.other_dataset is not None and self.other_dataset not in page_sets:
            raise ValueError(f"`other_dataset` must be one of the playground's data sets {page_sets}, "
                             f"got {self.other_dataset!r}")
        for kind, registry in REGISTRIES.items():
            registry.check(getattr(self, kind))
        loss = LOSSES.get(self.loss)
        if ds.problem not in loss.problems:
            raise ValueError(f"loss {self.loss!r} does not fit a {ds.problem} data set ({self.dataset!r}); "
                             f"allowed: {[n for n, l in LOSSES.items() if ds.problem in l.problems]}")
        if loss.max_classes is not None and ds.num_classes > loss.max_classes:
            raise ValueError(f"loss {self.loss!r} takes {loss.max_classes} classes, {self.dataset!r} has "
                             f"{ds.num_classes}; use 'cross_entropy'")
        return self

    # ---- derived values -------------------------------------------------------------------------
    @property
    def problem(self) -> str:
        return DATASETS.get(self.dataset).problem

    def layer_activations(self) -> tuple[str, ...]:
        """The activation name of each hidden layer."""
        if isinstance(self.activation, str):
            return (self.activation,) * len(self.hidden)
        return self.activation

    def feature_names(self) -> tuple[str, ...]:
        if self.features is not None:
            return self.features
        return raw_features(DATASETS.get(self.dataset).input_dim)

    def num_points(self) -> int:
        if self.n_points is not None:
            return self.n_points
        return DATASETS.get(self.dataset).default_n

    # ---- persistence and links ------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.model_dump_json(indent=2) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> RunConfig:
        """A saved config; values outside today's upper bounds still load (see :meth:`read`)."""
        return cls.read(json.loads(Path(path).read_text()))[0]

    @classmethod
    def read(cls, data: Any) -> tuple[RunConfig, str]:
        """A config saved earlier (a run, a sweep database): values above the upper bounds that came
        later (lr, reg_rate, target_loss, activation parameters) are kept, with a note saying which;
        anything else invalid raises as usual. Returns ``(config, note)``; the note is '' when in bounds."""
        try:
            return cls.model_validate(data), ""
        except ValidationError:
            cfg = cls.model_validate(data, context={LEGACY: True})  # raises what is wrong beyond the bounds
        outside = [f"{k}={getattr(cfg, k):g} (at most {top:g})" for k, top in UPPER.items()
                   if getattr(cfg, k) is not None and getattr(cfg, k) > top]
        outside += [f"{k}={v:g} (within ±{MAX_ACTIVATION_PARAM:g})" for k, v in cfg.activation_params.items()
                    if abs(v) > MAX_ACTIVATION_PARAM]
        return cfg, (f"this config was saved with values outside today's bounds: {', '.join(outside)}; it is "
                     "read as saved, but a new run with it would be refused")

    @classmethod
    def from_playground_url(cls, url: str, **overrides: Any) -> RunConfig:
        """The experiment of a TensorFlow Playground link (see :mod:`relulab.playground_url`, which
        also gives the link's display toggles and notes); ``overrides`` win over the link."""
        return cls(**{**read_link(url).fields, **overrides})

    def to_playground_url(self, base: str = "https://playground.tensorflow.org/",
                          ui: dict[str, Any] | None = None) -> str:
        """A link the playground opens (its keys) and relulab reads back whole (relulab's own keys);
        ``ui``: display toggles and page state such as ``{"showTestData": True}``."""
        return write_link(self.model_dump(), DEFAULTS, base, ui)


DEFAULTS: dict[str, Any] = RunConfig().model_dump()  # what a link leaves out


def _legacy(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get(LEGACY))


def config_error_message(err: ValidationError) -> str:
    """One line per problem: ``field: what was wrong (got VALUE)`` -- for the CLI and the web page."""
    parts = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "config"
        msg = e["msg"].removeprefix("Value error, ")
        got = e.get("input")
        shown = "" if isinstance(got, dict) or msg.endswith(f"{got}") or msg.endswith(f"{got!r}") else f" (got {got!r})"
        parts.append(f"{loc}: {msg}{shown}")
    return "; ".join(parts)
