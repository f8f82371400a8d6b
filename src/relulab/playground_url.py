"""TensorFlow Playground links <-> plain dicts of ``RunConfig`` field values.

A link's hash (``#activation=relu&learningRate=0.03&networkShape=3,3,3&seed=0.5&...``) holds the whole
experiment. :func:`read_link` reads the page's keys as the page does (``src/state.ts``): missing or
empty keys take the page's defaults, a boolean is true unless it is ``false``, unknown keys are
ignored, an out-of-range noise or train ratio is clamped as the page's sliders clamp it -- and it says
in ``notes`` what was ignored or clamped. Values the page cannot use (a learning rate that is not a
number) are errors that name the key, the value and what is allowed; names (activation, data set)
are checked by ``RunConfig``, which turns the fields into a config
(:meth:`~relulab.config.RunConfig.from_playground_url`, ``to_playground_url``).

The page's keys carry only what the page has, so the page opens a relulab link as the same
experiment where it can. What relulab adds travels under its own keys, which the page ignores:
``relulab_activation`` (an activation the page lacks, or one per layer), ``relulab_dataset``,
``cos_x1``/``cos_x2`` (the page's state has ``cosX``/``cosY``, but its network has no cos input), and
the fields the page has no key for, under their own names (``weight_seed``, ``optimizer``, ...).

Classroom links hide controls: ``<name>_hide=true`` for a name of the page's ``HIDABLE_CONTROLS``, of
its input features (the feature's node is removed from the drawing), or of relulab's own controls and
panels (:data:`RELULAB_HIDABLE`); ``hideText=true`` hides the page's text. They come back in
:attr:`LinkFields.hidden` and are written back by ``write_link(..., ui={"<name>_hide": True})``. A
link keeps both of the page's data sets: the one of the other problem type is the config's
``other_dataset`` (``None`` while it is the page's default).

>>> link = read_link("#activation=relu&networkShape=3,3,3&learningRate=0.1&noise=80")
>>> link.fields["activation"], link.fields["hidden"], link.fields["lr"], link.fields["noise"]
('relu', '3,3,3', 0.1, 0.5)
>>> [n for n in link.notes if n.startswith("noise")]
['noise=80 is outside 0..50: clamped to 50']
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from .data import DATASETS

# the page's input features (its INPUTS, in the order of its input column) -> relulab's names
PAGE_FEATURES = {"x": "x1", "y": "x2", "xSquared": "x1sq", "ySquared": "x2sq", "xTimesY": "x1x2",
                 "sinX": "sin_x1", "sinY": "sin_x2"}
RELULAB_FEATURES = ("cos_x1", "cos_x2")  # features the page lacks, each under its own key
PAGE_ACTIVATIONS = {"relu": "relu", "tanh": "tanh", "sigmoid": "sigmoid", "linear": "identity"}
PAGE_DATASETS = {"classification": ("circle", "xor", "gauss", "spiral"), "regression": ("reg-plane", "reg-gauss")}
REGULARIZATION = {"none": "none", "L1": "l1", "L2": "l2"}
UI_KEYS = {"showTestData": False, "discretize": False, "collectStats": False, "hideText": False}
NO_INPUT = {"cosX": "cos_x1", "cosY": "cos_x2"}  # in the page's state, not in its network
# RunConfig fields the playground has no key for: written and read under their own names
EXTRA_FIELDS = ("weight_seed", "optimizer", "loss", "init", "epochs", "momentum", "n_points", "target_loss",
                "shuffle", "dtype", "engine", "activation_params", "formula")
RELULAB_KEYS = ("relulab_activation", "relulab_dataset", *RELULAB_FEATURES, *EXTRA_FIELDS)
PLAYGROUND_DEFAULTS = {"activation": "tanh", "learningRate": "0.03", "regularization": "none",
                       "regularizationRate": "0", "noise": "0", "networkShape": "4,2", "batchSize": "10",
                       "percTrainData": "50", "dataset": "circle", "regDataset": "reg-plane",
                       "problem": "classification", "x": "true", "y": "true"}
PAGE_KEYS = (*PLAYGROUND_DEFAULTS, *PAGE_FEATURES, *UI_KEYS, *NO_INPUT, "seed", "initZero")
OMITTED_BY_PAGE = ("regularization",)  # the page writes no key for "none"
# what a classroom link can hide: the page's HIDABLE_CONTROLS, its input features, relulab's own parts
HIDABLE_CONTROLS = ("showTestData", "discretize", "playButton", "stepButton", "resetButton", "learningRate",
                    "activation", "regularization", "regularizationRate", "problem", "dataset", "percTrainData",
                    "noise", "batchSize", "numHiddenLayers")
HIDABLE_FEATURES = (*PAGE_FEATURES, *NO_INPUT)  # x_hide ... cosY_hide: the feature's node is removed
RELULAB_HIDABLE = ("optimizer", "loss", "init", "speed", "activationParams", "seeds", "points", "regenerate",
                   "newWeights", "addPoints", "perceptron", "regions", "link", "lessons", "share", "language",
                   "regionsPanel", "unitsPanel", "accuracyPanel", "collapsePanel", "exportPanel")
HIDABLE = (*HIDABLE_CONTROLS, *HIDABLE_FEATURES, *RELULAB_HIDABLE)
HIDE_SUFFIX = "_hide"
PAGE_STATE_KEYS = ("tutorial",)  # the page's state keys that relulab keeps as they are


@dataclass(frozen=True)
class LinkFields:
    """What a link says: ``RunConfig`` field values, the page's state beside them, and notes."""

    fields: dict[str, Any]  # RunConfig keyword arguments (checked by RunConfig, not here)
    ui: dict[str, bool] = field(default_factory=dict)  # display toggles: showTestData, discretize, ...
    notes: list[str] = field(default_factory=list)  # what was clamped, defaulted or ignored
    page: dict[str, str] = field(default_factory=dict)  # page state the config does not use: the other
    # one of dataset / regDataset, ``tutorial``; written back by ``write_link(..., ui={**ui, **page})``
    hidden: tuple[str, ...] = ()  # the controls a classroom link hides (``<name>_hide=true``), in HIDABLE order


