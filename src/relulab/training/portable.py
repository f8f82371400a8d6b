"""A run as ONE JSON document: config, weights, history, and the points when they are not generated.

``relulab playground`` exports this file ("config + weights JSON") and imports it back; in Python,
:func:`load_run_json` gives the same :class:`~relulab.training.Run` as :func:`~relulab.training.load_run`
gives for a run directory. Weights are lists of floats (``repr`` precision: exact round trip).

>>> from relulab.config import RunConfig
>>> from relulab.training import train
>>> run = train(RunConfig(dataset="xor", hidden=(3,), activation="relu", epochs=2))
>>> back = run_from_dict(json.loads(json.dumps(run_to_dict(run))))
>>> back.config == run.config, all(torch.equal(a, b) for a, b in zip(back.model.parameters(), run.model.parameters()))
(True, True)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from pydantic import ValidationError

from ..config import RunConfig, config_error_message
from ..data import DATASETS, Dataset
from .build import build_model, make_dataset
from .run import Run, load_run_dir, read_history

FORMAT = "relulab-run"
VERSION = 1


def run_to_dict(run: Run) -> dict[str, Any]:
    """The JSON-ready dict of ``run``; a data set not in the registry (uploaded, clicked) goes with it."""
    d: dict[str, Any] = {
        "format": FORMAT, "version": VERSION,
        "config": run.config.model_dump(mode="json"),
        "state_dict": {k: v.detach().cpu().tolist() for k, v in run.model.state_dict().items()},
        "history": run.history.to_dict(), "status": run.status, "message": run.message,
        "engine": run.engine, "engine_reason": run.engine_reason,
    }
    data = run.data
    if data.name not in DATASETS:
        d["data"] = {"name": data.name, "problem": data.problem, "domain": list(data.domain),
                     **{k: getattr(data, k).tolist() for k in ("x_train", "y_train", "x_test", "y_test")}}
    return d


def _points(d: dict[str, Any], cfg: RunConfig) -> Dataset:
    try:
        t = {k: torch.tensor(d[k], dtype=torch.float64) for k in ("x_train", "y_train", "x_test", "y_test")}
        problem = d["problem"]
        if problem not in ("classification", "regression"):
            raise ValueError(f"data.problem must be 'classification' or 'regression', got {problem!r}")
        lo, hi = (float(v) for v in d.get("domain", (-6.0, 6.0)))
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f"the run's 'data' is malformed ({e}); expected name, problem, x_train, y_train, "
                         "x_test, y_test") from None
    for s in ("train", "test"):
        x, y = t[f"x_{s}"], t[f"y_{s}"]
        if x.dim() != 2 or y.shape != (x.shape[0],) or not (torch.isfinite(x).all() and torch.isfinite(y).all()):
            raise ValueError(f"the run's data x_{s} / y_{s} must be finite, of shapes (n, d) and (n,); "
                             f"got {tuple(x.shape)} and {tuple(y.shape)}")
    k = 2 if problem == "classification" else 0
    return Dataset(str(d.get("name", "custom")), problem, k, cfg.feature_names(), t["x_train"], t["y_train"],
                   t["x_test"], t["y_test"], (lo, hi))


def run_from_dict(d: Any) -> Run:
    """The :class:`Run` a :func:`run_to_dict` document describes; bad documents raise ``ValueError``."""
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        got = d.get("format") if isinstance(d, dict) else type(d).__name__
        raise ValueError(f"not a relulab run: expected a JSON object with \"format\": \"{FORMAT}\", got {got!r}")
    if d.get("version") != VERSION:
        raise ValueError(f"relulab run format version {d.get('version')!r} is not supported; allowed: {VERSION}")
    try:
        cfg, note = RunConfig.read(d.get("config"))
    except ValidationError as e:
        raise ValueError(f"the run's config is invalid: {config_error_message(e)}") from None
    data = _points(d["data"], cfg) if d.get("data") is not None else make_dataset(cfg)
    model = build_model(cfg, data)
    dtype = next(model.parameters()).dtype
    try:
        state = {k: torch.tensor(v, dtype=dtype) for k, v in dict(d["state_dict"]).items()}
        model.load_state_dict(state)
    except Exception as e:  # missing keys, wrong shapes, not numbers: torch raises several types
        raise ValueError(f"the run's state_dict does not fit its config's model: {str(e).splitlines()[0]}") from None
    history = read_history(d.get("history") or {}, "the run's 'history'")
    return Run(cfg, model, data, history, str(d.get("status", "completed")), str(d.get("message", "")),
               str(d.get("engine", "")), str(d.get("engine_reason", "")), note=note)


def save_run_json(run: Run, path: str | Path) -> Path:
    """Write ``run`` as one JSON file, whole or not at all (:func:`relulab.atomic.write_file`)."""
    from ..atomic import write_file

    return write_file(path, json.dumps(run_to_dict(run)) + "\n")


def load_run_json(path: str | Path) -> Run:
    """A run saved by :func:`save_run_json` or exported from the playground."""
    p = Path(path)
    try:
        d = json.loads(p.read_text())
    except json.JSONDecodeError as e:
        raise ValueError(f"{str(p)!r} is not JSON: {e}") from None
    return run_from_dict(d)


def load_run(directory: str | Path) -> Run:
    """A run saved by :meth:`Run.save` (a directory) or as one JSON file (also the playground's export)."""
    d = Path(directory)
    return load_run_json(d) if d.is_file() and d.suffix == ".json" else load_run_dir(d)
