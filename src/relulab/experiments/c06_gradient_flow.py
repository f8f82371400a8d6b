"""C6: sigmoid and tanh saturate, so gradients vanish in deep networks; ReLU's derivative is 1 for x > 0.

Fresh MLPs of depth 2..50 per activation and initialisation: how the gradient norm of the first
layer compares with the last (:func:`relulab.analysis.gradflow.gradient_flow`), and sigmoid's
derivative bound 1/4.
"""

from __future__ import annotations

from collections.abc import Callable

from ..analysis.gradflow import ACTIVATIONS, DEPTHS, INIT_NAMES, gradient_flow, max_derivative
from .registry import CLAIMS, register_claim
from .result import ClaimResult, Figure, Measurement, Verdict

ID = "C6"
TITLE = "Sigmoid gradients vanish with depth; ReLU's do not"
TEXT = ("Sigmoid and tanh saturate: their derivative goes to 0 for large inputs, so gradients vanish in deep "
        "networks; ReLU's derivative is exactly 1 for positive inputs.")
RULE = ("holds when at depth 50 sigmoid's first/last gradient-norm ratio < 1e-6 while relu under He init stays in "
        "[0.1, 10]; caveat when relu under PyTorch's default init also falls below 1e-6")
SEEDS = {True: 2, False: 5}
QUICK_DEPTHS = (2, 5, 10, 20, 50)  # the rule reads depth 50 only; the full run draws every depth
WIDTH, N = 32, 128


def decide(m: dict) -> tuple[Verdict, list[str]]:
    """``m``: depth-50 median ratios: ``sigmoid`` {init: ratio}, ``relu_he``, ``relu_torch``."""
    worst = max(m["sigmoid"].values())
    failed = []
    if not worst < 1e-6:
        failed.append(f"sigmoid's ratio at depth 50 reaches {worst:.2g} (not < 1e-6) under "
                      f"{max(m['sigmoid'], key=m['sigmoid'].get)} init")
    if not 0.1 <= m["relu_he"] <= 10:
        failed.append(f"relu under He init has ratio {m['relu_he']:.2g} at depth 50, outside [0.1, 10]")
    if failed:
        return Verdict.FAILS, failed
    if m["relu_torch"] < 1e-6:
        return Verdict.CAVEATS, [f"relu under PyTorch's default init also vanishes (ratio {m['relu_torch']:.2g} at "
                                 "depth 50): its weights are too small for relu (variance 1/(3 fan_in), not 2/fan_in); "
                                 "ReLU keeps gradients alive only with an init that matches it"]
    return Verdict.HOLDS, []


@register_claim(ID, TITLE, TEXT, RULE, decide)
def run(quick: bool = False, seed: int = 0, device: str = "cpu",
        progress: Callable[[float], None] | None = None) -> ClaimResult:
    from ..viz.gradflow import plot_gradient_flow  # matplotlib: only when a claim runs

    # width-32 nets: CPU whatever ``device`` says
    seeds = list(range(seed, seed + SEEDS[quick]))
    depths = QUICK_DEPTHS if quick else DEPTHS
    r = gradient_flow(ACTIVATIONS, INIT_NAMES, depths, seeds, width=WIDTH, n=N, progress=progress)
    d = max(r.depths)
    m = {"sigmoid": {i: r.at("sigmoid", i, d) for i in r.inits}, "relu_he": r.at("relu", "he", d),
         "relu_torch": r.at("relu", "torch", d)}
    meas = [Measurement(f"depth {d}: first/last gradient ratio, median over {len(seeds)} seeds",
                        {f"{a}, {i}": float(f"{r.at(a, i, d):.3g}") for a in r.activations for i in r.inits}),
            Measurement("max sigmoid'(x)", round(max_derivative("sigmoid"), 6), note="at x = 0; tanh': "
                        f"{max_derivative('tanh'):.3g}, relu': {max_derivative('relu'):.3g}"),
            Measurement("(1/4)^(depth - 1) at depth 50", float(f"{0.25 ** (d - 1):.3g}"),
                        note="the derivative factors alone, if the weights kept norms near 1")]
    for a in ("sigmoid", "relu"):
        for i in r.inits:
            meas.append(Measurement(f"{a}, {i}: ratio vs depth {r.depths}",
                                    [float(f"{v:.3g}") for v in r.median(a, i)]))
    fig = Figure.from_matplotlib(plot_gradient_flow(r), "c06_gradient_flow",
                                 f"First/last gradient-norm ratio of fresh MLPs (width {WIDTH}) vs depth, per "
                                 "activation (colour) and init (line style); the grey band is [0.1, 10]. "
                                 "Right: the derivatives, sigmoid's at most 1/4.")
    cfg = {"width": WIDTH, "n": N, "depths": list(depths), "activations": list(ACTIVATIONS),
           "inits": list(INIT_NAMES), "loss": "mse", "inputs": "N(0, 1)", "dtype": "float64"}
    return CLAIMS.get(ID).result(m, meas, figures=[fig], configs=[cfg], seeds=seeds, quick=quick)
