r"""Activation cost that knows its own noise (claim C7): interleaved rounds, the copy timed against itself.

For each tensor size (default :math:`2^{16} \dots 2^{26}` float32 values) every round times (best of 3
back-to-back calls, after a warm-up), in an order rotated from round to round, a plain copy
``x.clone()`` (twice: ``copy`` and ``copy_again``) and each activation's out-of-place forward ``f(x)``.
A ratio of two operations is taken *within* a round, so a load that comes and goes disturbs both sides
alike; the ratio ``copy_again / copy`` -- identical work -- shows how much two timings differ by noise
alone in this very run (:meth:`SpeedCurve.noise`).

>>> c = speed_curve(["relu", "tanh"], sizes=[2**10], rounds=3)
>>> len(c.ratios(2**10, "relu", "tanh")), c.noise(2**10) >= 1.0
(3, True)
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch

from ..activations import get_activation
from .speed import _best, _timer
from .threads import torch_threads

SIZES = tuple(2**k for k in range(16, 27, 2))
COPIES = ("copy", "copy_again")
BEST_OF = 3  # each operation's time in a round: the best of 3 back-to-back calls (after _best's warm-up)


@dataclass
class SpeedCurve:
    """``times[size][name]``: one forward time (seconds) per round; ``name`` an activation or a copy."""

    device: str
    threads: int
    rounds: int
    times: dict[int, dict[str, list[float]]] = field(default_factory=dict)

    def ratios(self, size: int, a: str, b: str) -> list[float]:
        """``time(a) / time(b)`` round by round."""
        return [x / y for x, y in zip(self.times[size][a], self.times[size][b], strict=True)]

    def median_ratio(self, size: int, a: str, b: str) -> float:
        return statistics.median(self.ratios(size, a, b))

    def noise(self, size: int) -> float:
        """The factor by which identical work varied in this run: ``max / min`` of ``copy_again / copy`` over
        the rounds (1 = no noise)."""
        r = self.ratios(size, "copy_again", "copy")
        return max(r) / min(r)

    def to_dict(self) -> dict:
        return {"device": self.device, "threads": self.threads, "rounds": self.rounds,
                "times": {str(s): t for s, t in self.times.items()}}


def speed_curve(activations: Sequence[str], *, sizes: Sequence[int] = SIZES, rounds: int = 7,
                device: str | torch.device = "cpu", threads: int | None = None, seed: int = 0,
                progress: Callable[[float], None] | None = None) -> SpeedCurve:
    """Interleaved forward timings of the copy (twice) and each activation at every size; see above."""
    acts = {n: get_activation(n) for n in activations}
    if rounds < 2 or not sizes or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes):
        raise ValueError(f"need rounds >= 2 and sizes that are integers >= 1, got rounds={rounds}, sizes={sizes}")
    dev = torch.device(device)
    with torch_threads(threads):
        now = _timer(dev)
        out = SpeedCurve(str(dev), torch.get_num_threads(), rounds)
        ops: dict[str, Callable[[torch.Tensor], object]] = {"copy": torch.clone, "copy_again": torch.clone}
        ops.update({n: (lambda t, a=a, p=a.resolve(): a.fn(t, **p)) for n, a in acts.items()})
        names = list(ops)
        for i, size in enumerate(sizes):
            x = torch.randn(size, generator=torch.Generator().manual_seed(seed), dtype=torch.float32).to(dev)
            for n in names:  # untimed: page faults of the first large blocks, lazy init
                _best(lambda n=n, x=x: ops[n](x), 1, now)
            times: dict[str, list[float]] = {n: [] for n in names}
            for r in range(rounds):
                order = names[r % len(names):] + names[:r % len(names)]  # rotated: no name always first
                for n in order:
                    times[n].append(_best(lambda n=n, x=x: ops[n](x), BEST_OF, now))
            out.times[size] = times
            if progress is not None:
                progress((i + 1) / len(sizes))
    return out


def log2_size(size: int) -> int:
    return int(round(math.log2(size)))
