r"""The 8 x 8 handwritten digits: a real data set of 1,797 images in 10 classes (UCI's optical
recognition of handwritten digits, as bundled in scikit-learn's wheel: read from the installed
package, never downloaded).

Each image is 64 pixel intensities ``0..16``, scaled to ``[0, 1]``; they are the raw inputs
``x1..x64`` (row by row). Labels are int64 class indices ``0..9``. ``n`` below 1,797 takes a
random subset (drawn with the data seed's generator); noise adds Gaussian jitter of standard
deviation ``noise`` to every pixel (drawn whatever the noise, so one seed gives the same images at
every noise). The split is :func:`~relulab.data.core.build_dataset`'s: a permutation from the data
seed, the first ``floor(n * train_ratio)`` points for training.

>>> x, y = digits(5, generator=torch.Generator().manual_seed(0))
>>> x.shape, x.dtype, bool(0 <= x.min() and x.max() <= 1), y.dtype
(torch.Size([5, 64]), torch.float64, True, torch.int64)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
from torch import Tensor

from .core import DatasetSpec, register

SIDE = 8
PIXELS = SIDE * SIDE
IMAGES = 1797
CLASSES = 10
MAX_INTENSITY = 16.0


@lru_cache(maxsize=1)
def _images() -> tuple[Tensor, Tensor]:
    """All images ``(1797, 64)`` scaled to [0, 1] and their labels, in scikit-learn's order (read once)."""
    from sklearn.datasets import load_digits  # lazy: scipy's import costs a second or two

    bunch = load_digits()
    x = np.asarray(bunch.data, dtype=np.float64) / MAX_INTENSITY
    y = np.asarray(bunch.target, dtype=np.int64)
    if x.shape != (IMAGES, PIXELS) or set(y.tolist()) != set(range(CLASSES)):
        raise RuntimeError(f"scikit-learn's digits have shape {x.shape}, expected ({IMAGES}, {PIXELS})")
    return torch.tensor(x), torch.tensor(y)


def digits(n: int = IMAGES, noise: float = 0.0, *, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """``n`` of the 1,797 images (all of them in scikit-learn's order, or a random subset) and labels."""
    if n > IMAGES:
        raise ValueError(f"the digits data set has {IMAGES} images, got n = {n}; use at most {IMAGES}")
    x_all, y_all = _images()
    pick = torch.arange(IMAGES) if n == IMAGES else torch.randperm(IMAGES, generator=generator)[:n]
    x, y = x_all[pick], y_all[pick]  # indexing copies: the cached tensors stay as read
    jitter = torch.randn(x.shape, generator=generator, dtype=torch.float64)
    return x + noise * jitter, y


register(DatasetSpec("digits", "classification", PIXELS, IMAGES, CLASSES, (0.0, 1.0), False, digits,
                     "the 8x8 handwritten digits (1,797 images, 10 classes; scikit-learn's bundled copy)"))
