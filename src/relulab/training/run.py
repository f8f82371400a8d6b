"""``Run``: a trained model with its config, data and history; saved as a directory and loaded back.

A run directory holds ``config.json`` (the RunConfig), ``history.json`` (per-epoch metrics and the
run's status) and ``model.pt`` (the model's ``state_dict``, loaded with ``weights_only=True``).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from pydantic import ValidationError
from torch import Tensor, nn

from ..atomic import recover, replace_dir
from ..config import RunConfig
from ..data import Dataset, load_csv, save_csv
from ..objectives import LOSSES
from .build import build_model, make_dataset
from .history import STATUSES, History

Result = tuple[Sequence[Any], Any, int]  # an engine's model: (parameters, stats rows, status code)


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
    note: str = ""  # read from disk: what the reader should know (a config saved beyond today's bounds)

    @classmethod
    def finished(cls, cfg: RunConfig, model: nn.Module, data: Dataset, history: History, code: int,
                 engine: tuple[str, str] = ("", "")) -> Run:
        """THE place a run's status and message are made: from an engine's status code (an index of
        :data:`~.history.STATUSES`) and the history's last epoch; ``engine``: (name, reason)."""
        status, epoch, loss = STATUSES[code], history.epoch[-1], history.train_loss[-1]
        message = (divergence_message(cfg, epoch, loss) if status == "diverged" else
                   f"train loss reached {cfg.target_loss} at epoch {epoch}" if status == "target_loss" else "")
        return cls(cfg, model, data, history, status, message, *engine)

    @classmethod
    def from_results(cls, cfgs: Sequence[RunConfig], datas: Sequence[Dataset], results: Sequence[Result],
                     engine: tuple[str, str]) -> list[Run]:
        """THE place an engine's arrays become runs: per model its parameters (each layer's weights, then
        each layer's biases, then the activations' learned parameters; arrays or tensors), its stats rows
        ``(epochs + 1, 4)`` from epoch 0 (:meth:`History.extend`) and its status code."""
        runs = []
        for c, d, (params, stats, code) in zip(cfgs, datas, results, strict=True):
            model = build_model(c, d, init="zero")
            lins = model.linears
            mine = [*(m.weight for m in lins), *(m.bias for m in lins), *(p for a in model.activations
                                                                           for p in a.parameters())]
            with torch.no_grad():
                for p, src in zip(mine, params, strict=True):
                    p.copy_(torch.as_tensor(src).reshape(p.shape))
            history = History()
            history.extend(0, stats, d.problem == "classification", len(d.x_test) > 0)
            runs.append(cls.finished(c, model, d, history, code, engine))
        return runs

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

    def _repr_html_(self) -> str:
        """The run in a notebook: status, metrics, curves and prediction, drawn inline (:mod:`relulab.display.run`)."""
        from ..display.run import run_html

        return run_html(self)

    def save(self, directory: str | Path, extra: Callable[[Path], None] | None = None) -> Path:
        """Write the run into ``directory`` whole (:func:`relulab.atomic.replace_dir`): everything goes to
        a temporary directory beside it, which takes the directory's place in one step, so a save that
        is killed or fails at any instant leaves the previous content or the new one. A previous relulab
        run there is replaced as a whole; anything else that is not empty is refused (see
        :func:`check_run_dir`). ``extra(tmp)`` may add files (figures) before the swap."""
        d = check_run_dir(directory)

        def fill(tmp: Path) -> None:
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

        return replace_dir(d, fill)


# what a run directory may hold: written by relulab (train --out, and the figures of regions/inspect)
RUN_FILES = frozenset({"config.json", "history.json", "model.pt", "data-train.csv", "data-test.csv",
                       "boundary.png", "boundary.svg", "regions.png", "regions.svg", "inspect.png",
                       "inspect.json"})


