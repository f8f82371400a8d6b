"""Data: TensorFlow Playground's sets with its exact semantics, extras, 1-D targets, arithmetic, CSV.

``DATASETS`` maps a name to a :class:`DatasetSpec`; :func:`build_dataset` makes a :class:`Dataset`
(raw float64 points, train/test split, input features); :func:`relulab.training.build.make_dataset`
makes the one a ``RunConfig`` describes. Importing this package
registers every set: the playground's (``toy2d``), the extras (``extra2d``), the 1-D targets
(``targets``), the arithmetic tasks (``arithmetic``) and the 8x8 handwritten digits (``digits``).

>>> DATASETS.names()[:7]
['circle', 'xor', 'gauss', 'spiral', 'reg-plane', 'reg-gauss', 'moons']
>>> ds = build_dataset("xor", n=10, seed="1")
>>> len(ds.x_train), len(ds.x_test), ds.features
(5, 5, ('x1', 'x2'))
"""

# The registration order is the order of the CLI choices and the web page's drop-down.
# isort: off
from . import toy2d as toy2d
from . import extra2d as extra2d
from . import targets as targets
from . import arithmetic as arithmetic
from . import digits as digits

# isort: on
from .arithmetic import OPERATIONS as OPERATIONS
from .arithmetic import sample_outside as sample_outside
from .core import DATASETS as DATASETS
from .core import Dataset as Dataset
from .core import DatasetSpec as DatasetSpec
from .core import build_dataset as build_dataset
from .core import dataset_from_points as dataset_from_points
from .core import playground_shuffle as playground_shuffle
from .core import seed_to_int as seed_to_int
from .core import split_index as split_index
from .csvio import load_csv as load_csv
from .csvio import parse_csv_text as parse_csv_text
from .csvio import save_csv as save_csv
from .csvio import to_csv_text as to_csv_text
from .features import FEATURES as FEATURES
from .features import Feature as Feature
from .features import apply_features as apply_features
from .features import feature as feature
from .features import raw_features as raw_features
from .formula import parse_formula as parse_formula
from .labels import Labels as Labels
from .labels import read_labels as read_labels
from .seedrandom import RandomStream as RandomStream
from .seedrandom import SeedRandom as SeedRandom
from .targets import TARGETS as TARGETS
from .targets import Target as Target
from .targets import formula_dataset as formula_dataset
