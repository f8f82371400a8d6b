"""``Lab``: the experiment of one session -- config, data, model, trainer -- and every change a page makes.

Changes follow TensorFlow Playground: a new data set, noise, ratio, feature, layer, neuron or
activation rebuilds the data and the network (epoch 0); learning rate, regularization, batch size and
optimizer take effect on the running network (same weights, same epoch). ``reset`` goes back to the
very same initial weights; ``new_weights`` draws the next weight seed. Points the user uploads or
clicks are kept as custom data until another data set is chosen.

Perceptron mode replaces the network by one step unit on the input features, trained one epoch at a
time with Rosenblatt's rule (:func:`relulab.models.perceptron.perceptron_epoch`).
"""

from __future__ import annotations

import copy
from dataclasses import replace

import torch
from torch import Tensor

from ..config import RunConfig
from ..data import DATASETS, Dataset, dataset_from_points, seed_to_int
from ..models import MLP
from ..models.perceptron import perceptron_epoch
from ..training import Run, Trainer, build_model, make_dataset
from ..training.history import EpochStats, History
from .settings import ServerSettings

# RunConfig fields that change how the running network learns, not what it is
HOT_FIELDS = frozenset({"lr", "momentum", "regularization", "reg_rate", "batch_size", "optimizer", "shuffle",
                        "epochs", "target_loss", "engine"})


def next_seed(seed: str) -> str:
    """The data seed after ``seed`` for "regenerate": integers count up, other strings hash.

    >>> next_seed("0"), next_seed("41"), next_seed("0.5") == next_seed("0.5")
    ('1', '42', True)
    """
    return str(int(seed) + 1) if seed.isdigit() else str(seed_to_int(seed) % 1_000_000)


