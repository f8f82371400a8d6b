"""Small sweeps shared by the sweep tests (seconds each)."""

from __future__ import annotations

import math

from relulab.sweep.spec import SweepSpec

SMALL = {"base": {"dataset": "xor", "n_points": 60, "epochs": 15, "lr": 0.1},
         "grid": {"activation": ["relu", "tanh"], "hidden": [[3], [4, 2]]}, "seeds": 3}


def small(**kw) -> SweepSpec:
    return SweepSpec.from_dict({**SMALL, **kw})


def assert_same_numbers(a, b) -> None:
    """Two record lists for the same runs: same keys once each, same metrics (stacking may change the last bits)."""
    assert len({r.key for r in a}) == len(a) == len(b)
    by_key = {r.key: r for r in b}
    for r in a:
        s = by_key[r.key]
        assert (r.status, r.config) == (s.status, s.config)
        for name, v in r.metrics.items():
            w = s.metrics[name]
            assert (v is None and w is None) or math.isclose(v, w, rel_tol=0, abs_tol=1e-12), (name, v, w)
