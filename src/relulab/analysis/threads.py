"""``torch_threads(n)``: PyTorch's CPU thread count set for a block, restored afterwards.

Small-tensor loops (1-D fits, deep narrow nets) run fastest on one thread: with more, every tiny
operation pays OpenMP's fork and join, and on a loaded machine a waiting thread stalls them all.

>>> before = torch.get_num_threads()
>>> with torch_threads(1):
...     torch.get_num_threads()
1
>>> torch.get_num_threads() == before
True
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` CPU threads (``None``: leave the count as it is)."""
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ValueError(f"threads must be an integer >= 1 or None, got {n!r}")
    old = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)