class Lab:
    """One session's experiment. All methods raise ``ValueError`` with a one-line message on bad input."""

    def __init__(self, cfg: RunConfig, settings: ServerSettings) -> None:
        self.settings = settings
        self.custom: tuple[Tensor, Tensor, str] | None = None  # raw points (x, y, problem) from the user
        self.perceptron = False
        self.cfg = cfg
        self._build(cfg)

    # ---- building -------------------------------------------------------------------------------
    def check_limits(self, cfg: RunConfig) -> None:
        s = self.settings
        if len(cfg.hidden) > s.max_layers:
            raise ValueError(f"hidden: at most {s.max_layers} hidden layers on this server, got {len(cfg.hidden)}")
        if any(w > s.max_neurons for w in cfg.hidden):
            raise ValueError(f"hidden: at most {s.max_neurons} neurons per layer on this server, "
                             f"got {list(cfg.hidden)}")
        n = len(self.custom[0]) if self.custom is not None else cfg.num_points()
        if n > s.max_points:
            raise ValueError(f"n_points: at most {s.max_points} points on this server, got {n}")

    @property
    def model_cfg(self) -> RunConfig:
        """The config of the model actually trained (perceptron mode: no hidden layer, zero init)."""
        if self.perceptron:
            return self.cfg.model_copy(update={"hidden": (), "activation": "identity", "init": "zero"})
        return self.cfg

    def _data(self, cfg: RunConfig) -> Dataset:
        if self.custom is None:
            return make_dataset(cfg)
        x, y, problem = self.custom
        return dataset_from_points(x, y, name="custom", problem=problem, train_ratio=cfg.train_ratio,
                                   seed=cfg.data_seed, features=cfg.feature_names())

    def _build(self, cfg: RunConfig, data: Dataset | None = None) -> None:
        self.check_limits(cfg)
        old = self.cfg
        self.cfg = cfg
        try:
            data = data if data is not None else self._data(cfg)
            model = build_model(self.model_cfg, data)
        except Exception:
            self.cfg = old
            raise
        if self.perceptron:
            with torch.no_grad():
                model.linears[0].bias.zero_()
        self.initial = copy.deepcopy(model.state_dict())
        self._new_trainer(data, model)

    def _new_trainer(self, data: Dataset, model: MLP) -> None:
        self.trainer = Trainer(self.model_cfg, data=data, model=model)
        if self.perceptron:
            self.trainer.history = History()
            self.trainer.history.append(self._perceptron_stats())

    def _retrain(self, cfg: RunConfig, data: Dataset | None = None) -> None:
        """Same network, new hyper-parameters or data: a fresh optimizer, the epoch and history kept."""
        old = self.trainer
        self.cfg = cfg
        self._new_trainer(data if data is not None else old.data, old.model)
        self.trainer.epoch, self.trainer.history = old.epoch, old.history
        if data is None:
            self.trainer.dead = old.dead  # L1's frozen links stay frozen

    # ---- changes from the page ------------------------------------------------------------------
    def set_config(self, cfg: RunConfig) -> None:
        changed = {k for k in RunConfig.model_fields if getattr(cfg, k) != getattr(self.cfg, k)}
        if not changed:
            return
        self.check_limits(cfg)
        if changed <= HOT_FIELDS:
            self._retrain(cfg)
            return
        old = (self.custom, self.perceptron)
        if changed & {"dataset", "data_seed", "noise", "n_points"}:
            self.custom = None  # another data set: the user's points go
        if self.perceptron and cfg.problem != "classification":
            self.perceptron = False
        try:
            self._build(cfg)
        except Exception:
            self.custom, self.perceptron = old
            raise

    def reset(self) -> None:
        """Epoch 0 with the same initial weights (and the same data)."""
        model = self.trainer.model
        model.load_state_dict(self.initial)
        self._new_trainer(self.trainer.data, model)

    def new_weights(self) -> None:
        self._build(self.cfg.model_copy(update={"weight_seed": self.cfg.weight_seed + 1}), self.trainer.data)

    def regenerate(self) -> None:
        self.custom = None
        self._build(self.cfg.model_copy(update={"data_seed": next_seed(self.cfg.data_seed)}))

    def open(self, cfg: RunConfig, *, perceptron: bool = False) -> None:
        """Start over from ``cfg`` (a link): generated data, fresh weights, perceptron mode or not."""
        spec = DATASETS.get(cfg.dataset)
        if perceptron:
            self._check_two_classes(spec.name, spec.problem, spec.num_classes)
        self.check_limits(cfg)
        old = (self.custom, self.perceptron)
        self.custom, self.perceptron = None, perceptron
        try:
            self._build(cfg)
        except Exception:
            self.custom, self.perceptron = old
            raise

    @staticmethod
    def _check_two_classes(name: str, problem: str, classes: int) -> None:
        if problem != "classification" or classes != 2:
            two = [n for n, s in DATASETS.items() if s.problem == "classification" and s.num_classes == 2]
            raise ValueError(f"perceptron mode needs a two-class data set, got {name!r}; choose one of {two}")

    def set_perceptron(self, on: bool) -> None:
        if on:
            d = self.trainer.data
            self._check_two_classes(d.name, d.problem, d.num_classes)
        if on != self.perceptron:
            self.perceptron = on
            self._build(self.cfg, self.trainer.data)

    def edit(self, layer: int, kind: str, row: int, col: int | None, value: float) -> None:
        lins = self.trainer.model.linears
        if layer >= len(lins):
            raise ValueError(f"edit: layer {layer} does not exist; the network has {len(lins)} linear layers "
                             f"(0..{len(lins) - 1}, the last one is the output)")
        lin = lins[layer]
        if row >= lin.out_features:
            raise ValueError(f"edit: layer {layer} has {lin.out_features} units (0..{lin.out_features - 1}), got {row}")
        with torch.no_grad():
            if kind == "bias":
                lin.bias[row] = value
            elif col is None or col >= lin.in_features:
                raise ValueError(f"edit: a weight of layer {layer} needs col in 0..{lin.in_features - 1}, got {col}")
            else:
                lin.weight[row, col] = value

    def add_point(self, x: tuple[float, ...], label: float) -> None:
        data = self.trainer.data
        if len(x) != data.input_dim:
            raise ValueError(f"point: this data set has {data.input_dim}-D points, got {len(x)} coordinates")
        if data.problem == "classification" and (data.num_classes != 2 or label not in (-1.0, 1.0)):
            raise ValueError(f"point: a label of this data set is -1 or 1 (two classes), got {label:g}"
                             if data.num_classes == 2 else "point: clicking adds points to two-class sets only")
        n = len(data.x_train) + (0 if data.x_test is data.x_train else len(data.x_test))
        if n + 1 > self.settings.max_points:
            raise ValueError(f"point: at most {self.settings.max_points} points on this server")
        if self.custom is None:
            xs = data.x_train if data.x_test is data.x_train else torch.cat([data.x_train, data.x_test])
            ys = data.y_train if data.x_test is data.x_train else torch.cat([data.y_train, data.y_test])
            self.custom = (xs, ys, data.problem)
        px, py = torch.tensor([x], dtype=torch.float64), torch.tensor([label], dtype=torch.float64)
        self.custom = (torch.cat([self.custom[0], px]), torch.cat([self.custom[1], py]), data.problem)
        new = replace(data, name="custom", x_train=torch.cat([data.x_train, px]),
                      y_train=torch.cat([data.y_train, py.to(data.y_train.dtype)]))
        self._retrain(self.cfg, new)  # a new point joins the training set; the network keeps learning

    def clear_points(self) -> None:
        if self.custom is not None:
            self.custom = None
            self._build(self.cfg)

    def set_points(self, x: Tensor, y: Tensor, problem: str, cfg: RunConfig) -> None:
        """Uploaded points (from a CSV): they replace the data; the network starts again."""
        old = self.custom
        self.custom = (x, y, problem)
        try:
            self._build(cfg)
        except Exception:
            self.custom = old
            raise

    def load(self, run: Run, custom: tuple[Tensor, Tensor, str] | None = None) -> None:
        """An imported run: its config, data and weights (the weights become the reset point)."""
        self.check_limits(run.config)
        self.perceptron = False
        self.custom = custom
        self.cfg = run.config
        self.initial = copy.deepcopy(run.model.state_dict())
        self._new_trainer(run.data, run.model)
        if run.history.epoch:  # go on from where the run stopped
            self.trainer.history, self.trainer.epoch = run.history, run.history.epoch[-1]

    # ---- training -------------------------------------------------------------------------------
    def step(self) -> EpochStats:
        """One epoch; raises ``TrainingDiverged`` (a ValueError) when the loss becomes NaN or infinite."""
        if not self.perceptron:
            return self.trainer.step_epoch()
        t = self.trainer
        lin = t.model.linears[0]
        with torch.no_grad():
            w, b, _ = perceptron_epoch(lin.weight[0].clone(), float(lin.bias[0]), t.x_train,
                                       t.data.y_train.to(t.x_train.dtype), self.cfg.lr)
            lin.weight[0] = w
            lin.bias[0] = b
        t.epoch += 1
        stats = self._perceptron_stats()
        t.history.append(stats)
        return stats

    def _perceptron_stats(self) -> EpochStats:
        """Perceptron mode's "loss" is the error rate: the fraction of points on the wrong side."""
        t = self.trainer

        def err(x: Tensor, y: Tensor) -> float:
            pred = torch.where(t.logits(x)[:, 0] > 0, 1.0, -1.0).to(torch.float64)
            return float((pred != y).double().mean()) if len(y) else float("nan")

        e_tr, e_te = err(t.x_train, t.data.y_train), err(t.x_test, t.data.y_test)
        return EpochStats(t.epoch, e_tr, e_te, 1 - e_tr, 1 - e_te)

    def run(self) -> Run:
        """The current state as a :class:`~relulab.training.Run` (for export)."""
        t = self.trainer
        return Run(self.model_cfg, t.model, t.data, t.history)
