r"""``speed()``: throughput of every activation as a multiple of a plain memory copy (claim C7).

On one large tensor ``x`` (default :math:`2^{24}` float32 values, N(0, 1)) each activation ``f`` is timed

* ``forward``: ``y = f(x)``, a freshly allocated output -- against ``x.clone()``;
* ``inplace``: ``f`` applied in place to a preallocated buffer holding ``x`` (PyTorch's in-place form,
  ``torch.relu_``, ``F.elu_``, ...; ``None`` where PyTorch has none) -- against ``y.copy_(x)``;
* ``forward_backward``: ``f(x).backward(g)`` with a fresh ``x.grad`` -- against ``x.clone()``.

Each is the best of ``repeats`` runs after one warm-up (the least disturbed by other processes); a
ratio near 1 means the activation costs what reading and writing the tensor costs (memory-bound). The
same code runs on any ``device`` (CUDA work is synchronised before the clock stops). ``threads`` sets
PyTorch's CPU thread count for the measurement (restored afterwards); the count used is recorded.

>>> r = speed(["relu", "tanh"], numel=2**12, repeats=2)
>>> sorted(r.ratios()), sorted(r.ratios()["relu"])
(['copy', 'relu', 'tanh'], ['forward', 'forward_backward', 'inplace'])
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import Tensor

from ..activations import activation_names, get_activation
from .threads import torch_threads

# PyTorch's in-place form of each activation, where it has one (``params`` are the registry's values).
INPLACE: dict[str, Callable[..., Tensor]] = {
    "identity": lambda x: x,
    "sigmoid": torch.sigmoid_,
    "tanh": torch.tanh_,
    "relu": torch.relu_,
    "leaky_relu": lambda x, negative_slope: F.leaky_relu_(x, negative_slope),
    "elu": lambda x, alpha: F.elu_(x, alpha),
    "selu": torch.selu_,
    "celu": lambda x, alpha: torch.celu_(x, alpha),
    "silu": lambda x: F.silu(x, inplace=True),
    "mish": lambda x: F.mish(x, inplace=True),
    "relu6": lambda x: F.relu6(x, inplace=True),
    "hardtanh": lambda x, min_val, max_val: F.hardtanh_(x, min_val, max_val),
    "hardsigmoid": lambda x: F.hardsigmoid(x, inplace=True),
    "abs": torch.abs_,
}
KINDS = ("forward", "inplace", "forward_backward")
WARMUP = 2  # the allocator only reuses a large block from the second free on (glibc's mmap threshold)


@dataclass
class Speed:
    """Best times in seconds, and for each the matching copy timed next to it (``baseline``: the better of
    the copies timed just before and just after the row).

    ``ratios()`` divides each time by its own adjacent copy, so a load that comes and goes on a shared
    machine disturbs both sides of a ratio alike, and one disturbed copy does not skew a ratio alone.
    """

    device: str
    dtype: str
    numel: int
    threads: int
    repeats: int
    times: dict[str, dict[str, float | None]] = field(default_factory=dict)  # name -> kind -> seconds
    baseline: dict[str, dict[str, float]] = field(default_factory=dict)  # name -> kind -> copy seconds

    @property
    def copy(self) -> float:
        """Best time of ``x.clone()`` over the whole run."""
        return min(b["forward"] for b in self.baseline.values())

    @property
    def copy_into(self) -> float:
        """Best time of ``buf.copy_(x)`` over the whole run."""
        return min(b["inplace"] for b in self.baseline.values())

    def ratios(self) -> dict[str, dict[str, float | None]]:
        """``{name: {kind: time / copy time}}``; the row ``copy`` is the copy timed like an activation (~1)."""
        return {n: {k: (None if t is None else t / self.baseline[n][k]) for k, t in row.items()}
                for n, row in self.times.items()}

    def to_dict(self) -> dict:
        return {"device": self.device, "dtype": self.dtype, "numel": self.numel, "threads": self.threads,
                "repeats": self.repeats, "copy_seconds": self.copy, "copy_into_seconds": self.copy_into,
                "seconds": self.times, "ratios": self.ratios()}


def _timer(device: torch.device) -> Callable[[], float]:
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    def now() -> float:
        sync()
        return time.perf_counter()

    return now


def _best(fn: Callable[[], object], repeats: int, now: Callable[[], float],
          setup: Callable[[], object] = lambda: None) -> float:
    best = float("inf")
    for i in range(repeats + WARMUP):  # warm-up runs: page faults of fresh allocations, caches, lazy init
        setup()
        t0 = now()
        fn()
        dt = now() - t0
        if i >= WARMUP:
            best = min(best, dt)
    return best


def speed(
    activations: Sequence[str] | None = None,
    *,
    numel: int = 2**24,
    repeats: int = 5,
    device: str | torch.device = "cpu",
    dtype: torch.dtype = torch.float32,
    threads: int | None = None,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> Speed:
    """Time every activation (default: all registered) on a ``numel``-element tensor; see above."""
    names = list(activations) if activations is not None else activation_names()
    acts = {n: get_activation(n) for n in names}  # unknown names fail here, with the list of names
    if isinstance(numel, bool) or not isinstance(numel, int) or numel < 1:
        raise ValueError(f"numel must be an integer >= 1, got {numel!r}")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be an integer >= 1, got {repeats!r}")
    dev = torch.device(device)
    with torch_threads(threads):
        now = _timer(dev)
        x = torch.randn(numel, generator=torch.Generator().manual_seed(seed), dtype=dtype).to(dev)
        buf, g = torch.empty_like(x), torch.ones_like(x)
        xg = x.detach().clone().requires_grad_(True)
        _best(lambda: x.clone(), 2, now)  # untimed: the allocator's first large blocks fault their pages in
        result = Speed(str(dev), str(dtype).removeprefix("torch."), numel, torch.get_num_threads(), repeats)
        # the row "copy" times the copy like an activation: its ratios read about 1 when the clock is fair
        rows: list[tuple[str, Callable[[Tensor], Tensor], Callable[[Tensor], Tensor] | None]] = [
            ("copy", torch.clone, lambda t: t.copy_(x))]
        for n, a in acts.items():
            p = a.resolve()
            inplace = INPLACE.get(a.name)
            rows.append((n, lambda t, a=a, p=p: a.fn(t, **p),
                         None if inplace is None else lambda t, f=inplace, p=p: f(t, **p)))

        def clear_grad() -> None:
            xg.grad = None

        def refill() -> None:
            buf.copy_(x)

        def copies() -> tuple[float, float]:
            return _best(lambda: x.clone(), repeats, now), _best(lambda: buf.copy_(x), repeats, now)

        before = copies()
        for i, (n, fwd, inpl) in enumerate(rows):
            t_fwd = _best(lambda fwd=fwd: fwd(x), repeats, now)
            t_fb = _best(lambda fwd=fwd: fwd(xg).backward(g), repeats, now, setup=clear_grad)
            t_in = None if inpl is None else _best(lambda inpl=inpl: inpl(buf), repeats, now, setup=refill)
            after = copies()
            c_out, c_in = min(before[0], after[0]), min(before[1], after[1])
            result.times[n] = {"forward": t_fwd, "inplace": t_in, "forward_backward": t_fb}
            result.baseline[n] = {"forward": c_out, "inplace": c_in, "forward_backward": c_out}
            before = after
            if progress is not None:
                progress((i + 1) / len(rows))
        return result
