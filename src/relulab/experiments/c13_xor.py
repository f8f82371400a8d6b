r"""C13: a perceptron is a linear classifier and cannot solve XOR; an MLP with a nonlinearity can.

* The perceptron rule (:func:`relulab.train_perceptron`, step activation) on the XOR truth table cycles:
  some point is misclassified in every epoch.
* On a linearly separable set it converges, after at most :math:`(R/\gamma)^2` updates (Novikoff), with
  :math:`R = \max \|(x, 1)\|` and :math:`\gamma` the margin of the set's known separating line (unit
  normal in the augmented space): any separator gives a valid bound.
* MLPs with 2 and 4 hidden units on XOR, linear vs relu (tanh too), over many weight seeds: the linear
  one never gets all four points, the relu one does on most seeds.
"""

from __future__ import annotations

import torch

from ..config import RunConfig
from ..data import build_dataset
from ..data.extra2d import LINSEP_B, LINSEP_W
from ..models import train_perceptron
from ..sweep.stats import wilson
from ..training.stacked import train_many
from .parts import PartRule, decide_parts
from .registry import CLAIMS, Progress, register_claim
from .result import Figure, Kind, Measurement, Verdict

ID = "C13"
TITLE = "perceptron vs XOR"
TEXT = ("A single perceptron with a step activation is a linear classifier and cannot solve XOR; a multi-layer "
        "network with a nonlinear activation can.")
MLP_BASE = RunConfig(dataset="xor4", hidden=(4,), lr=0.1, optimizer="sgd", batch_size=4, init="torch")
NETS = (("linear", 4), ("relu", 2), ("relu", 4), ("tanh", 2))


def _perceptron_xor(m: dict) -> tuple[Verdict, list[str]]:
    if m["xor_min_mistakes"] == 0:
        return Verdict.FAILS, ["the perceptron reached 0 mistakes on XOR"]
    return Verdict.HOLDS, []


def _novikoff(m: dict) -> tuple[Verdict, list[str]]:
    if m["sep_converged"] and m["sep_updates"] <= m["novikoff_bound"]:
        return Verdict.HOLDS, []
    return Verdict.FAILS, [f"the perceptron on the separable set: converged {m['sep_converged']}, {m['sep_updates']} "
                           f"updates vs the bound (R/γ)² = {m['novikoff_bound']:.1f}"]


def _linear(m: dict) -> tuple[Verdict, list[str]]:
    if m["linear_max_acc"] > 0.75:
        return Verdict.FAILS, [f"a linear MLP reached accuracy {m['linear_max_acc']:.2f} > 0.75 on XOR"]
    return Verdict.HOLDS, []


def _mlp(m: dict) -> tuple[Verdict, list[str]]:
    k, n = m["relu4_solved"]
    low, high = wilson(k, n)
    said = f"the relu MLP with 4 units solved XOR on {k} of {n} seeds, 95 % interval [{low:.0%}, {high:.0%}]"
    if low > 0.5:
        return Verdict.HOLDS, []
    if high < 0.5:
        return Verdict.FAILS, [f"{said}: below 50 %"]
    return Verdict.INCONCLUSIVE, [f"{said}: straddles 50 %"]


PARTS = [
    PartRule("perceptron_fails_xor", "a perceptron (step activation) cannot classify XOR: no line separates it",
             "the perceptron rule on the XOR truth table never reaches 0 mistakes in an epoch, over 100 epochs",
             _perceptron_xor, ("xor_min_mistakes",), Kind.THEOREM),
    PartRule("novikoff", "on linearly separable data the perceptron converges, within (R/γ)² updates (Novikoff)",
             "converged on a separable set after at most (R/γ)² updates, γ the margin of the set's known separator",
             _novikoff, ("sep_converged", "sep_updates", "novikoff_bound"), Kind.THEOREM),
    PartRule("linear_mlp_fails", "an MLP without a nonlinearity is linear too: at most 3 of the 4 XOR points",
             "the linear MLP's accuracy on XOR ≤ 0.75 for every seed", _linear, ("linear_max_acc",), Kind.THEOREM),
    PartRule("mlp_solves_xor", "an MLP with a nonlinear activation (relu, 4 hidden units) can solve XOR",
             "the relu MLP with 4 units reaches accuracy 1.0 on most weight seeds: the 95 % Wilson interval of its "
             "success rate lies above 50 %; below 50 %: does not hold; otherwise inconclusive", _mlp,
             ("relu4_success", "relu4_solved")),
]
decide = decide_parts(PARTS)


