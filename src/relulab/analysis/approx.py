r"""1-D approximation with N ReLU units (claims C4, C5): built exactly, or trained; error vs N; extrapolation.

A one-hidden-layer ReLU net ``Linear(1, N) -> ReLU -> Linear(N, 1)`` computes
:math:`g(x) = c_0 + \sum_i c_i \,\mathrm{relu}(w_i x + b_i)`, a piecewise-linear function with a kink at
:math:`k_i = -b_i / w_i` wherever :math:`c_i w_i \ne 0`.

* **constructed** (:func:`interpolant`): knots :math:`t_j = lo + j h`, :math:`h = (hi - lo) / N`, units
  :math:`\mathrm{relu}(x - t_j)` for :math:`j = 0..N-1`, :math:`c_0 = f(t_0)` and :math:`c_j` the change of
  slope at :math:`t_j`: the piecewise-linear interpolant of ``f`` through the N + 1 knots. Its error is at
  most :math:`h^2/8 \cdot \max|f''|` (:func:`interpolation_bound`), so the max error falls like
  :math:`N^{-2}`: slope -2 on a log-log plot.
* **trained** (:func:`train_fits`): the kinks start spread over the interval (one per unit, random
  side), the output weights small (N(0, 0.01^2)), then full-batch Adam with a cosine learning-rate decay on
  MSE. All fits train together as one vectorised sum of independent losses: their parameters are
  disjoint and Adam acts elementwise, so each fit gets exactly the updates it would get alone.

Outside the interval every unit is either off or linear, so the net is affine there (:meth:`Fit.kinks`
lie inside): :func:`approx` measures the max error inside ``interval`` and outside it up to ``outer``.

>>> import math
>>> net = interpolant(torch.sin, 16, (-4.0, 4.0))
>>> x = torch.linspace(-4, 4, 2001, dtype=torch.float64)[:, None]
>>> err = float((net(x).detach()[:, 0] - torch.sin(x[:, 0])).abs().max())
>>> err <= interpolation_bound(torch.sin, 16, (-4.0, 4.0)), round(err, 4)
(True, 0.0306)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

from ..data.targets import TARGETS
from .threads import torch_threads

Fn = Callable[[Tensor], Tensor]
UNITS = (2, 4, 8, 16, 32, 64)
TARGET_NAMES = ("sin", "sigmoid", "exp")
METHODS = ("constructed", "trained")


def _net(w: Tensor, b: Tensor, c: Tensor, c0: float) -> nn.Sequential:
    """``Linear(1, N) -> ReLU -> Linear(N, 1)`` in float64 with the given parameters."""
    n = w.numel()
    net = nn.Sequential(nn.Linear(1, n, dtype=torch.float64), nn.ReLU(), nn.Linear(n, 1, dtype=torch.float64))
    with torch.no_grad():
        net[0].weight.copy_(w.reshape(n, 1))
        net[0].bias.copy_(b.reshape(n))
        net[2].weight.copy_(c.reshape(1, n))
        net[2].bias.fill_(c0)
    return net


def _check(units: int, interval: tuple[float, float]) -> tuple[float, float]:
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise ValueError(f"the number of units must be an integer >= 1, got {units!r}")
    lo, hi = (float(v) for v in interval)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"the interval must be two finite numbers lo < hi, got {interval}")
    return lo, hi


def interpolant(fn: Fn, units: int, interval: tuple[float, float] = (-4.0, 4.0)) -> nn.Sequential:
    r"""The N-unit ReLU net equal to the piecewise-linear interpolant of ``fn`` through N + 1 equispaced knots."""
    lo, hi = _check(units, interval)
    t = torch.linspace(lo, hi, units + 1, dtype=torch.float64)
    slopes = torch.diff(fn(t)) / torch.diff(t)  # (N,) slope of each piece
    c = torch.diff(slopes, prepend=slopes.new_zeros(1))  # change of slope at t_0 .. t_{N-1}
    return _net(torch.ones(units, dtype=torch.float64), -t[:-1], c, float(fn(t[:1])[0]))


def interpolation_bound(fn: Fn, units: int, interval: tuple[float, float] = (-4.0, 4.0)) -> float:
    r""":math:`h^2/8 \cdot \max|f''|` on the interval (f'' by autograd on a 4001-point grid)."""
    lo, hi = _check(units, interval)
    x = torch.linspace(lo, hi, 4001, dtype=torch.float64, requires_grad=True)
    with torch.enable_grad():
        (d1,) = torch.autograd.grad(fn(x).sum(), x, create_graph=True)
        (d2,) = torch.autograd.grad(d1.sum(), x)
    h = (hi - lo) / units
    return h * h / 8 * float(d2.abs().max())


def train_fits(
    fns: Sequence[Fn],
    units: Sequence[int],
    *,
    interval: tuple[float, float] = (-4.0, 4.0),
    n_points: int = 512,
    epochs: int = 3000,
    lr: float = 0.03,
    generator: torch.Generator,
    progress: Callable[[float], None] | None = None,
) -> list[nn.Sequential]:
    """Train one ReLU net per ``(fns[i], units[i])`` on ``n_points`` random points of the interval."""
    if len(fns) != len(units) or not fns:
        raise ValueError(f"need one unit count per function, got {len(fns)} functions and {len(units)} counts")
    lo, hi = _check(min(units), interval)
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    fid = torch.cat([torch.full((n,), i) for i, n in enumerate(units)])  # (U,) fit of each unit
    pos = torch.cat([(torch.arange(n, dtype=torch.float64) + 0.5) / n for n in units])  # in (0, 1)
    kinks = lo + (hi - lo) * pos
    sign = torch.where(torch.rand(fid.numel(), generator=generator) < 0.5, -1.0, 1.0).to(torch.float64)
    x = torch.rand(n_points, generator=generator, dtype=torch.float64) * (hi - lo) + lo  # (P,)
    y = torch.stack([f(x) for f in fns], dim=1)  # (P, F)
    w = sign.clone().requires_grad_(True)
    b = (-sign * kinks).requires_grad_(True)
    c = (0.01 * torch.randn(fid.numel(), generator=generator, dtype=torch.float64)).requires_grad_(True)
    c0 = y.mean(0).clone().requires_grad_(True)
    onehot = torch.nn.functional.one_hot(fid, len(fns)).to(torch.float64)  # (U, F)
    opt = torch.optim.Adam([w, b, c, c0], lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs, eta_min=lr / 100)
    with torch_threads(1):  # tiny tensors: one thread is fastest (see relulab.analysis.threads)
        for epoch in range(epochs):
            opt.zero_grad(set_to_none=True)
            out = (torch.relu(x[:, None] * w + b) * c) @ onehot + c0  # (P, F)
            ((out - y) ** 2).mean(0).sum().backward()  # a sum of independent losses
            opt.step()
            sched.step()
            if progress is not None and (epoch + 1) % 100 == 0:
                progress((epoch + 1) / epochs)
    w, b, c, c0 = (t.detach() for t in (w, b, c, c0))
    return [_net(w[fid == i], b[fid == i], c[fid == i], float(c0[i])) for i in range(len(fns))]


@dataclass(frozen=True)
class Fit:
    """One net fitted to one target, with its max errors inside the interval and outside it."""

    target: str
    method: str  # "constructed" | "trained"
    units: int
    model: nn.Sequential
    inside: float  # max |g - f| on the interval
    outside: float  # max |g - f| on [outer_lo, lo) and (hi, outer_hi]
    bound: float  # h^2/8 max|f''| (the construction's guarantee)

    def kinks(self, tol: float = 1e-9) -> Tensor:
        """Sorted kink positions ``-b_i / w_i`` of the units that bend the output (``|c_i w_i| > tol``)."""
        w, b = self.model[0].weight[:, 0].detach(), self.model[0].bias.detach()
        c = self.model[2].weight[0].detach()
        bend = (c * w).abs() > tol
        return torch.sort(-b[bend] / w[bend]).values

    def _tail(self, x0: float, direction: int, reach: float) -> tuple[Tensor, Tensor]:
        """Points from ``x0`` outward and the straight line through the net's values at both ends."""
        x = torch.linspace(x0, x0 + direction * reach, 2001, dtype=torch.float64)
        y = self(x)
        return x, y[0] + (y[-1] - y[0]) * (x - x[0]) / (x[-1] - x[0])

    def affine_gap(self, reach: float = 8.0) -> float:
        """Max ``|g - line|`` over ``reach`` beyond the outermost kink on each side, relative to ``max |g|``
        there: 0 up to rounding, since past its last kink every unit is constant or linear (a theorem)."""
        k = self.kinks()
        ends = (float(k.min()), float(k.max())) if k.numel() else (0.0, 0.0)
        gaps = []
        for x0, direction in zip(ends, (-1, 1), strict=True):
            x, line = self._tail(x0, direction, reach)
            y = self(x)
            gaps.append(float((y - line).abs().max() / max(1.0, float(y.abs().max()))))
        return max(gaps)

    def bend(self, interval: tuple[float, float]) -> tuple[float, float]:
        """How far the net bends outside ``interval`` before its outermost kink on each side (left, right):
        max ``|g - l|`` between the interval's edge and the kink, ``l`` the straight line the net follows
        past the kink (0 where no kink lies outside)."""
        k = self.kinks()
        out = []
        for edge, direction in zip(interval, (-1, 1), strict=True):
            far = (float(k.min()) if direction < 0 else float(k.max())) if k.numel() else edge
            if (far - edge) * direction <= 0:
                out.append(0.0)
                continue
            x = torch.linspace(edge, far, 2001, dtype=torch.float64)
            ref = torch.tensor([far, far + direction], dtype=torch.float64)
            y0, y1 = self(ref).tolist()
            out.append(float((self(x) - (y0 + (y1 - y0) * (x - far) * direction)).abs().max()))
        return out[0], out[1]

    def __call__(self, x: Tensor) -> Tensor:
        """``g(x)`` for ``x`` of shape ``(n,)``."""
        with torch.no_grad():
            return self.model(x.to(torch.float64)[:, None])[:, 0]