def check_run_dir(directory: str | Path) -> Path:
    """``directory`` as a path if a run may be saved there: it does not exist, is empty, or holds a
    previous relulab run and nothing else. Raises ``ValueError`` otherwise (never deletes a user's files)."""
    d = Path(directory)
    if str(directory).strip() == "":
        raise ValueError("a run needs a directory of its own, got '' (the current directory); e.g. runs/my-run")
    try:
        resolved = d.resolve(strict=False)
    except (RuntimeError, OSError):  # a symbolic link loop (RuntimeError before Python 3.13)
        raise ValueError(f"{str(d)!r} goes through a loop of symbolic links; choose another directory") from None
    if d.is_symlink() and not os.path.exists(d):
        raise ValueError(f"{str(d)!r} is a symbolic link that leads nowhere (a loop or a missing target); "
                         "choose another directory")
    recover(resolved)
    if resolved == Path.cwd().resolve():
        raise ValueError(f"a run needs a directory of its own, got {str(directory)!r} (the current directory); "
                         "e.g. runs/my-run")
    if not d.exists():
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
    with contextlib.suppress(OSError):  # a read-only place: nothing to roll back there
        recover(d)  # a save killed mid-swap (where renameat2 is missing) is rolled back first
    for name in ("config.json", "model.pt"):
        if not (d / name).is_file():
            raise FileNotFoundError(f"not a run directory: {str(d)!r} has no {name} (expected config.json, "
                                    "model.pt and history.json, as written by `relulab train --out`)")
    try:
        cfg, note = RunConfig.read(json.loads((d / "config.json").read_text()))
    except (ValueError, RecursionError) as e:
        if isinstance(e, ValidationError):
            raise
        raise ValueError(f"{str(d / 'config.json')!r} is not valid JSON") from None
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
    if not isinstance(status, str) or not isinstance(message, str):
        raise ValueError(f"{str(d / 'history.json')!r} does not hold a relulab history: its status and message "
                         "must be strings")
    history = read_history(hist, str(d / "history.json"))
    return Run(cfg, model, data, history, status, message, *engine, note=note)


SERIES = ("epoch", "train_loss", "test_loss", "train_acc", "test_acc")


def read_history(d: Any, where: str) -> History:
    """The :class:`History` a saved dict describes (``{}``: none), checked whole: lists of one length
    holding numbers (``None`` for accuracies and losses not measured), epochs as integers;
    ``ValueError`` naming ``where`` otherwise."""
    def bad(why: str) -> ValueError:
        return ValueError(f"{where} does not hold a relulab history: {why}")

    if not isinstance(d, dict):
        raise bad(f"expected an object of per-epoch lists, got a JSON {type(d).__name__}")
    if not d or "epoch" not in d:
        return History()
    unknown = sorted(set(d) - {*SERIES, "extra"})
    if unknown:
        raise bad(f"unknown series {unknown[:3]}; allowed: {list(SERIES)} and extra")
    cols = {k: d.get(k, []) for k in SERIES}
    if not isinstance(cols["epoch"], list):
        raise bad(f"'epoch' must be a list of epochs, got a JSON {type(cols['epoch']).__name__}")
    for k, v in cols.items():
        if not isinstance(v, list) or len(v) != len(cols["epoch"]):
            raise bad(f"{k!r} must be a list with one entry per epoch ({len(cols['epoch'])})")
        num = (int,) if k == "epoch" else (int, float)
        odd = next((x for x in v if isinstance(x, bool) or not (isinstance(x, num) or (x is None and k != "epoch"))),
                   _NONE)
        if odd is not _NONE:
            raise bad(f"{k!r} holds {odd!r}; allowed: {'integers' if k == 'epoch' else 'numbers or null'}")
    extra = d.get("extra", {})
    if not isinstance(extra, dict) or not all(isinstance(v, list) for v in extra.values()):
        raise bad("'extra' must be an object of lists")
    return History(**cols, extra=extra)


_NONE = object()