def _number(key: str, value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise ValueError(f"link key {key}={value!r} must be a number") from None
    if not math.isfinite(x):
        raise ValueError(f"link key {key}={value!r} must be a finite number")
    return x


def _clamp(key: str, x: float, lo: float, hi: float, notes: list[str]) -> float:
    if lo <= x <= hi:
        return x
    c = min(max(x, lo), hi)
    notes.append(f"{key}={_text(x)} is outside {_text(lo)}..{_text(hi)}: clamped to {_text(c)}")
    return c


def _text(x: float) -> str:
    """The shortest text that reads back as ``x`` (``repr``), without a trailing ``.0`` or an
    exponent's ``+`` (a ``+`` in a URL reads as a space)."""
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x).replace("e+", "e")


def _percent(x: float) -> str:
    """``100 x`` as the shortest text ``s`` with ``float(s) / 100 == x`` (0.07 -> '7', not '7.000000000000001')."""
    for digits in range(1, 18):
        s = f"{x * 100:.{digits}g}"
        if float(s) / 100 == x:
            return _text(float(s))  # 50, not 5e+01
    return repr(x * 100)  # pragma: no cover - 17 digits always round-trip


def link_fragment(url: str) -> str:
    """The state part of a link: after ``#`` in a full URL or ``#hash``; a bare ``key=value&...`` itself."""
    text = url.strip()
    return urlsplit(text).fragment if "#" in text else text.lstrip("?")


