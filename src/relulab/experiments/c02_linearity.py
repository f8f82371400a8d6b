"""C2: ReLU is made of two linear pieces yet is not linear: it breaks additivity and homogeneity.

:func:`relulab.linearity_table` measures, in float64 on random samples, the additivity gap
``max |f(a+b) - f(a) - f(b)|``, homogeneity ``f(cx) = c f(x)`` for ``c`` of both signs and for
``c > 0`` only, and oddness, for every registered activation, and classifies each (linear, piecewise
linear, smooth, nonlinear) from the numbers. Both parts of the claim are theorems (``a = 1, b = -1`` and
``c = -1`` are counterexamples), checked numerically. ReLU keeps *positive* homogeneity,
``relu(cx) = c relu(x)`` for ``c > 0``: the homogeneity part turns that into a caveat (it is "half" linear).
"""

from __future__ import annotations

import torch

from ..analysis.linearity import linearity_table
from .parts import PartRule, decide_parts
from .registry import CLAIMS, Progress, register_claim
from .result import Figure, Kind, Measurement, Verdict

ID = "C2"
TITLE = "relu is not linear"
TEXT = "ReLU, max(0, x), is made of two linear pieces yet is not linear: it breaks additivity and homogeneity."


def _additivity(m: dict) -> tuple[Verdict, list[str]]:
    if m["relu_additivity"] > 1e-6 and m["identity_additivity"] < 1e-12:
        return Verdict.HOLDS, []
    return Verdict.FAILS, [f"relu's additivity gap {m['relu_additivity']:.3g} (needs > 1e-6), identity's "
                           f"{m['identity_additivity']:.3g} (needs < 1e-12)"]


def _homogeneity(m: dict) -> tuple[Verdict, list[str]]:
    if not m["relu_homogeneity"] > 1e-6:
        return Verdict.FAILS, [f"relu's homogeneity gap {m['relu_homogeneity']:.3g} over c of both signs "
                               "(needs > 1e-6)"]
    if m["relu_positive_homogeneity"] <= 1e-12:
        return Verdict.CAVEATS, [f"relu is positively homogeneous: relu(cx) = c·relu(x) for every c > 0 (max gap "
                                 f"{m['relu_positive_homogeneity']:.3g}); only c < 0 and sums break linearity"]
    return Verdict.HOLDS, []


PARTS = [
    PartRule("not_additive", "relu breaks additivity: relu(a + b) ≠ relu(a) + relu(b) (e.g. a = 1, b = -1)",
             "relu's largest gap max abs(f(a+b) − f(a) − f(b)) > 1e-6 while identity's < 1e-12 (float64)",
             _additivity, ("relu_additivity", "identity_additivity"), Kind.THEOREM),
    PartRule("not_homogeneous", "relu breaks homogeneity: relu(cx) ≠ c·relu(x) for some c (any c < 0)",
             "relu's largest gap max abs(f(cx) − c·f(x)), c of both signs, > 1e-6; caveat when the gap over c > 0 "
             "alone is ≤ 1e-12 (positive homogeneity: only negative c break it)",
             _homogeneity, ("relu_homogeneity", "relu_positive_homogeneity"), Kind.THEOREM),
]
decide = decide_parts(PARTS)


@register_claim(ID, TITLE, TEXT, parts=PARTS)
def run(quick: bool = False, seed: int = 0, device: str = "cpu", progress: Progress | None = None):
    n = 4096 if quick else 1 << 16
    rows = linearity_table(generator=torch.Generator().manual_seed(seed), n=n)
    if progress:
        progress(0.8)
    by = {r.name: r for r in rows}
    relu, ident = by["relu"], by["identity"]
    m = {"relu_additivity": relu.additivity, "identity_additivity": ident.additivity,
         "relu_homogeneity": relu.homogeneity, "relu_positive_homogeneity": relu.positive_homogeneity}
    measurements = [
        Measurement("relu additivity gap max|f(a+b) − f(a) − f(b)|", relu.additivity, "", f"{n} samples, N(0, 9)"),
        Measurement("identity additivity gap", ident.additivity),
        Measurement("relu homogeneity gap, c of both signs", relu.homogeneity),
        Measurement("relu positive homogeneity gap (c > 0)", relu.positive_homogeneity),
        Measurement("relu oddness gap max|f(−x) + f(x)|", relu.oddness),
        Measurement("measured class of each activation", {r.name: r.classification for r in rows}),
        Measurement("activations whose measured class differs from the registry's flags",
                    [r.name for r in rows if not r.agrees] or "none"),
    ]
    return CLAIMS.get(ID).result(m, measurements, figures=[_figure(rows, seed)],
                                 key=f"relu's additivity gap {relu.additivity:.3g}, identity's {ident.additivity:.3g}",
                                 configs=[{"samples": n, "distribution": "a, b ~ N(0, 3^2), c ~ U(-3, 3)",
                                           "dtype": "float64"}], seeds=[seed])


def _figure(rows, seed: int) -> Figure:
    from ..viz.linearity import plot_linearity  # matplotlib: only when a claim runs

    fig = plot_linearity(rows, seed)
    return Figure.from_matplotlib(fig, "c02_linearity",
                                  "Left: relu(a+b) against relu(a)+relu(b) (identity for "
                                  "comparison). Right: the measured gaps of additivity, homogeneity (c of both "
                                  "signs) and positive homogeneity for every registered activation.")
