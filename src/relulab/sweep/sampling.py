"""Random and quasi-random axes beside the grid: a RunConfig field drawn from a distribution.

In a spec, an axis given as a mapping is drawn rather than listed::

    grid:
      activation: [relu, tanh]            # a grid axis
      lr: {loguniform: [0.001, 1]}        # drawn: log-uniform on [0.001, 1]
      momentum: {uniform: [0, 0.9]}
    samples: 16                           # points drawn for the drawn axes together
    sampler: sobol                        # or random (the default)
    sampler_seed: 0                       # stored in the database with the spec: a resume draws the same points

The drawn axes form one joint axis of ``samples`` points, crossed with the grid axes and the seeds
(every grid point and seed gets the same points). ``random``: independent uniforms from a seeded
``torch.Generator``; ``sobol``: a scrambled Sobol sequence (``torch.quasirandom.SobolEngine``), which
covers the box more evenly. Same seed, same torch: same values, so the same run keys.

>>> axes = {"lr": parse_random_axis("lr", {"loguniform": [0.001, 1]})}
>>> pts = draw(axes, 4, "sobol", 0)
>>> len(pts), all(0.001 <= p["lr"] <= 1 for p in pts)
(4, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

MAX_SAMPLES = 1_000_000
DISTRIBUTIONS: dict[str, Callable[[float, float, float], float]] = {
    "uniform": lambda u, lo, hi: lo + u * (hi - lo),
    "loguniform": lambda u, lo, hi: math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))),
}
SAMPLERS = ("random", "sobol")


def parse_random_axis(name: str, d: Any) -> tuple[str, float, float]:
    """``{distribution: [low, high]}`` -> ``(distribution, low, high)``, or one ValueError line."""
    if not (isinstance(d, dict) and len(d) == 1 and next(iter(d)) in DISTRIBUTIONS):
        forms = ", ".join(f"{{{k}: [LOW, HIGH]}}" for k in DISTRIBUTIONS)
        raise ValueError(f"axis {name!r}: a drawn axis is one of {forms}, got {str(d)[:80]}")
    (dist, bounds), = d.items()
    ok = (isinstance(bounds, list | tuple) and len(bounds) == 2
          and all(isinstance(b, int | float) and not isinstance(b, bool) and math.isfinite(b) for b in bounds))
    if not ok or not bounds[0] < bounds[1] or (dist == "loguniform" and bounds[0] <= 0):
        need = "0 < LOW < HIGH" if dist == "loguniform" else "LOW < HIGH"
        raise ValueError(f"axis {name!r}: {dist} wants [LOW, HIGH] with finite numbers, {need}; got {str(bounds)[:80]}")
    return dist, float(bounds[0]), float(bounds[1])


def check_sampling(samples: Any, sampler: Any, seed: Any) -> tuple[int, str, int]:
    if isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= MAX_SAMPLES:
        raise ValueError(f"spec 'samples' must be a count from 1 to {MAX_SAMPLES:,}, got {str(samples)[:80]}")
    if sampler not in SAMPLERS:
        raise ValueError(f"spec 'sampler' must be one of {', '.join(SAMPLERS)}, got {str(sampler)[:80]}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ValueError(f"spec 'sampler_seed' must be an integer from 0 to 2**63 - 1, got {str(seed)[:80]}")
    return samples, sampler, seed


def draw(axes: dict[str, tuple[str, float, float]], samples: int, sampler: str, seed: int) -> tuple[dict, ...]:
    """``samples`` points, each a mapping field -> value, for the drawn ``axes`` (in their order)."""
    import torch

    if sampler == "sobol":
        u = torch.quasirandom.SobolEngine(len(axes), scramble=True, seed=seed).draw(samples, dtype=torch.float64)
    else:
        u = torch.rand(samples, len(axes), generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    rows = u.tolist()
    return tuple({name: DISTRIBUTIONS[d](row[j], lo, hi) for j, (name, (d, lo, hi)) in enumerate(axes.items())}
                 for row in rows)