@dataclass
class Approximation:
    """All fits of :func:`approx`; ``slope`` and ``errors`` read the error-vs-N curves."""

    interval: tuple[float, float]
    outer: tuple[float, float]
    fits: list[Fit] = field(default_factory=list)

    def get(self, target: str, method: str, units: int) -> Fit:
        for f in self.fits:
            if (f.target, f.method, f.units) == (target, method, units):
                return f
        raise ValueError(f"no fit for target={target!r}, method={method!r}, units={units}; "
                         f"have {sorted({(f.target, f.method, f.units) for f in self.fits})}")

    @property
    def targets(self) -> list[str]:
        return list(dict.fromkeys(f.target for f in self.fits))

    @property
    def units(self) -> list[int]:
        return sorted({f.units for f in self.fits})

    def errors(self, target: str, method: str, where: str = "inside") -> list[float]:
        """Max error per N (ascending N)."""
        return [getattr(self.get(target, method, n), where) for n in self.units]

    def slope(self, target: str, method: str) -> float:
        """Least-squares slope of log(max error inside) against log N."""
        ln = torch.log(torch.tensor(self.units, dtype=torch.float64))
        le = torch.log(torch.tensor(self.errors(target, method), dtype=torch.float64))
        ln, le = ln - ln.mean(), le - le.mean()
        return float((ln * le).sum() / (ln * ln).sum())

    def spacing(self, units: int) -> float:
        return (self.interval[1] - self.interval[0]) / units

    def rows(self) -> list[dict]:
        """One JSON-ready row per fit."""
        out = []
        for f in self.fits:
            k = f.kinks()
            out.append({"target": f.target, "method": f.method, "units": f.units, "inside": f.inside,
                        "outside": f.outside, "bound": f.bound, "kinks": int(k.numel()),
                        "kink_min": float(k.min()) if k.numel() else None,
                        "kink_max": float(k.max()) if k.numel() else None})
        return out


