"""C1: without a nonlinear activation, any stack of linear layers is ONE affine map ``W'x + b'``.

Random 20-layer networks with identity activations (float64, variance-preserving init so the outputs
stay of order 1) are folded by :func:`relulab.collapse` into one ``nn.Linear``; the largest
``|f(x) - (W'x + b')|`` on random inputs and the rank of ``W'`` (at most the narrowest width) decide.
The same net with ReLU is collapsed too: it is not affine and the first ReLU is named.
"""

from __future__ import annotations

import torch

from ..analysis.collapse import collapse
from ..models import MLP
from .registry import CLAIMS, Progress, register_claim
from .result import Figure, Measurement, Verdict

ID = "C1"
TITLE = "linear layers collapse"
TEXT = "Without a nonlinear activation, any stack of linear layers is one affine map W'x + b'."
RULE = ("20-layer identity net: max abs(collapsed − original) ≤ 1e-10 in float64, rank W' ≤ narrowest width; "
        "otherwise does not hold")
DEPTH, D_IN, D_OUT = 20, 8, 6  # 20 linear layers: 19 hidden ones


def decide(m: dict) -> tuple[Verdict, list[str]]:
    """``m``: ``max_abs_diff`` (over all nets), ``rank_excess`` (max of rank W' - narrowest width)."""
    failed = []
    if not m["max_abs_diff"] <= 1e-10:
        failed.append(f"max abs difference {m['max_abs_diff']:.3g} > 1e-10")
    if m["rank_excess"] > 0:
        failed.append(f"rank of W' exceeds the narrowest width by {m['rank_excess']}")
    return (Verdict.FAILS, failed) if failed else (Verdict.HOLDS, [])


def widths(g: torch.Generator) -> tuple[int, ...]:
    """19 random hidden widths in 4..24 with one bottleneck of 3 at a random layer."""
    w = torch.randint(4, 25, (DEPTH - 1,), generator=g)
    w[int(torch.randint(0, DEPTH - 1, (1,), generator=g))] = 3
    return tuple(int(v) for v in w)


@register_claim(ID, TITLE, TEXT, RULE, decide)
def run(quick: bool = False, seed: int = 0, device: str = "cpu", progress: Progress | None = None):
    n_nets, samples = (3, 256) if quick else (20, 4096)
    rows, first = [], None
    for k in range(n_nets):
        g = torch.Generator().manual_seed(seed * 1000 + k)
        hidden = widths(g)
        net = MLP(D_IN, hidden, D_OUT, "identity", init="xavier", generator=g).to(device)
        r = collapse(net, generator=g, samples=samples)
        x = torch.randn(samples, D_IN, generator=g, dtype=torch.float64).to(device)
        with torch.no_grad():
            scale = float(net(x).abs().max())
        assert r.linear and r.layer is not None, f"the identity net was not found affine: {r}"
        rows.append({"seed": seed * 1000 + k, "hidden": hidden, "narrowest": min(hidden), "rank": r.rank,
                     "max_abs_diff": r.max_abs_diff, "output_scale": scale})
        if first is None:
            with torch.no_grad():
                first = (net, r, x, net(x).cpu(), r.layer(x).cpu())
        if progress:
            progress((k + 1) / (n_nets + 1))
    relu_net = MLP(D_IN, rows[0]["hidden"], D_OUT, "relu", init="he", generator=torch.Generator().manual_seed(seed))
    relu = collapse(relu_net.to(device), generator=torch.Generator().manual_seed(seed), samples=samples)
    m = {"max_abs_diff": max(r["max_abs_diff"] for r in rows),
         "rank_excess": max(r["rank"] - r["narrowest"] for r in rows)}
    measurements = [
        Measurement("max |collapsed − original| (float64)", m["max_abs_diff"], "",
                    f"over {n_nets} random 20-layer identity nets x {samples} random inputs"),
        Measurement("rank W' / narrowest width", [f"{r['rank']}/{r['narrowest']}" for r in rows]),
        Measurement("largest |output| (scale of the outputs)", max(r["output_scale"] for r in rows)),
        Measurement("same net with relu: affine?", str(relu.linear), note=
                    f"first nonlinear layer: {relu.breaking_layer} ({relu.breaking_type}), "
                    f"relative additivity violation {relu.relative_violation:.1%}"),
    ]
    return CLAIMS.get(ID).result(m, measurements, figures=[_figure(first, rows)],
                                 key=f"max |deep linear net − one affine map| = {m['max_abs_diff']:.1e} (float64)",
                                   configs=[{"layers": DEPTH, "in": D_IN, "out": D_OUT, "hidden": r["hidden"],
                                             "activation": "identity", "init": "xavier", "dtype": "float64"}
                                            for r in rows],
                                   seeds=[r["seed"] for r in rows])


def _figure(first, rows) -> Figure:
    from ..viz.collapse import plot_collapse  # matplotlib: only when a claim runs

    fig = plot_collapse(first, rows)
    return Figure.from_matplotlib(fig, "c01_collapse",
                                  "A random 20-layer net with identity activations equals "
                                  "one affine map (left); W' has rank at most the narrowest width (right).")
