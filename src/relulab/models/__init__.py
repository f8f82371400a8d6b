"""Models: the MLP (any widths, an activation per layer) and the initialisers."""

from .init import INITS as INITS
from .mlp import MLP as MLP
from .perceptron import Perceptron as Perceptron
from .perceptron import train_perceptron as train_perceptron
from .stacked import init_stack as init_stack
