"""C5: a ReLU fit does not extrapolate: outside the fitted interval it continues as a straight line.

The nets of C4 (fitted on [-4, 4]) evaluated on [-8, 8]: where their kinks lie, and the max error
outside the interval against the max error inside (at the largest N, where the fit inside is best).
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..analysis.approx import TARGET_NAMES, UNITS, approx
from .registry import CLAIMS, register_claim
from .result import ClaimResult, Figure, Measurement, Verdict

ID = "C5"
TITLE = "A ReLU fit continues as a straight line outside"
TEXT = "A ReLU fit does not extrapolate: outside the fitted interval it continues as a straight line."
RULE = ("holds when every kink of the fitted nets lies inside [-4, 4] (± one knot spacing) and error outside "
        "≥ 10× error inside; otherwise does not hold")
EPOCHS = {True: 1000, False: 3000}


def decide(m: dict) -> tuple[Verdict, list[str]]:
    """``m``: ``interval`` [lo, hi]; ``kinks`` {net: [min kink, max kink, knot spacing]} (None when it has
    none); ``ratio`` {net: max error outside / max error inside}."""
    lo, hi = m["interval"]
    reasons = []
    outside = {k: v for k, v in m["kinks"].items() if v is not None and (v[0] < lo - v[2] or v[1] > hi + v[2])}
    if outside:
        far = max(outside.items(), key=lambda kv: max(lo - kv[1][0], kv[1][1] - hi))
        reasons.append(f"{len(outside)} of {len(m['kinks'])} nets have a kink beyond [{lo:g}, {hi:g}] ± one knot "
                       f"spacing ({', '.join(sorted(outside))}; e.g. {far[0]}: kinks in "
                       f"[{far[1][0]:.2f}, {far[1][1]:.2f}]), so they are not affine just outside the interval")
    small = {k: r for k, r in m["ratio"].items() if not r >= 10}
    if small:
        reasons.append("error outside < 10× error inside for " + ", ".join(f"{k} ({r:.2g}×)" for k, r in small.items()))
    return (Verdict.FAILS, reasons) if reasons else (Verdict.HOLDS, [])


@register_claim(ID, TITLE, TEXT, RULE, decide)
def run(quick: bool = False, seed: int = 0, device: str = "cpu",
        progress: Callable[[float], None] | None = None) -> ClaimResult:
    from ..viz.approx import plot_extrapolation  # matplotlib: only when a claim runs

    r = approx(TARGET_NAMES, UNITS, epochs=EPOCHS[quick], generator=torch.Generator().manual_seed(seed),
               progress=progress)
    n = max(r.units)
    kinks, ratio = {}, {}
    for f in r.fits:
        k = f.kinks()
        name = f"{f.method} {f.target} N={f.units}"
        kinks[name] = [float(k.min()), float(k.max()), r.spacing(f.units)] if k.numel() else None
        if f.units == n:
            ratio[name] = f.outside / f.inside
    m = {"interval": list(r.interval), "kinks": kinks, "ratio": ratio}
    meas = [Measurement(f"max error outside / inside, N = {n}", {k: float(f"{v:.4g}") for k, v in ratio.items()}, "x",
                        note="inside [-4, 4], outside [-8, -4) and (4, 8]")]
    for method in ("constructed", "trained"):
        fits = [f for f in r.fits if f.method == method]
        beyond = [k for k, v in kinks.items() if k.startswith(method) and v is not None
                  and (v[0] < r.interval[0] - v[2] or v[1] > r.interval[1] + v[2])]
        lo = min(float(f.kinks().min()) for f in fits if f.kinks().numel())
        hi = max(float(f.kinks().max()) for f in fits if f.kinks().numel())
        meas.append(Measurement(f"{method} nets: kinks span", [round(lo, 3), round(hi, 3)],
                                note=f"{len(beyond)} of {len(fits)} nets have a kink beyond ± one knot spacing"))
    for f in r.fits:
        if f.units == n:
            meas.append(Measurement(f"{f.method} {f.target} N={n}: max error inside, outside",
                                    [float(f"{f.inside:.4g}"), float(f"{f.outside:.4g}")]))
    fig = Figure.from_matplotlib(plot_extrapolation(r), "c05_extrapolation",
                                 f"The N = {n} fits on [-8, 8] (fitted on the shaded [-4, 4]); ticks mark each net's "
                                 "kinks: beyond the outermost kink a net is affine.")
    cfg = {"targets": list(TARGET_NAMES), "units": list(UNITS), "interval": [-4, 4], "outer": [-8, 8],
           "epochs": EPOCHS[quick], "optimizer": "adam", "lr": 0.03, "n_points": 512, "dtype": "float64"}
    return CLAIMS.get(ID).result(m, meas, figures=[fig], configs=[cfg], seeds=[seed], quick=quick)
