"""Objectives: the registries of losses, optimizers and regularizers that a ``RunConfig`` names.

They need only the registry and torch, so they sit below ``config`` (which checks names against them)
and below ``training`` (which uses them).

>>> LOSSES.names(), OPTIMIZERS.names(), REGULARIZERS.names()
(['mse', 'bce', 'cross_entropy'], ['sgd', 'momentum', 'adam'], ['none', 'l1', 'l2'])
"""

from .losses import LOSSES as LOSSES
from .losses import Loss as Loss
from .optimizers import OPTIMIZERS as OPTIMIZERS
from .regularizers import REGULARIZERS as REGULARIZERS
from .regularizers import Regularizer as Regularizer
from .regularizers import apply_penalty as apply_penalty
