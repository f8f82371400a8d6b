"""Where ``relulab inspect`` / ``relulab collapse`` get a model and data: a run directory, or a user's own code.

``--model path/to/file.py:factory`` imports that file by path and calls ``factory()`` (no arguments),
which must return an ``nn.Module``; ``--state weights.pt`` then loads a ``state_dict`` with
``torch.load(..., weights_only=True)`` -- tensors only, never arbitrary pickled objects. ``--data`` is a
CSV file (optional header, one row per point, the last column the target) or a data set name.
Every problem raises ``ValueError`` / ``FileNotFoundError`` with one line that the CLI turns into exit 2.
"""

from __future__ import annotations

import importlib.util
import pickle
import sys
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor, nn

Loss = Callable[[Tensor, Tensor], Tensor]


@dataclass
class Source:
    model: nn.Module
    inputs: Tensor | None = None
    targets: Tensor | None = None
    loss_fn: Loss | None = None
    label: str = ""


def _one_line(e: BaseException) -> str:
    text = " ".join(part.strip() for part in str(e).splitlines() if part.strip()) or type(e).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def model_dtype(model: nn.Module) -> torch.dtype:
    return next((p.dtype for p in model.parameters() if p.is_floating_point()), torch.get_default_dtype())


def load_factory_model(spec: str) -> nn.Module:
    """``"file.py:factory"`` -> ``factory()`` from that file."""
    path_text, sep, factory = spec.rpartition(":")
    if not sep or not path_text or not factory.isidentifier():
        raise ValueError(f"--model must be FILE.py:FACTORY (a Python file and a function in it), got {spec!r}")
    path = Path(path_text)
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {path_text!r} (from --model {spec!r})")
    name = f"relulab_user_model_{abs(hash(str(path.resolve())))}"
    mod_spec = importlib.util.spec_from_file_location(name, path)
    if mod_spec is None or mod_spec.loader is None:
        raise ValueError(f"cannot import {path_text!r} as Python; --model needs a .py file")
    module = importlib.util.module_from_spec(mod_spec)
    sys.path.insert(0, str(path.resolve().parent))  # so the file can import its neighbours
    try:
        mod_spec.loader.exec_module(module)
    except (Exception, SystemExit) as e:  # the user's code: report it, do not crash (nor exit)
        raise ValueError(f"importing {path_text!r} failed: {type(e).__name__}: {_one_line(e)}") from None
    finally:
        sys.path.remove(str(path.resolve().parent))
    fn = getattr(module, factory, None)
    if not callable(fn):
        names = sorted(k for k, v in vars(module).items() if callable(v) and not k.startswith("_")
                       and getattr(v, "__module__", None) == name)
        raise ValueError(f"{path_text!r} has no function {factory!r}; it defines {names}")
    try:
        model = fn()
    except (Exception, SystemExit) as e:
        raise ValueError(f"{factory}() in {path_text!r} failed: {type(e).__name__}: {_one_line(e)}") from None
    if not isinstance(model, nn.Module):
        raise ValueError(f"{factory}() in {path_text!r} must return a torch.nn.Module, got {type(model).__name__}")
    return model


def load_state(model: nn.Module, path: Path) -> None:
    """Load a ``state_dict`` (tensors only) into ``model``."""
    if not path.is_file():
        raise FileNotFoundError(f"state file not found: {str(path)!r}")
    try:
        with warnings.catch_warnings():  # torch warns about a raw pickle's protocol before refusing it
            warnings.simplefilter("ignore")
            state = torch.load(path, weights_only=True, map_location="cpu")
    except pickle.UnpicklingError as e:
        if "Unsupported global" not in str(e):  # not a pickled class: garbage or another format
            raise ValueError(f"{str(path)!r} is not a state_dict written by torch.save (torch.load with "
                             "weights_only=True cannot read it)") from None
        raise ValueError(f"{str(path)!r} is not a state_dict: it holds pickled Python objects, which are never "
                         "loaded (a whole model saved with torch.save(model)?); save model.state_dict()") from None
    except Exception as e:
        raise ValueError(f"{str(path)!r} is not a state_dict file: torch.load(weights_only=True) refused it "
                         f"({type(e).__name__}: {_one_line(e)[:160]})") from None
    if isinstance(state, Mapping) and isinstance(state.get("state_dict"), Mapping):
        state = state["state_dict"]  # a checkpoint that wraps the state dict
    if not (isinstance(state, Mapping) and state and all(isinstance(v, Tensor) for v in state.values())):
        raise ValueError(f"{str(path)!r} holds a {type(state).__name__}, not a state_dict (a mapping of "
                         "parameter names to tensors, as written by torch.save(model.state_dict(), path))")
    try:
        model.load_state_dict(state)
    except Exception as e:
        raise ValueError(f"{str(path)!r} does not fit the model: {_one_line(e)}") from None


def load_data(spec: str) -> tuple[Tensor, Tensor]:
    """``(inputs, targets)`` from a CSV file (the last column is the target) or a data set name."""
    from ..data import DATASETS, build_dataset
    from ..data.csvio import parse_csv_text

    path = Path(spec)
    if spec.lower().endswith(".csv") or (path.exists() and not path.is_dir()):
        from .files import read_text

        text = read_text(path, "--data file")
        first = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
        cols = len(first.split(","))
        if cols < 2:
            raise ValueError(f"{spec!r}: expected at least 2 comma-separated columns (inputs..., target), "
                             f"got {cols} in {first[:60]!r}")
        return parse_csv_text(text, max_rows=None, input_dim=cols - 1)
    if spec not in DATASETS:
        raise ValueError(f"--data {spec!r} is neither a .csv file nor a data set; data sets: {DATASETS.names()}")
    ds = build_dataset(spec)
    x = torch.cat([ds.x_train, ds.x_test]) if ds.x_test is not ds.x_train else ds.x_train
    y = torch.cat([ds.y_train, ds.y_test]) if ds.y_test is not ds.y_train else ds.y_train
    return ds.inputs(x), y


def check_accepts(model: nn.Module, inputs: Tensor, label: str) -> None:
    """One forward pass on a point: a shape or dtype mismatch becomes a one-line error."""
    try:
        with torch.no_grad():
            model(inputs[:1])
    except Exception as e:
        raise ValueError(f"the model does not accept {label} (inputs of shape {tuple(inputs.shape)}): "
                         f"{_one_line(e)}") from None


def from_run(directory: Path) -> Source:
    """A saved run: its model, its training inputs and targets, and its own loss."""
    from ..objectives import LOSSES
    from ..training import load_run

    if not (directory.is_dir() or (directory.is_file() and directory.suffix == ".json")):
        raise FileNotFoundError(f"run not found: {str(directory)!r} (a run directory or an exported run.json)")
    run = load_run(directory)
    if run.note:
        print(f"note: {run.note}", file=sys.stderr)
    dtype = model_dtype(run.model)
    loss, classification = LOSSES.get(run.config.loss), run.data.problem == "classification"
    y = run.data.y_train.to(dtype) if run.data.y_train.is_floating_point() else run.data.y_train
    return Source(run.model, run.data.train_inputs.to(dtype), loss.targets(y, run.data.num_classes),
                  lambda z, t: loss.value(z, t, classification).mean(), f"run {str(directory)!r}")