def read_link(url: str) -> LinkFields:
    """Read a playground link (full URL, ``#hash`` or bare ``key=value&...``) into field values."""
    frag = link_fragment(url)
    raw = dict(parse_qsl(frag, keep_blank_values=True))
    if not (set(PAGE_KEYS) | set(RELULAB_KEYS) | {f"{n}{HIDE_SUFFIX}" for n in HIDABLE}) & set(raw):
        raise ValueError(f"not a playground link: {url[:80]!r}; expected '#activation=relu&learningRate=0.03&...'")
    notes: list[str] = []
    hide_keys = {f"{n}{HIDE_SUFFIX}" for n in HIDABLE}
    known = {*PAGE_KEYS, *RELULAB_KEYS, *PAGE_STATE_KEYS, *hide_keys}
    ignored = sorted(k for k in raw if k not in known)
    if ignored:
        notes.append(f"ignored keys the playground has no use for: {ignored}")
    given = {k for k, v in raw.items() if v.strip() != ""}  # the page's hasKey: an empty value is no value
    overridden = {"activation"} if "relulab_activation" in given else set()
    missing = sorted(set(PLAYGROUND_DEFAULTS) - given - overridden - set(OMITTED_BY_PAGE))
    if missing:
        notes.append(f"missing keys took the playground's defaults: {missing}")

    def get(key: str) -> str:
        return raw[key] if key in given else PLAYGROUND_DEFAULTS[key]

    def flag(key: str, default: bool = False) -> bool:
        return raw[key] != "false" if key in given else default  # the page: anything but "false" is true

    problem = get("problem")
    if problem not in PAGE_DATASETS:
        raise ValueError(f"link key problem={problem!r}; allowed: {list(PAGE_DATASETS)}")
    reg = get("regularization")
    if reg not in REGULARIZATION:
        raise ValueError(f"link key regularization={reg!r}; allowed: {list(REGULARIZATION)}")
    noise = _clamp("noise", _number("noise", get("noise")), 0, 50, notes)
    ratio = _clamp("percTrainData", _number("percTrainData", get("percTrainData")), 10, 90, notes)
    batch = _number("batchSize", get("batchSize"))
    if batch != int(batch) or batch < 1:
        raise ValueError(f"link key batchSize={get('batchSize')!r} must be a whole number >= 1")
    activation = raw["relulab_activation"] if "relulab_activation" in given else get("activation")
    used, unused = ("regDataset", "dataset") if problem == "regression" else ("dataset", "regDataset")
    fields: dict[str, Any] = {
        "activation": PAGE_ACTIVATIONS.get(activation, activation),
        "lr": _number("learningRate", get("learningRate")),
        "regularization": REGULARIZATION[reg],
        "reg_rate": _number("regularizationRate", get("regularizationRate")),
        "noise": noise / 100,
        "train_ratio": ratio / 100,
        "batch_size": int(batch),
        "hidden": raw.get("networkShape", PLAYGROUND_DEFAULTS["networkShape"]),  # empty: no hidden layer
        "dataset": raw["relulab_dataset"] if "relulab_dataset" in given else get(used),
        "features": tuple([f for k, f in PAGE_FEATURES.items() if flag(k, PLAYGROUND_DEFAULTS.get(k) == "true")]
                          + [f for f in RELULAB_FEATURES if flag(f)]),
    }
    notes += [f"{k}=true is ignored, as on the page: it has no {f} input (relulab's key for it is {f})"
              for k, f in NO_INPUT.items() if flag(k)]
    _default_features(fields, notes)
    if "seed" in given:
        fields["data_seed"] = raw["seed"]
    else:
        notes.append("no seed in the link (the page would draw a random one): using data_seed '0'")
    if flag("initZero"):
        fields["init"] = "zero"
    for k in EXTRA_FIELDS:
        if k in raw:
            fields[k] = dict(_pair(p) for p in raw[k].split(",") if p) if k == "activation_params" else raw[k]
    other = raw.get(unused, "") if unused in given else ""
    if other in PAGE_DATASETS["regression" if used == "dataset" else "classification"]:
        if other != PLAYGROUND_DEFAULTS[unused]:
            fields["other_dataset"] = other
    elif other:
        allowed = list(PAGE_DATASETS["regression" if used == "dataset" else "classification"])
        notes.append(f"{unused}={other!r} is not one of the page's data sets {allowed}: ignored")
    ui = {k: flag(k, v) for k, v in UI_KEYS.items()}
    keep = (unused, used) if "relulab_dataset" in given else (unused,)
    page = {k: raw[k] for k in (*keep, *PAGE_STATE_KEYS) if k in given}
    hidden = tuple(n for n in HIDABLE if raw.get(f"{n}{HIDE_SUFFIX}") == "true")  # the page: only "true" hides
    return LinkFields(fields, ui, notes, page, hidden)


