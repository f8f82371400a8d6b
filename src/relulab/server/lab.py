"""``Lab``: the experiment of one session -- config, data, model, trainer -- and every change a page makes.

Changes follow TensorFlow Playground: a new data set, noise, ratio, feature, layer, neuron or
activation rebuilds the data and the network (epoch 0); learning rate, regularization, batch size and
optimizer take effect on the running network (same weights, same epoch). ``reset`` goes back to the
very same initial weights; ``new_weights`` draws the next weight seed. Points the user uploads or
clicks are kept as custom data until another data set is chosen.

Every change goes through :meth:`Lab.replace`: it checks the server's limits, builds the new data,
model and trainer aside, and commits them only when all of it built -- a refused change leaves the
config, the data and the share link exactly as they were.

Perceptron mode replaces the network by one step unit on the input features, trained one epoch at a
time with Rosenblatt's rule (:class:`relulab.training.PerceptronTrainer`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from dataclasses import replace as with_fields
from typing import Any

import torch
from torch import Tensor

from ..config import RunConfig
from ..data import DATASETS, Dataset, dataset_from_points, seed_to_int
from ..i18n import Refusal
from ..training import PerceptronTrainer, Run, Trainer, build_model, make_dataset
from ..training.history import EpochStats
from .settings import ServerSettings

# RunConfig fields that change how the running network learns, not what it is
HOT_FIELDS = frozenset({"lr", "momentum", "regularization", "reg_rate", "batch_size", "optimizer", "shuffle",
                        "epochs", "target_loss", "engine"})
DATA_FIELDS = frozenset({"dataset", "data_seed", "noise", "n_points"})  # another data set: custom points go
_KEEP: Any = object()


@dataclass(frozen=True)
class Points:
    """Raw points the user uploaded or clicked: ``x`` ``(n, d)``, labels ``y`` ``(n,)``."""

    x: Tensor
    y: Tensor
    problem: str
    num_classes: int = 2  # classification: -1/+1 labels for two, 0..k-1 for more


def next_seed(seed: str) -> str:
    """The data seed after ``seed`` for "regenerate": integers count up, other strings hash.

    >>> next_seed("0"), next_seed("41"), next_seed("0.5") == next_seed("0.5")
    ('1', '42', True)
    """
    return str(int(seed) + 1) if seed.isdigit() else str(seed_to_int(seed) % 1_000_000)


def _all_points(data: Dataset) -> Points:
    same = data.x_test is data.x_train
    return Points(data.x_train if same else torch.cat([data.x_train, data.x_test]),
                  data.y_train if same else torch.cat([data.y_train, data.y_test]), data.problem, data.num_classes)


class Lab:
    """One session's experiment. All methods raise ``ValueError`` with a one-line message on bad input
    and then leave the lab as it was."""

    def __init__(self, cfg: RunConfig, settings: ServerSettings) -> None:
        self.settings = settings
        self.cfg = cfg
        self.custom: Points | None = None
        self.perceptron = False
        self.speed = 1  # epochs per frame (part of the cost limit)
        self.replace(cfg)

    @property
    def model_cfg(self) -> RunConfig:
        """The config of the model actually trained (perceptron mode: no hidden layer, zero init)."""
        return self._model_cfg(self.cfg, self.perceptron)

    @staticmethod
    def _model_cfg(cfg: RunConfig, perceptron: bool) -> RunConfig:
        return cfg.model_copy(update={"hidden": (), "activation": "identity", "init": "zero"}) if perceptron else cfg

    # ---- the one way to change the lab ----------------------------------------------------------
    def replace(self, cfg: RunConfig | None = None, *, custom: Points | None = _KEEP, perceptron: bool | None = None,
                speed: int | None = None, data: Dataset | None = None, model: Any = None, hot: bool = False,
                history: Any = None) -> None:
        """Build the lab's next state from the changes given, check it, and commit it only when it is valid.

        ``hot``: same network (and epoch, history, L1's frozen links), new hyper-parameters or data;
        ``data``/``model``: use these instead of building them (a new point, an imported run).
        """
        cfg = self.cfg if cfg is None else cfg
        custom = self.custom if custom is _KEEP else custom
        perceptron = self.perceptron if perceptron is None else perceptron
        speed = self.speed if speed is None else speed
        spec = DATASETS.get(cfg.dataset)
        points = len(data.x_train) + (0 if data.x_test is data.x_train else len(data.x_test)) if data is not None \
            else len(custom.x) if custom is not None else cfg.num_points()
        classes = (data.num_classes if data is not None else custom.num_classes if custom is not None
                   else spec.num_classes)
        outputs = classes if classes > 2 and cfg.loss == "cross_entropy" else 1
        self.settings.check(cfg, points=points, epochs_per_frame=speed, outputs=outputs)
        mcfg = self._model_cfg(cfg, perceptron)
        old = getattr(self, "trainer", None)
        if hot and old is not None:
            data = data if data is not None else old.data
            trainer = self._trainer(mcfg, data, old.model, perceptron)
            trainer.continue_from(old.history, old.dead if data is old.data else None)  # L1's frozen links
            initial = self.initial
        else:
            if data is None:
                data = make_dataset(cfg) if custom is None else dataset_from_points(
                    custom.x, custom.y, name="custom", problem=custom.problem, train_ratio=cfg.train_ratio,
                    seed=cfg.data_seed, features=cfg.feature_names(),
                    num_classes=custom.num_classes)
            if model is None and not perceptron:  # the perceptron builds its own unit (zero weights)
                model = build_model(mcfg, data)
            trainer = self._trainer(mcfg, data, model, perceptron)
            initial = copy.deepcopy(trainer.model.state_dict())
            if history is not None and history.epoch:  # an imported run goes on from where it stopped
                trainer.continue_from(history)
        # everything built: commit
        self.cfg, self.custom, self.perceptron, self.speed = cfg, custom, perceptron, speed
        self.trainer, self.initial = trainer, initial

    @staticmethod
    def _trainer(cfg: RunConfig, data: Dataset, model: Any, perceptron: bool) -> Any:
        return (PerceptronTrainer if perceptron else Trainer)(cfg, data=data, model=model)

    # ---- changes from the page ------------------------------------------------------------------
    def set_config(self, cfg: RunConfig) -> None:
        changed = {k for k in RunConfig.model_fields if getattr(cfg, k) != getattr(self.cfg, k)}
        if not changed:
            return
        perceptron = self.perceptron and cfg.problem == "classification"
        self.replace(cfg, hot=changed <= HOT_FIELDS and perceptron == self.perceptron,
                     custom=None if changed & DATA_FIELDS else _KEEP, perceptron=perceptron)

    def set_speed(self, speed: int) -> None:
        self.replace(speed=speed, hot=True)

    def reset(self) -> None:
        """Epoch 0 with the same initial weights (and the same data)."""
        model = copy.deepcopy(self.trainer.model)
        model.load_state_dict(self.initial)
        self.replace(data=self.trainer.data, model=model)

    def new_weights(self) -> None:
        self.replace(self.cfg.model_copy(update={"weight_seed": self.cfg.weight_seed + 1}), data=self.trainer.data)

    def regenerate(self) -> None:
        self.replace(self.cfg.model_copy(update={"data_seed": next_seed(self.cfg.data_seed)}), custom=None)

    def open(self, cfg: RunConfig, *, perceptron: bool = False, speed: int = 1) -> None:
        """Start over from ``cfg`` (a link): generated data, fresh weights, perceptron mode or not."""
        spec = DATASETS.get(cfg.dataset)
        if perceptron:
            self._check_two_classes(spec.name, spec.problem, spec.num_classes)
        self.replace(cfg, custom=None, perceptron=perceptron, speed=speed)

    @staticmethod
    def _check_two_classes(name: str, problem: str, classes: int) -> None:
        if problem != "classification" or classes != 2:
            two = [n for n, s in DATASETS.items() if s.problem == "classification" and s.num_classes == 2]
            raise Refusal("perceptron mode needs a two-class data set, got {name}; choose one of {list}",
                          name=repr(name), list=two)

    def set_perceptron(self, on: bool) -> None:
        if on:
            d = self.trainer.data
            self._check_two_classes(d.name, d.problem, d.num_classes)
        if on != self.perceptron:
            self.replace(perceptron=on, data=self.trainer.data)

    def edit(self, layer: int, kind: str, row: int, col: int | None, value: float) -> None:
        lins = self.trainer.model.linears
        if layer >= len(lins):
            raise Refusal("edit: layer {layer} does not exist; the network has {n} linear layers (0..{top}, the "
                          "last one is the output)", layer=layer, n=len(lins), top=len(lins) - 1)
        lin = lins[layer]
        if row >= lin.out_features:
            raise Refusal("edit: layer {layer} has {n} units (0..{top}), got {got}", layer=layer,
                          n=lin.out_features, top=lin.out_features - 1, got=row)
        with torch.no_grad():
            if kind == "bias":
                lin.bias[row] = value
            elif col is None or col >= lin.in_features:
                raise Refusal("edit: a weight of layer {layer} needs col in 0..{top}, got {got}", layer=layer,
                              top=lin.in_features - 1, got=col)
            else:
                lin.weight[row, col] = value

    def add_point(self, x: tuple[float, ...], label: float) -> None:
        data = self.trainer.data
        if len(x) != data.input_dim:
            raise Refusal("point: this data set has {d}-D points, got {got} coordinates", d=data.input_dim,
                          got=len(x))
        if data.problem == "classification" and (data.num_classes != 2 or label not in (-1.0, 1.0)):
            raise (Refusal("point: a label of this data set is -1 or 1 (two classes), got {got}", got=f"{label:g}")
                   if data.num_classes == 2 else Refusal("point: clicking adds points to two-class sets only"))
        base = self.custom if self.custom is not None else _all_points(data)
        px, py = torch.tensor([x], dtype=torch.float64), torch.tensor([label], dtype=torch.float64)
        custom = Points(torch.cat([base.x, px]), torch.cat([base.y, py]), data.problem, data.num_classes)
        new = with_fields(data, name="custom", x_train=torch.cat([data.x_train, px]),
                          y_train=torch.cat([data.y_train, py.to(data.y_train.dtype)]))
        self.replace(custom=custom, data=new, hot=True)  # a new point joins the training set; training goes on

    def clear_points(self) -> None:
        if self.custom is not None:
            self.replace(custom=None)

    def set_points(self, points: Points, cfg: RunConfig) -> None:
        """Uploaded points (from a CSV): they replace the data; the network starts again."""
        self.replace(cfg, custom=points, perceptron=False)

    def load(self, run: Run, *, custom: bool) -> None:
        """An imported run: its config, data and weights (the weights become the reset point)."""
        self.replace(run.config, custom=_all_points(run.data) if custom else None, perceptron=False,
                     data=run.data, model=run.model, history=run.history)

    # ---- training -------------------------------------------------------------------------------
    def step(self) -> EpochStats:
        """One epoch; raises ``TrainingDiverged`` (a ValueError) when the loss becomes NaN or infinite."""
        return self.trainer.step_epoch()

    def run(self) -> Run:
        """The current state as a :class:`~relulab.training.Run` (for export)."""
        t = self.trainer
        return Run(self.model_cfg, t.model, t.data, t.history)
