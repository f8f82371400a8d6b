"""``Run``: a trained model with its config, data and history; saved as a directory and loaded back.

A run directory holds ``config.json`` (the RunConfig), ``history.json`` (per-epoch metrics and the
run's status) and ``model.pt`` (the model's ``state_dict``, loaded with ``weights_only=True``).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from ..config import RunConfig
from ..data import Dataset, load_csv, save_csv
from ..objectives import LOSSES
from .build import build_model, make_dataset
from .history import STATUSES, History


class TrainingDiverged(ValueError):
    """The loss became NaN or infinite."""


def divergence_message(cfg: RunConfig, epoch: int, train_loss: float) -> str:
    return (f"training diverged at epoch {epoch}: train loss is {train_loss}; lower the learning rate "
            f"(lr={cfg.lr}) or the regularization rate (reg_rate={cfg.reg_rate})")


@dataclass
class Run:
    config: RunConfig
    model: nn.Module
    data: Dataset
    history: History
    status: str = "completed"  # completed | target_loss | diverged
    message: str = ""
    engine: str = ""  # which engine trained it (relulab.training.engines) ...
    engine_reason: str = ""  # ... and why that one

    @classmethod
    def finished(cls, cfg: RunConfig, model: nn.Module, data: Dataset, history: History, code: int,
                 engine: tuple[str, str] = ("", "")) -> Run:
        """THE place a run's status and message are made: from an engine's status code (an index of
        :data:`~.history.STATUSES`) and the history's last epoch; ``engine``: (name, reason)."""
        status, epoch, loss = STATUSES[code], history.epoch[-1], history.train_loss[-1]
        message = (divergence_message(cfg, epoch, loss) if status == "diverged" else
                   f"train loss reached {cfg.target_loss} at epoch {epoch}" if status == "target_loss" else "")
        return cls(cfg, model, data, history, status, message, *engine)

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

    def save(self, directory: str | Path, extra: Callable[[Path], None] | None = None) -> Path:
        """Write the run into ``directory`` atomically: everything goes to a temporary directory beside
        it, which is renamed into place only when complete, so an interrupted or failed save leaves
        the previous content untouched. A previous relulab run there is replaced as a whole; anything
        else that is not empty is refused (see :func:`check_run_dir`). ``extra(tmp)`` may add files
        (figures) before the rename."""
        d = check_run_dir(directory)
        d.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{d.name}.", suffix=".saving", dir=d.parent))
        try:
            self.config.save(tmp / "config.json")
            payload = {"status": self.status, "message": self.message, "engine": self.engine,
                       "engine_reason": self.engine_reason, **self.history.to_dict()}
            (tmp / "history.json").write_text(json.dumps(payload, default=_jsonable) + "\n")
            torch.save(self.model.state_dict(), tmp / "model.pt")
            if not _regenerable(self.data.name):  # uploaded / clicked points: keep them with the run
                save_csv(self.data, tmp / "data-train.csv", split="train")
                save_csv(self.data, tmp / "data-test.csv", split="test")
            if extra is not None:
                extra(tmp)
            _replace_dir(tmp, d)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return d


# what a run directory may hold: written by relulab (train --out, and the figures of regions/inspect)
RUN_FILES = frozenset({"config.json", "history.json", "model.pt", "data-train.csv", "data-test.csv",
                       "boundary.png", "boundary.svg", "regions.png", "regions.svg", "inspect.png",
                       "inspect.json"})


def check_run_dir(directory: str | Path) -> Path:
    """``directory`` as a path if a run may be saved there: it does not exist, is empty, or holds a
    previous relulab run and nothing else. Raises ``ValueError`` otherwise (never deletes a user's files)."""
    d = Path(directory)
    if str(directory).strip() == "" or d.resolve() == Path.cwd().resolve():
        raise ValueError(f"a run needs a directory of its own, got {str(directory)!r} (the current directory); "
                         "e.g. runs/my-run")
    if not d.exists():
        if d.is_symlink():
            raise ValueError(f"{str(d)!r} is a broken symbolic link; choose another directory")
        return d
    if not d.is_dir():
        raise ValueError(f"{str(d)!r} exists and is not a directory; choose a new directory for the run")
    entries = sorted(p.name for p in d.iterdir())
    if not entries:
        return d
    foreign = [n for n in entries if n not in RUN_FILES]
    if not {"config.json", "model.pt"} <= set(entries) or foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise ValueError(f"{str(d)!r} is not empty and not a relulab run ({shown or 'no config.json/model.pt'}); "
                         "choose a new or empty directory (relulab replaces only a previous run)")
    return d


def _replace_dir(new: Path, target: Path) -> None:
    """Move the complete directory ``new`` to ``target``, replacing a previous run there as a whole."""
    if not target.exists():
        os.replace(new, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.replace(target, old / "run")
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old / "run", target)  # put the previous run back
        raise
    finally:
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)


def _regenerable(name: str) -> bool:
    from ..data import DATASETS

    return name in DATASETS or name.startswith("formula:")


def _jsonable(x: Any) -> Any:
    if isinstance(x, Tensor):
        return x.tolist()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def load_run_dir(directory: str | Path) -> Run:
    """A run saved by :meth:`Run.save`: the data is regenerated from the config, the weights loaded."""
    d = Path(directory)
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
        try:
            hist = json.loads((d / "history.json").read_text())
        except (ValueError, RecursionError):
            raise ValueError(f"{str(d / 'history.json')!r} is not valid JSON") from None
        if not isinstance(hist, dict):
            raise ValueError(f"{str(d / 'history.json')!r} holds a JSON {type(hist).__name__}, not the "
                             "object relulab writes ({\"status\": ..., \"epoch\": [...], ...})")
    status, message = hist.pop("status", "completed"), hist.pop("message", "")
    engine = (str(hist.pop("engine", "")), str(hist.pop("engine_reason", "")))
    try:
        history = History.from_dict(hist) if "epoch" in hist else History()
        series = [history.epoch, history.train_loss, history.test_loss, history.train_acc, history.test_acc]
        if not all(isinstance(v, list) and len(v) == len(history.epoch) for v in series) \
                or not isinstance(history.extra, dict) or not isinstance(status, str) or not isinstance(message, str):
            raise ValueError("its series are not lists of one length")
    except (TypeError, ValueError) as e:
        raise ValueError(f"{str(d / 'history.json')!r} does not hold a relulab history: {e}") from None
    return Run(cfg, model, data, history, status, message, *engine)
