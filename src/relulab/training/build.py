"""What a :class:`~relulab.config.RunConfig` describes, built: its data set, its model, its dtype.

This is the first consumer of ``RunConfig`` above it; the data and model layers below know nothing of
the config (they take plain arguments), so the arrows point one way.

>>> from relulab.config import RunConfig
>>> cfg = RunConfig(dataset="xor", hidden=(3,), n_points=20)
>>> data = make_dataset(cfg)
>>> len(data.x_train), build_model(cfg, data).widths
(10, (2, 3, 1))
"""

from __future__ import annotations

import torch

from ..config import RunConfig
from ..data import Dataset, build_dataset, formula_dataset
from ..models import MLP
from ..objectives import LOSSES

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def make_dataset(cfg: RunConfig) -> Dataset:
    """The data set a config describes (dataset, n, noise, ratio, seed, features; a formula too)."""
    if cfg.dataset == "formula":
        return formula_dataset(cfg.formula or "", n=cfg.num_points(), noise=cfg.noise, train_ratio=cfg.train_ratio,
                               seed=cfg.data_seed, features=cfg.feature_names())
    return build_dataset(cfg.dataset, n=cfg.num_points(), noise=cfg.noise, train_ratio=cfg.train_ratio,
                         seed=cfg.data_seed, features=cfg.feature_names())


def build_model(cfg: RunConfig, data: Dataset, init: str | None = None) -> MLP:
    """The MLP a config describes, initialised from ``cfg.weight_seed`` (its own generator) by ``cfg.init``
    or ``init`` (``"zero"``: a model whose weights are to be filled)."""
    loss = LOSSES.get(cfg.loss)
    return MLP(len(data.features), cfg.hidden, loss.out_dim(data.num_classes), cfg.layer_activations(),
               activation_params=cfg.activation_params, init=init or cfg.init,
               generator=torch.Generator().manual_seed(cfg.weight_seed), dtype=DTYPES[cfg.dtype])
