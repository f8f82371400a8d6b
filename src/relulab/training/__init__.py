"""Training: the data and model a config describes, the engines and the one choice among them, the
trainer, many runs at once, runs on disk."""

from .build import DTYPES as DTYPES
from .build import build_model as build_model
from .build import make_dataset as make_dataset
from .engines import Choice as Choice
from .engines import choose_engine as choose_engine
from .history import EpochStats as EpochStats
from .history import History as History
from .loop import Trainer as Trainer
from .loop import train as train
from .perceptron import PerceptronTrainer as PerceptronTrainer
from .portable import load_run as load_run
from .portable import load_run_json as load_run_json
from .portable import run_from_dict as run_from_dict
from .portable import run_to_dict as run_to_dict
from .portable import save_run_json as save_run_json
from .run import Run as Run
from .run import TrainingDiverged as TrainingDiverged