def _max_errors(fit_fn: Fn, fn: Fn, interval: tuple[float, float], outer: tuple[float, float]) -> tuple[float, float]:
    lo, hi = interval
    xin = torch.linspace(lo, hi, 4001, dtype=torch.float64)
    xout = torch.cat([torch.linspace(outer[0], lo, 2001, dtype=torch.float64)[:-1],
                      torch.linspace(hi, outer[1], 2001, dtype=torch.float64)[1:]])
    return (float((fit_fn(xin) - fn(xin)).abs().max()), float((fit_fn(xout) - fn(xout)).abs().max()))


def approx(
    targets: Sequence[str] = TARGET_NAMES,
    units: Sequence[int] = UNITS,
    *,
    methods: Sequence[str] = METHODS,
    interval: tuple[float, float] = (-4.0, 4.0),
    outer: tuple[float, float] = (-8.0, 8.0),
    epochs: int = 3000,
    generator: torch.Generator,
    progress: Callable[[float], None] | None = None,
) -> Approximation:
    """Fit every target (names in ``relulab.data.TARGETS``) with every N, built and/or trained; see above.

    >>> r = approx(["sin"], [4, 16], methods=["constructed"], generator=torch.Generator())
    >>> [round(e, 3) for e in r.errors("sin", "constructed")], round(r.slope("sin", "constructed"), 2)
    ([0.391, 0.031], -1.84)
    """
    lo, hi = _check(min(units), interval)
    if not (outer[0] < lo and outer[1] > hi):
        raise ValueError(f"outer must contain the interval strictly, got outer={outer}, interval={interval}")
    bad = [m for m in methods if m not in METHODS]
    if bad or not methods:
        raise ValueError(f"unknown method(s) {bad or list(methods)}; choose from {list(METHODS)}")
    fns = {t: TARGETS.get(t).fn for t in targets}
    result = Approximation((lo, hi), (float(outer[0]), float(outer[1])))
    nets: dict[tuple[str, str, int], nn.Module] = {}
    if "constructed" in methods:
        for t in targets:
            for n in units:
                nets[t, "constructed", n] = interpolant(fns[t], n, (lo, hi))
    if "trained" in methods:
        pairs = [(t, n) for t in targets for n in units]
        trained = train_fits([fns[t] for t, _ in pairs], [n for _, n in pairs], interval=(lo, hi),
                             epochs=epochs, generator=generator, progress=progress)
        nets.update({(t, "trained", n): net for (t, n), net in zip(pairs, trained, strict=True)})
    for (t, m, n), net in nets.items():
        f = Fit(t, m, n, net, 0.0, 0.0, interpolation_bound(fns[t], n, (lo, hi)))
        inside, outside = _max_errors(f, fns[t], (lo, hi), result.outer)
        result.fits.append(Fit(t, m, n, net, inside, outside, f.bound))
    return result
