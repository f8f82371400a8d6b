"""C8: ReLU makes activations sparse (many exact zeros).

Nets trained on the playground's circle per activation and seed; the fraction of hidden outputs that
are exactly 0 on the test points, per layer (:func:`relulab.analysis.sparsity.sparsity_table`).
"""

from __future__ import annotations

from collections.abc import Callable

from ..activations import get_activation
from ..analysis.sparsity import sparsity_table
from ..config import RunConfig
from .parts import PartRule, decide_parts
from .registry import CLAIMS, register_claim
from .result import ClaimResult, Figure, Measurement, Verdict
from .runs import train_reporting

ID = "C8"
TITLE = "ReLU activations are sparse"
TEXT = "ReLU makes activations sparse (many exact zeros)."
RULE = ("holds when relu's exact-zero fraction ≥ 30 % on the trained nets while every smooth activation's < 1 %; "
        "otherwise does not hold")
ACTIVATIONS = ("relu", "leaky_relu", "elu", "gelu", "silu", "softplus", "tanh", "sigmoid")
BASE = RunConfig(dataset="circle", hidden=(8, 8), activation="relu", lr=0.03, batch_size=10, epochs=200, init="he")
SIZE = {True: (2, 40), False: (5, 200)}  # (seeds, epochs)


def _sparse(m: dict) -> tuple[Verdict, list[str]]:
    """``m``: ``relu`` (mean exact-zero fraction over nets and layers), ``smooth`` {activation: largest
    fraction over nets and layers}."""
    reasons = []
    if not m["relu"] >= 0.30:
        reasons.append(f"relu's exact-zero fraction is {m['relu']:.1%}, below 30 %")
    dense = {a: v for a, v in m["smooth"].items() if not v < 0.01}
    if dense:
        reasons.append("smooth activations with ≥ 1 % exact zeros: " +
                       ", ".join(f"{a} {v:.1%}" for a, v in dense.items()))
    return (Verdict.FAILS, reasons) if reasons else (Verdict.HOLDS, [])


DIGITS_ACTIVATIONS = ("relu", "leaky_relu", "elu", "gelu")  # the runs C9 and C11 share (usual rate)
PARTS = [PartRule("toy_sparse", "relu's activations are sparse (circle, hidden 8, 8)", RULE, _sparse,
                  ("relu", "smooth")),
         PartRule("digits_sparse", "relu's activations are sparse on real digits (6x64 MLP and CNN, lr 0.1)",
                  RULE.replace("the trained nets", "the trained digits nets (every layer, test images)"),
                  lambda m: _sparse({"relu": m["digits_relu"], "smooth": m["digits_smooth"]}),
                  ("digits_relu", "digits_smooth"))]
decide = decide_parts(PARTS)


def _digits(quick: bool, seed: int) -> tuple[dict, Measurement]:
    from .realdata import digits_grid

    grid = digits_grid(DIGITS_ACTIVATIONS, quick, seed, rates=("usual",))
    zeros = {a: {f"{k[0]} seed {k[3]}": [round(z, 4) for z in r.zeros()] for k, r in grid.items() if k[1] == a}
             for a in DIGITS_ACTIVATIONS}
    every = {a: [z for layers in zeros[a].values() for z in layers] for a in DIGITS_ACTIVATIONS}
    m = {"digits_relu": round(sum(every["relu"]) / len(every["relu"]), 4),
         "digits_smooth": {a: max(every[a]) for a in DIGITS_ACTIVATIONS if get_activation(a).smooth}}
    return m, Measurement("digits: exact-zero fraction per layer on the test images, per net", zeros)


@register_claim(ID, TITLE, TEXT, parts=PARTS)
def run(quick: bool = False, seed: int = 0, device: str = "cpu",
        progress: Callable[[float], None] | None = None) -> ClaimResult:
    from ..viz.sparsity import plot_sparsity  # matplotlib: only when a claim runs

    n_seeds, epochs = SIZE[quick]
    seeds = list(range(seed, seed + n_seeds))
    cfgs = [BASE.model_copy(update={"activation": a, "weight_seed": s, "epochs": epochs})
            for a in ACTIVATIONS for s in seeds]
    runs = train_reporting(cfgs, len(ACTIVATIONS) * epochs, progress)
    by_act = {a: [r for r in runs if r.config.activation == a] for a in ACTIVATIONS}
    table = sparsity_table({a: [r.model for r in rs] for a, rs in by_act.items()},
                           {a: rs[0].data.test_inputs for a, rs in by_act.items()})
    smooth = [a for a in ACTIVATIONS if get_activation(a).smooth]
    m = {"relu": table.overall("relu"),
         "smooth": {a: max(max(v) for v in table.values[a]) for a in smooth}}
    digits, digits_meas = _digits(quick, seed)
    m |= digits
    meas = [digits_meas, Measurement("exact-zero fraction per layer (mean over seeds)",
                        {a: [round(v, 4) for v in table.per_layer(a)] for a in ACTIVATIONS}, note="test points"),
            Measurement("exact-zero fraction, spread of the per-net means over seeds",
                        {a: [round(v, 4) for v in table.range(a)] for a in ACTIVATIONS}),
            Measurement("relu: mean exact-zero fraction", round(m["relu"], 4)),
            Measurement("smooth activations: largest exact-zero fraction of any layer", m["smooth"]),
            Measurement("test accuracy (mean over seeds)",
                        {a: round(sum(r.metrics()["test_acc"] for r in rs) / len(rs), 3) for a, rs in by_act.items()})]
    fig = Figure.from_matplotlib(plot_sparsity(table), "c08_sparsity",
                                 f"Fraction of exactly-zero hidden outputs on the circle's test points, {n_seeds} "
                                 f"trained nets per activation (hidden 8, 8; {epochs} epochs).")
    return CLAIMS.get(ID).result(m, meas, figures=[fig], configs=[c.model_dump(mode="json") for c in cfgs[::n_seeds]],
                                 key=f"exact zeros: relu {m['relu']:.0%}; smooth activations at most "
                                     f"{max(m['smooth'].values()):.2%}",
                                 seeds=seeds, quick=quick)