def novikoff(x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """``(R, gamma)`` of labelled points with the bias as a constant input, for the set's known separator."""
    xa = torch.cat([x, torch.ones(len(x), 1, dtype=x.dtype)], dim=1)  # (n, 3)
    u = torch.tensor([*LINSEP_W, LINSEP_B], dtype=x.dtype)
    u = u / u.norm()
    return float(xa.norm(dim=1).max()), float((y * (xa @ u)).min())


@register_claim(ID, TITLE, TEXT, parts=PARTS)
def run(quick: bool = False, seed: int = 0, device: str = "cpu", progress: Progress | None = None):
    n_seeds, epochs = (20, 300) if quick else (50, 1000)
    g = torch.Generator().manual_seed(seed)
    xor = build_dataset("xor4", seed=str(seed))
    p_xor = train_perceptron(xor.x_train, xor.y_train, epochs=100, generator=g)
    sep = build_dataset("linsep", n=100, seed=str(seed), train_ratio=0.99)
    xs, ys = torch.cat([sep.x_train, sep.x_test]), torch.cat([sep.y_train, sep.y_test])
    p_sep = train_perceptron(xs, ys, epochs=1000, generator=g)
    R, gamma = novikoff(xs, ys)
    if progress:
        progress(0.1)
    seeds = list(range(seed, seed + n_seeds))
    runs, acc = {}, {}
    for k, (act, width) in enumerate(NETS):
        base = MLP_BASE.model_copy(update={"activation": act, "hidden": (width,), "epochs": epochs})
        runs[(act, width)] = train_many([base.model_copy(update={"weight_seed": s}) for s in seeds])
        acc[(act, width)] = [r.metrics()["train_acc"] for r in runs[(act, width)]]
        if progress:
            progress(0.1 + 0.85 * (k + 1) / len(NETS))
    solved = {key: sum(a == 1.0 for a in v) for key, v in acc.items()}
    success = {key: solved[key] / len(v) for key, v in acc.items()}
    m = {"xor_min_mistakes": min(p_xor.mistakes), "sep_converged": p_sep.converged,
         "sep_updates": sum(p_sep.mistakes), "novikoff_bound": (R / gamma) ** 2,
         "linear_max_acc": max(acc[("linear", 4)]), "relu4_success": success[("relu", 4)],
         "relu4_solved": [solved[("relu", 4)], n_seeds]}
    measurements = [
        Measurement("perceptron on XOR: fewest mistakes in an epoch (100 epochs)", m["xor_min_mistakes"],
                    note=f"mistakes per epoch, first 10: {list(p_xor.mistakes[:10])}"),
        Measurement("perceptron on a separable set: updates until converged", m["sep_updates"],
                    note=f"converged {p_sep.converged} after {p_sep.epochs} epochs"),
        Measurement("Novikoff bound (R/γ)²", m["novikoff_bound"], note=f"R = {R:.3f}, γ = {gamma:.3f}"),
        Measurement("linear MLP (4 units): best accuracy on XOR over seeds", m["linear_max_acc"]),
        *[Measurement(f"{a} MLP ({w} units): share of seeds solving XOR (accuracy 1.0)", success[(a, w)], "",
                      f"{n_seeds} seeds, {epochs} epochs") for a, w in NETS],
    ]
    cfgs = [MLP_BASE.model_copy(update={"activation": a, "hidden": (w,), "epochs": epochs}) for a, w in NETS]
    pg = MLP_BASE.model_copy(update={"dataset": "xor", "activation": "relu", "hidden": (4,), "batch_size": 10})
    return CLAIMS.get(ID).result(
        m, measurements, figures=[_figure(p_xor, p_sep, xor, runs, acc, success)],
        configs=[c.model_dump(mode="json") for c in cfgs] + [{"perceptron": {"lr": 1.0, "epochs": 100,
                                                                             "data": ["xor4", "linsep n=100"]}}],
        seeds=seeds, playground_url=pg.to_playground_url(),
        key=f"relu MLP (4 units) solves XOR on {success[('relu', 4)]:.0%} of {n_seeds} seeds; linear MLP at most "
            f"{m['linear_max_acc']:.2f}; perceptron never below {m['xor_min_mistakes']} mistake(s)",
        notes=["the playground link opens the same relu network (4 units) on the playground's xor data set "
                 "(500 points in four quadrants); the measurement itself uses the 4-point truth table"])


def _figure(p_xor, p_sep, xor, runs, acc, success) -> Figure:
    from ..viz.xor import plot_xor  # matplotlib: only when a claim runs

    fig = plot_xor(p_xor, p_sep, xor, runs, acc, success)
    return Figure.from_matplotlib(fig, "c13_xor",
                                  "The perceptron rule never stops making mistakes on XOR but "
                                  "converges on a separable set; an MLP with a nonlinearity solves XOR (success "
                                  "rate over seeds by activation and hidden units).", dpi=80)