def _default_features(fields: dict[str, Any], notes: list[str]) -> None:
    """Drop features a 1-D data set cannot have; leave the data set's default inputs implicit, so the
    config equals one built without a link."""
    one_d = fields["dataset"] in DATASETS and DATASETS.get(fields["dataset"]).input_dim == 1
    if one_d:
        dropped = [f for f in fields["features"] if f not in ("x1", "sin_x1", "cos_x1", "x1sq")]
        if dropped:
            notes.append(f"{fields['dataset']!r} is 1-D: ignored the features {dropped}")
        fields["features"] = tuple(f for f in fields["features"] if f not in dropped)
    if fields["features"] == (("x1",) if one_d else ("x1", "x2")):
        del fields["features"]


def _pair(text: str) -> tuple[str, float]:
    name, _, value = text.partition(":")
    return name, _number(f"activation_params {name}", value)


def write_link(values: Mapping[str, Any], defaults: Mapping[str, Any],
               base: str = "https://playground.tensorflow.org/", ui: Mapping[str, Any] | None = None) -> str:
    """The link for the field values ``values`` (a valid config's): the page's keys first, then
    relulab's keys for what the page lacks and for the fields that differ from ``defaults``."""
    ui = dict(ui or {})
    dataset, act = values["dataset"], values["activation"]
    problem = DATASETS.get(dataset).problem
    feats = values["features"] or (("x1", "x2") if DATASETS.get(dataset).input_dim >= 2 else ("x1",))
    act = act if isinstance(act, str) else ",".join(act)
    page_act = {v: k for k, v in PAGE_ACTIVATIONS.items()}.get(PAGE_ACTIVATIONS.get(act, act))
    sets = {"dataset": ui.pop("dataset", "circle"), "regDataset": ui.pop("regDataset", "reg-plane")}
    kept = {k: ui.pop(k) for k in PAGE_STATE_KEYS if k in ui}
    other = values.get("other_dataset")
    if other is not None and other not in PAGE_DATASETS[problem]:  # the config's other one wins
        sets["dataset" if problem == "regression" else "regDataset"] = other
    page_set = dataset in PAGE_DATASETS[problem]
    if page_set:
        sets["regDataset" if problem == "regression" else "dataset"] = dataset
    parts: dict[str, Any] = {
        **({"activation": page_act} if page_act else {}), "batchSize": values["batch_size"], **sets,
        "learningRate": _text(values["lr"]), "regularizationRate": _text(values["reg_rate"]),
        "noise": _percent(values["noise"]), "networkShape": ",".join(map(str, values["hidden"])),
        "seed": values["data_seed"],
        **{k: str(v).lower() for k, v in {**UI_KEYS, **ui}.items() if not k.endswith(HIDE_SUFFIX)},
        "percTrainData": _percent(values["train_ratio"]),
        **{k: str(f in feats).lower() for k, f in PAGE_FEATURES.items()},
        "problem": problem, "initZero": str(values["init"] == "zero").lower(), **kept,
    }
    if values["regularization"] != "none":
        parts["regularization"] = {v: k for k, v in REGULARIZATION.items()}[values["regularization"]]
    if not page_act:
        parts["relulab_activation"] = act
    if not page_set:
        parts["relulab_dataset"] = dataset
    parts.update({f: "true" for f in RELULAB_FEATURES if f in feats})
    for k in EXTRA_FIELDS:
        v = values[k]
        if (k == "init" and v in ("playground", "zero")) or v == defaults[k]:
            continue
        parts[k] = ",".join(f"{a}:{_text(b)}" for a, b in v.items()) if k == "activation_params" else v
    parts.update({k: "true" for k, v in ui.items() if k.endswith(HIDE_SUFFIX) and v and k.removesuffix(
        HIDE_SUFFIX) in HIDABLE})
    return base.split("#")[0] + "#" + "&".join(f"{k}={quote(str(v), safe=',.:-_')}" for k, v in parts.items())
