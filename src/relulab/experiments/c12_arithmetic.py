"""C12: a small ReLU network can learn to add or subtract two numbers.

a + b, a - b and a * b on pairs in [-1, 1]^2, learned by a ReLU MLP (hidden 16, 16) and by a linear
model (no hidden layer), same SGD settings; RMSE inside the training square and outside it
(:func:`relulab.analysis.arithmetic.arithmetic_errors`).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

import torch

from ..analysis.arithmetic import arithmetic_errors
from ..config import RunConfig
from .registry import CLAIMS, register_claim
from .result import ClaimResult, Figure, Measurement, Verdict
from .runs import train_reporting

ID = "C12"
TITLE = "A small ReLU network learns a + b and a - b"
TEXT = "A small ReLU network can learn to add or subtract two numbers."
RULE = ("holds when relu MLP RMSE inside the training square < 5 % of the targets' range for a+b and a−b; caveat "
        "when the linear model is exact (< 1e-6) and extrapolates while relu's error outside > 2× inside")
OPS = ("add", "sub", "mul")
MODELS = {"relu": (16, 16), "linear": ()}
BASE = RunConfig(dataset="add", hidden=(16, 16), activation="relu", init="he", lr=0.1, batch_size=10, epochs=200)
SIZE = {True: (2, 40), False: (5, 200)}  # (seeds, epochs)
SYMBOL = {"add": "a+b", "sub": "a−b", "mul": "a·b"}


def decide(m: dict) -> tuple[Verdict, list[str]]:
    """``m[op][model]`` = {"inside", "outside"} RMSEs (medians over seeds) and ``m[op]["range"]``, for
    op in add, sub (mul is context only)."""
    failed = [f"relu MLP RMSE inside for {SYMBOL[op]} is {m[op]['relu']['inside']:.3g}, not below 5 % of the "
              f"targets' range ({0.05 * m[op]['range']:.3g})"
              for op in ("add", "sub") if not m[op]["relu"]["inside"] < 0.05 * m[op]["range"]]
    if failed:
        return Verdict.FAILS, failed
    caveats = []
    for op in ("add", "sub"):
        lin, relu = m[op]["linear"], m[op]["relu"]
        if lin["inside"] < 1e-6 and lin["outside"] < 1e-6 and relu["outside"] > 2 * relu["inside"]:
            caveats.append(f"{SYMBOL[op]}: the linear model is exact (RMSE {lin['inside']:.1g} inside, "
                           f"{lin['outside']:.1g} outside) while the relu MLP only approximates and does worse outside "
                           f"({relu['inside']:.3g} inside, {relu['outside']:.3g} outside): the task needs no "
                           "nonlinearity at all")
    return (Verdict.CAVEATS if caveats else Verdict.HOLDS), caveats


@register_claim(ID, TITLE, TEXT, RULE, decide)
def run(quick: bool = False, seed: int = 0, device: str = "cpu",
        progress: Callable[[float], None] | None = None) -> ClaimResult:
    from ..viz.arithmetic import plot_arithmetic  # matplotlib: only when a claim runs

    n_seeds, epochs = SIZE[quick]
    seeds = list(range(seed, seed + n_seeds))
    cfgs = [BASE.model_copy(update={"dataset": op, "hidden": h, "weight_seed": s, "epochs": epochs})
            for op in OPS for h in MODELS.values() for s in seeds]
    runs = train_reporting(cfgs, len(OPS) * len(MODELS) * epochs, progress)
    errors = {}  # (op, model) -> per-seed ArithmeticErrors
    for r in runs:
        model = "linear" if r.config.hidden == () else "relu"
        e = arithmetic_errors(r, generator=torch.Generator().manual_seed(1000 + r.config.weight_seed))
        errors.setdefault((r.config.dataset, model), []).append(e)

    def med(op: str, model: str, where: str) -> float:
        return statistics.median(getattr(e, where) for e in errors[op, model])

    m = {op: {"range": errors[op, "relu"][0].target_range,
              **{k: {w: med(op, k, w) for w in ("inside", "outside")} for k in MODELS}} for op in OPS}
    meas = [Measurement(f"{k} model, RMSE inside / outside (median over seeds)",
                        {SYMBOL[op]: [float(f"{m[op][k]['inside']:.3g}"), float(f"{m[op][k]['outside']:.3g}")]
                         for op in OPS}, note="inside: test pairs in [-1, 1]²; outside: pairs in [-2, 2]² beyond it")
            for k in MODELS]
    meas.append(Measurement("relu MLP RMSE inside, per seed",
                            {SYMBOL[op]: [float(f"{e.inside:.3g}") for e in errors[op, "relu"]] for op in OPS}))
    meas.append(Measurement("targets' range inside", {SYMBOL[op]: round(m[op]["range"], 3) for op in OPS}))
    notes = [f"a·b (context, not in the rule): linear RMSE {m['mul']['linear']['inside']:.3g} inside, "
             f"{m['mul']['linear']['outside']:.3g} outside; relu {m['mul']['relu']['inside']:.3g} inside, "
             f"{m['mul']['relu']['outside']:.3g} outside -- a product needs the nonlinearity, and the relu fit "
             "does not extrapolate it"]
    fig = Figure.from_matplotlib(plot_arithmetic(errors), "c12_arithmetic",
                                 "RMSE inside [-1, 1]² and outside it for a+b, a−b, a·b: relu MLP (16, 16) vs a "
                                 f"linear model, SGD lr {BASE.lr}, {epochs} epochs, {n_seeds} seeds (log scale).")
    return CLAIMS.get(ID).result(m, meas, figures=[fig], seeds=seeds, quick=quick, notes=notes,
                                 key="relu RMSE inside / outside: " + "; ".join(
                                     f"{SYMBOL[op]} {m[op]['relu']['inside']:.2g} / {m[op]['relu']['outside']:.2g}"
                                     for op in OPS),
                                 configs=[c.model_dump(mode="json") for c in cfgs[::n_seeds]])
