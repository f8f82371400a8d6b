"""C5: a ReLU fit does not extrapolate: outside the fitted interval it continues as a straight line.

The nets of C4 (fitted on [-4, 4]) evaluated on [-8, 8], judged in three parts: the error outside
against the error inside (at the largest N, where the fit inside is best); that past its outermost kink
a net is exactly affine (a theorem: every unit is constant or linear there), checked numerically; and
whether that straight stretch already starts at the interval's edge -- where the outermost kink lies,
and how far the fit bends between the edge and it.
"""

from __future__ import annotations

import torch

from ..analysis.approx import TARGET_NAMES, UNITS, approx
from .parts import PartRule, decide_parts
from .registry import CLAIMS, Progress, register_claim
from .result import ClaimResult, Figure, Kind, Measurement, Verdict

ID = "C5"
TITLE = "A ReLU fit continues as a straight line outside"
TEXT = "A ReLU fit does not extrapolate: outside the fitted interval it continues as a straight line."
EPOCHS = {True: 1000, False: 3000}
RATIO, AFFINE_TOL = 10.0, 1e-9


def _extrapolates(m: dict) -> tuple[Verdict, list[str]]:
    small = {k: r for k, r in m["ratio"].items() if not r >= RATIO}
    if small:
        return Verdict.FAILS, ["error outside < 10× error inside for " + ", ".join(f"{k} ({r:.2g}×)"
                                                                                 for k, r in small.items())]
    return Verdict.HOLDS, []


def _affine(m: dict) -> tuple[Verdict, list[str]]:
    gap, net = m["affine_gap"]
    if not gap <= AFFINE_TOL:
        return Verdict.FAILS, [f"{net} is not a straight line past its outermost kink (gap {gap:.2g})"]
    return Verdict.HOLDS, []


def _beyond(m: dict) -> dict:
    lo, hi = m["interval"]
    return {k: v for k, v in m["kinks"].items() if v is not None and (v[0] < lo - v[2] or v[1] > hi + v[2])}


def _straight_outside(m: dict) -> tuple[Verdict, list[str]]:
    lo, hi = m["interval"]
    outside = _beyond(m)
    if not outside:
        return Verdict.HOLDS, []
    far = max(outside.items(), key=lambda kv: max(lo - kv[1][0], kv[1][1] - hi))
    bend = max(outside, key=lambda k: max(m["bend"][k]))
    return Verdict.FAILS, [f"{len(outside)} of {len(m['kinks'])} nets have a kink beyond [{lo:g}, {hi:g}] ± one knot "
                           f"spacing (e.g. {far[0]}: kinks in [{far[1][0]:.2f}, {far[1][1]:.2f}]); between the "
                           f"interval's edge and that kink the fit bends away from its final straight line by up to "
                           f"{max(m['bend'][bend]):.3g} ({bend}): units always on or off on the training data are "
                           "free to bend anywhere"]


PARTS = [
    PartRule("does_not_extrapolate", "A ReLU fit does not extrapolate: outside the interval its error is far larger",
             f"for every net with the largest N, max error on [-8, 8] outside [-4, 4] ≥ {RATIO:g}× max error inside",
             _extrapolates, ("ratio",)),
    PartRule("affine_beyond_kink", "Past its outermost kink a ReLU net is a straight line",
             f"the largest over all nets of max |g − line| over 8 units past the outermost kink ≤ {AFFINE_TOL:g} × "
             "max(1, max |g|) (float64); affine_gap = [that gap, its net]", _affine, ("affine_gap",), Kind.THEOREM),
    PartRule("straight_outside", "Right outside the fitted interval the fit is already a straight line",
             "every net's kinks lie inside [-4, 4] ± one knot spacing (8/N); the kinks beyond, and how far the fit "
             "bends between the interval's edge and them ([left, right], for the nets with such kinks), are reported",
             _straight_outside,
             ("interval", "kinks", "bend")),
]
decide = decide_parts(PARTS)


@register_claim(ID, TITLE, TEXT, parts=PARTS)
def run(quick: bool = False, seed: int = 0, device: str = "cpu", progress: Progress | None = None) -> ClaimResult:
    from ..viz.approx import plot_extrapolation  # matplotlib: only when a claim runs

    r = approx(TARGET_NAMES, UNITS, epochs=EPOCHS[quick], generator=torch.Generator().manual_seed(seed),
               progress=progress)
    n = max(r.units)
    kinks, ratio, gap, bend = {}, {}, {}, {}
    for f in r.fits:
        k = f.kinks()
        name = f"{f.method} {f.target} N={f.units}"
        kinks[name] = [round(float(k.min()), 4), round(float(k.max()), 4), r.spacing(f.units)] if k.numel() else None
        gap[name] = f.affine_gap()
        bend[name] = [round(v, 5) for v in f.bend(r.interval)]
        if f.units == n:
            ratio[name] = float(f"{f.outside / f.inside:.4g}")
    worst = max(gap, key=gap.get)
    m = {"interval": list(r.interval), "kinks": kinks, "ratio": ratio, "affine_gap": [gap[worst], worst]}
    beyond = _beyond(m)
    m["bend"] = {k: bend[k] for k in beyond}
    meas = [Measurement(f"max error outside / inside, N = {n}", ratio, "x",
                        note="inside [-4, 4], outside [-8, -4) and (4, 8]"),
            Measurement("largest gap from a straight line past the outermost kink", gap[worst],
                        note=f"{worst}, the worst of {len(gap)} nets; relative to max |g|")]
    for method in ("constructed", "trained"):
        names = [k for k in kinks if k.startswith(method)]
        spans = [kinks[k] for k in names if kinks[k] is not None]
        meas.append(Measurement(f"{method} nets: kinks span", [min(s[0] for s in spans), max(s[1] for s in spans)],
                                note=f"{sum(k in beyond for k in names)} of {len(names)} nets have a kink beyond "
                                     "± one knot spacing"))
    meas.append(Measurement("nets with a kink beyond: [left, right] bend between the edge and the kink",
                            {k: bend[k] for k in beyond} or "none"))
    for f in r.fits:
        if f.units == n:
            meas.append(Measurement(f"{f.method} {f.target} N={n}: max error inside, outside",
                                    [float(f"{f.inside:.4g}"), float(f"{f.outside:.4g}")]))
    fig = Figure.from_matplotlib(plot_extrapolation(r), "c05_extrapolation",
                                 f"The N = {n} fits on [-8, 8] (fitted on the shaded [-4, 4]); ticks mark each net's "
                                 "kinks: beyond the outermost kink a net is affine.")
    cfg = {"targets": list(TARGET_NAMES), "units": list(UNITS), "interval": [-4, 4], "outer": [-8, 8],
           "epochs": EPOCHS[quick], "optimizer": "adam", "lr": 0.03, "n_points": 512, "dtype": "float64"}
    return CLAIMS.get(ID).result(m, meas, figures=[fig], configs=[cfg], seeds=[seed], quick=quick,
                                 key=f"error outside / inside at N = {n}: {min(ratio.values()):.3g}× to "
                                     f"{max(ratio.values()):.3g}×; {len(beyond)} of {len(kinks)} nets bend outside")
