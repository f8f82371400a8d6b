"""``Run``: a trained model with its config, data and history; saved as a directory and loaded back.

A run directory holds ``config.json`` (the RunConfig), ``history.json`` (per-epoch metrics and the
run's status) and ``model.pt`` (the model's ``state_dict``, loaded with ``weights_only=True``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from ..config import RunConfig
from ..data import Dataset, load_csv, save_csv
from ..objectives import LOSSES
from .build import build_model, make_dataset
from .history import History


@dataclass
class Run:
    config: RunConfig
    model: nn.Module
    data: Dataset
    history: History
    status: str = "completed"  # completed | target_loss | diverged
    message: str = ""

    def logits(self, x_raw: Tensor) -> Tensor:
        """Network outputs before the loss's head, for raw coordinates ``(n, input_dim)``."""
        p = next(self.model.parameters())
        with torch.no_grad():
            return self.model(self.data.inputs(x_raw.to(p.dtype)))

    def predict(self, x_raw: Tensor) -> Tensor:
        """What the network predicts: tanh / sigmoid / softmax output per the loss, ``(n, out)``."""
        return LOSSES.get(self.config.loss).head(self.logits(x_raw), self.data.problem == "classification")

    def metrics(self) -> dict[str, Any]:
        last = self.history.last()
        return {"epoch": last.epoch, "train_loss": last.train_loss, "test_loss": last.test_loss,
                "train_acc": last.train_acc, "test_acc": last.test_acc, "status": self.status}

    def save(self, directory: str | Path) -> Path:
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        self.config.save(d / "config.json")
        payload = {"status": self.status, "message": self.message, **self.history.to_dict()}
        (d / "history.json").write_text(json.dumps(payload, default=_jsonable) + "\n")
        torch.save(self.model.state_dict(), d / "model.pt")
        if not _regenerable(self.data.name):  # uploaded / clicked points: keep them with the run
            save_csv(self.data, d / "data-train.csv", split="train")
            save_csv(self.data, d / "data-test.csv", split="test")
        return d


def _regenerable(name: str) -> bool:
    from ..data import DATASETS

    return name in DATASETS or name.startswith("formula:")


def _jsonable(x: Any) -> Any:
    if isinstance(x, Tensor):
        return x.tolist()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def load_run(directory: str | Path) -> Run:
    """A run saved by :meth:`Run.save` (a directory: the data is regenerated from the config, the
    weights loaded) or a run exported as one JSON file (the playground's "run (config + weights JSON)")."""
    d = Path(directory)
    if d.is_file() and d.suffix == ".json":
        from .portable import load_run_json

        return load_run_json(d)
    for name in ("config.json", "model.pt"):
        if not (d / name).is_file():
            raise FileNotFoundError(f"not a run directory: {str(d)!r} has no {name} (expected config.json, "
                                    "model.pt and history.json, as written by `relulab train --out`)")
    cfg = RunConfig.load(d / "config.json")
    if (d / "data-train.csv").is_file():
        xtr, ytr = load_csv(d / "data-train.csv")
        xte, yte = load_csv(d / "data-test.csv")
        ref = make_dataset(cfg.model_copy(update={"n_points": 4}))  # the problem, classes and features
        data = Dataset("custom", ref.problem, ref.num_classes, ref.features, xtr, ytr, xte, yte, ref.domain)
    else:
        data = make_dataset(cfg)
    model = build_model(cfg, data)
    try:
        state = torch.load(d / "model.pt", weights_only=True, map_location="cpu")
        model.load_state_dict(state)
    except Exception as e:  # torch raises many types for a foreign or corrupt file
        raise ValueError(f"{str(d / 'model.pt')!r} is not a state_dict of this run's model: {e}") from None
    hist = {"status": "completed", "message": ""}
    if (d / "history.json").is_file():
        hist = json.loads((d / "history.json").read_text())
    status, message = hist.pop("status", "completed"), hist.pop("message", "")
    history = History.from_dict(hist) if "epoch" in hist else History()
    return Run(cfg, model, data, history, status, message)
