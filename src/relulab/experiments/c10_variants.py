"""C10: the variants' exact values on x = [-1, 2, -3, 4], computed by the activation registry.

Leaky ReLU (slope 0.01 for x <= 0), PReLU (the slope is a learned parameter, one per unit) and ELU
(``alpha (e^x - 1)`` for x <= 0) are PyTorch's own functions here; the claim's listed values are compared
after rounding to 4 decimals. PReLU's slope is checked to be a trainable parameter that gradient descent
moves.
"""

from __future__ import annotations

import torch

from ..activations import get_activation
from .registry import CLAIMS, Progress, register_claim
from .result import Figure, Measurement, Verdict

ID = "C10"
TITLE = "variant values"
TEXT = ("Variants: Leaky ReLU (slope a, e.g. 0.01, for x<=0), PReLU (a is learned), ELU (a(e^x - 1) for x<=0). "
        "For x = [-1, 2, -3, 4]: ReLU gives [0, 2, 0, 4]; Leaky ReLU(0.01) [-0.01, 2, -0.03, 4]; "
        "ELU(1) [-0.6321, 2, -0.9502, 4].")
RULE = "all listed values match to 4 decimals; otherwise does not hold"
X = [-1.0, 2.0, -3.0, 4.0]
LISTED = {"relu": [0.0, 2.0, 0.0, 4.0], "leaky_relu": [-0.01, 2.0, -0.03, 4.0], "elu": [-0.6321, 2.0, -0.9502, 4.0]}


def decide(m: dict) -> tuple[Verdict, list[str]]:
    """``m``: ``mismatches`` = {activation: [(x, computed rounded to 4 decimals, listed), ...]}."""
    bad = [f"{name}({x:g}) = {got} but the claim lists {want}" for name, rows in m["mismatches"].items()
           for x, got, want in rows]
    return (Verdict.FAILS, bad) if bad else (Verdict.HOLDS, [])


def compare(values: dict[str, list[float]]) -> dict[str, list[tuple[float, float, float]]]:
    """Per activation, the entries whose value rounded to 4 decimals differs from the listed one."""
    return {name: [(x, round(v, 4), want) for x, v, want in zip(X, values[name], LISTED[name], strict=True)
                   if abs(round(v, 4) - want) > 1e-9] for name in LISTED}


@register_claim(ID, TITLE, TEXT, RULE, decide)
def run(quick: bool = False, seed: int = 0, device: str = "cpu", progress: Progress | None = None):
    x = torch.tensor(X, dtype=torch.float64, device=device)
    values = {name: get_activation(name)(x).cpu().tolist() for name in LISTED}
    m = {"mismatches": compare(values)}
    # PReLU: is its slope learned? One gradient step on a loss that wants a larger output at x < 0.
    prelu = get_activation("prelu").module(4).double()
    a0 = prelu.weight.detach().clone()
    (-prelu(torch.tensor([X], dtype=torch.float64)).sum()).backward()
    with torch.no_grad():  # one plain gradient step (torch.optim would import torch._dynamo: seconds)
        prelu.weight -= 0.1 * prelu.weight.grad
    moved = (prelu.weight.detach() - a0).tolist()
    if progress:
        progress(0.7)
    measurements = [Measurement(f"{name}({X})", [round(v, 4) for v in values[name]], note=f"listed {LISTED[name]}")
                    for name in LISTED]
    measurements += [
        Measurement("entries not matching to 4 decimals", sum(len(v) for v in m["mismatches"].values())),
        Measurement("prelu slopes: trainable parameters", int(sum(p.numel() for p in prelu.parameters())),
                    note=f"initial a = {a0.tolist()}; one gradient step (lr 0.1) moved them by "
                         f"{[round(d, 4) for d in moved]}"),
    ]
    return CLAIMS.get(ID).result(m, measurements, figures=[_figure(values)],
                                 key=f"{sum(map(len, m['mismatches'].values()))} mismatches with the listed values; "
                                     f"elu(-1) = {values['elu'][0]:.4f}",
                                    configs=[{"x": X, "leaky_relu": {"negative_slope": 0.01}, "elu": {"alpha": 1.0},
                                              "prelu": {"init": 0.25}, "dtype": "float64"}], seeds=[])


def _figure(values: dict[str, list[float]]) -> Figure:
    from ..viz.activations import plot_variant_values  # matplotlib: only when a claim runs

    fig = plot_variant_values(values, X)
    return Figure.from_matplotlib(fig, "c10_variants",
                                  "ReLU, Leaky ReLU(0.01), ELU(1) and PReLU at its initial "
                                  "slope, with the values at x = [-1, 2, -3, 4] marked.")
