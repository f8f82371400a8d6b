"""C4: enough ReLUs approximate any continuous function on a bounded interval (universal approximation).

sin, sigmoid and exp(x/2) on [-4, 4] with N ReLU units, N in {2, 4, ..., 64}: built exactly (the
piecewise-linear interpolant through N + 1 knots, whose max error is at most h^2/8 max|f''|, slope -2
on a log-log plot) and trained (Adam, kinks initialised over the interval); see :mod:`relulab.analysis.approx`.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..analysis.approx import TARGET_NAMES, UNITS, approx
from .registry import CLAIMS, register_claim
from .result import ClaimResult, Figure, Measurement, Verdict

ID = "C4"
TITLE = "ReLU units approximate continuous functions"
TEXT = ("Enough ReLUs approximate any continuous function on a bounded interval (universal approximation): "
        "a sine on [-4, 4], a sigmoid-like curve from a few ReLUs, an exponential.")
RULE = ("holds when the constructed interpolant's error-vs-N slope for sin is in [-2.3, -1.7], and trained max "
        "error at N = 64 below that at N = 4 for all three targets; caveat when trained error is not monotone in N")
EPOCHS = {True: 1000, False: 3000}


def decide(m: dict) -> tuple[Verdict, list[str]]:
    """``m``: ``units`` (ascending), ``slope_sin_constructed``, ``trained_error`` {target: [max error per N]}."""
    units, slope, errs = list(m["units"]), m["slope_sin_constructed"], m["trained_error"]
    i4, i64 = units.index(4), units.index(64)
    failed = []
    if not -2.3 <= slope <= -1.7:
        failed.append(f"the constructed interpolant's slope for sin is {slope:.2f}, outside [-2.3, -1.7]")
    for t, e in errs.items():
        if not e[i64] < e[i4]:
            failed.append(f"trained {t}: max error at N = 64 ({e[i64]:.3g}) is not below N = 4 ({e[i4]:.3g})")
    if failed:
        return Verdict.FAILS, failed
    caveats = [f"trained {t}: max error is not monotone in N ({', '.join(f'{v:.2g}' for v in e)} for N = {units})"
               for t, e in errs.items() if any(b > a for a, b in zip(e, e[1:], strict=False))]
    return (Verdict.CAVEATS if caveats else Verdict.HOLDS), caveats


@register_claim(ID, TITLE, TEXT, RULE, decide)
def run(quick: bool = False, seed: int = 0, device: str = "cpu",
        progress: Callable[[float], None] | None = None) -> ClaimResult:
    from ..viz.approx import plot_error_vs_n  # matplotlib: only when a claim runs

    # 1-D nets of at most 64 units: the CPU is the right place whatever ``device`` says.
    r = approx(TARGET_NAMES, UNITS, epochs=EPOCHS[quick], generator=torch.Generator().manual_seed(seed),
               progress=progress)
    m = {"units": r.units, "slope_sin_constructed": r.slope("sin", "constructed"),
         "trained_error": {t: r.errors(t, "trained") for t in r.targets}}
    meas = [Measurement("constructed sin: slope of log max error vs log N", round(m["slope_sin_constructed"], 3),
                        note="the bound h^2/8 max|f''| has slope -2")]
    for t in r.targets:
        for method in ("constructed", "trained"):
            meas.append(Measurement(f"{method} {t}: max error on [-4, 4] for N = {r.units}",
                                    [float(f"{e:.4g}") for e in r.errors(t, method)],
                                    note=f"slope {r.slope(t, method):.2f}"))
        meas.append(Measurement(f"{t}: bound h^2/8 max|f''| for N = {r.units}",
                                [float(f"{r.get(t, 'constructed', n).bound:.4g}") for n in r.units]))
    fig = Figure.from_matplotlib(plot_error_vs_n(r), "c04_error_vs_n",
                                 "Max error vs N (log-log): constructed interpolants (solid) follow the h²/8·max|f''| "
                                 "bound (dotted) with slope about -2; trained nets (dashed).")
    cfg = {"targets": list(TARGET_NAMES), "units": list(UNITS), "interval": [-4, 4], "epochs": EPOCHS[quick],
           "optimizer": "adam", "lr": 0.03, "schedule": "cosine to lr/100", "n_points": 512, "dtype": "float64"}
    return CLAIMS.get(ID).result(m, meas, figures=[fig], configs=[cfg], seeds=[seed], quick=quick,
                                 key=f"constructed sin: error ∝ N^{m['slope_sin_constructed']:.2f} (the bound: N^-2); "
                                     f"trained, N = {max(r.units)}: " + ", ".join(
                                         f"{t} {e[-1]:.2g}" for t, e in m['trained_error'].items()))
