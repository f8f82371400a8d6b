"""relulab: a laboratory that shows, measures and explains why neural networks need nonlinear activations.

>>> import relulab as rl
>>> rl.get_activation("relu").piecewise_linear
True
"""

from .activations import ACTIVATIONS as ACTIVATIONS
from .activations import Activation as Activation
from .activations import get_activation as get_activation
from .config import RunConfig as RunConfig
from .models import MLP as MLP
from .registry import Registry as Registry

# isort: split
# -- public API of the later layers (one line each; keep sorted by layer) --
from .analysis.collapse import collapse as collapse
from .analysis.inspect import inspect as inspect
from .analysis.linearity import linearity_table as linearity_table
from .analysis.regions import regions as regions
from .data import DATASETS as DATASETS
from .data import Dataset as Dataset
from .data import build_dataset as build_dataset
from .models import train_perceptron as train_perceptron
from .training import make_dataset as make_dataset

__version__ = "0.1.0"
