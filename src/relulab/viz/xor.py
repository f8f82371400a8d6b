"""Figures of the claims (moved from their modules: every figure is drawn in ``viz``)."""

from __future__ import annotations

import torch
from matplotlib.figure import Figure

from .boundary import plot_boundary


def plot_xor(p_xor, p_sep, xor, runs, acc, success) -> Figure:
    """Perceptron mistakes per epoch, its line on XOR, a relu MLP's boundary, and the MLPs' success rates."""
    fig = Figure(figsize=(16, 4), layout="constrained")
    ax = fig.subplots(1, 4)
    ax[0].plot(range(1, len(p_xor.mistakes) + 1), p_xor.mistakes, ".-", label="XOR (4 points)")
    ax[0].plot(range(1, len(p_sep.mistakes) + 1), p_sep.mistakes, ".-", label="separable set (100 points)")
    ax[0].set(xlabel="epoch", ylabel="mistakes", title="perceptron rule: mistakes per epoch", ylim=(-0.3, None))
    ax[0].legend()
    x, y = xor.x_train, xor.y_train
    t = torch.linspace(-2, 2, 81, dtype=torch.float64)
    gx, gy = torch.meshgrid(t, t, indexing="xy")
    side = p_xor.perceptron.predict(torch.stack([gx.ravel(), gy.ravel()], 1)).reshape(gx.shape)
    ax[1].contourf(gx, gy, side, levels=[-2, 0, 2], colors=["#fbd9b0", "#b3d3ea"])
    ax[1].scatter(x[:, 0], x[:, 1], c=["#0877bd" if v > 0 else "#f59322" for v in y], s=120, edgecolors="k")
    w, b = p_xor.perceptron.weight.tolist(), p_xor.perceptron.bias
    ax[1].set(xlim=(-2, 2), ylim=(-2, 2), aspect="equal",
              title=f"perceptron after 100 epochs: w = ({w[0]:g}, {w[1]:g}), b = {b:g}\n"
                    + ("one class everywhere" if w == [0.0, 0.0] else "a line: two half-planes"))
    key = ("relu", 4)
    i = next((k for k, a in enumerate(acc[key]) if a == 1.0), 0)
    plot_boundary(runs[key][i], ax[2], resolution=60, title=f"relu, 4 units (seed {runs[key][i].config.weight_seed})")
    names = [f"{a} {w}" for a, w in success]
    ax[3].bar(names, [100 * v for v in success.values()], color=["grey", "#7fb1d8", "#0877bd", "#2ca02c"])
    ax[3].axhline(80, color="r", ls=":", label="80 % (rule, relu 4)")
    ax[3].set(ylabel="% of seeds with accuracy 1.0", title=f"MLPs on XOR over {len(acc[key])} seeds", ylim=(0, 105))
    ax[3].legend(loc="upper left")
    return fig
