"""relulab: a laboratory that shows, measures and explains why neural networks need nonlinear activations.

>>> import relulab as rl
>>> rl.get_activation("relu").piecewise_linear
True

The names below are imported on first use (PEP 562), so that ``import relulab`` and ``relulab
--help`` load only what they use: ``import relulab`` costs little more than ``import torch``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it (keep sorted by layer)
_LAZY = {
    "Registry": "registry",
    "ACTIVATIONS": "activations", "Activation": "activations", "get_activation": "activations",
    "DATASETS": "data", "Dataset": "data", "build_dataset": "data",
    "MLP": "models", "train_perceptron": "models",
    "RunConfig": "config",
    "make_dataset": "training",
    "approx": "analysis.approx",
    "collapse": "analysis.collapse",
    "inspect": "analysis.inspect",
    "linearity_table": "analysis.linearity",
    "regions": "analysis.regions",
    "speed": "analysis.speed",
    "sweep": "sweep", "load_sweep": "sweep",  # rl.sweep(spec, db=...); the package itself is callable too
    "Playground": "notebook",  # the notebook widget (extra relulab[notebook]); anywidget loads on first use
}
__all__ = sorted(_LAZY)

if TYPE_CHECKING:  # what static tools see; at run time __getattr__ imports on first use
    from .activations import ACTIVATIONS as ACTIVATIONS
    from .activations import Activation as Activation
    from .activations import get_activation as get_activation
    from .analysis.approx import approx as approx
    from .analysis.collapse import collapse as collapse
    from .analysis.inspect import inspect as inspect
    from .analysis.linearity import linearity_table as linearity_table
    from .analysis.regions import regions as regions
    from .analysis.speed import speed as speed
    from .config import RunConfig as RunConfig
    from .data import DATASETS as DATASETS
    from .data import Dataset as Dataset
    from .data import build_dataset as build_dataset
    from .models import MLP as MLP
    from .models import train_perceptron as train_perceptron
    from .notebook import Playground as Playground
    from .registry import Registry as Registry
    from .sweep import load_sweep as load_sweep
    from .sweep import sweep as sweep
    from .training import make_dataset as make_dataset


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'relulab' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
