r"""The activation gallery: every registered function beside its derivative, kinks marked.

The derivative is the registry's :meth:`~relulab.activations.Activation.grad` (so at a kink it shows
PyTorch's convention), the title is the registry's LaTeX, drawn by matplotlib's own mathtext (no TeX
install needed). Built on :class:`matplotlib.figure.Figure` directly: no pyplot, no window, any backend.

>>> fig = activation_gallery(["relu", "tanh"])
>>> [ax.get_title() for ax in fig.axes]
['relu\n$\\max(0, x)$', 'tanh\n$\\tanh x$']
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..activations import activation_names, get_activation

F_COLOR, DF_COLOR, KINK_COLOR = "#0877bd", "#f59322", "#777777"


def _window(kinks: Sequence[float], half_width: float) -> tuple[float, float]:
    """``[-half_width, half_width]``, widened so that every kink has room on both sides."""
    lo = min([-half_width, *(k - 1.5 for k in kinks)])
    hi = max([half_width, *(k + 1.5 for k in kinks)])
    return lo, hi


def activation_gallery(
    names: Sequence[str] | None = None, *, ncols: int = 4, half_width: float = 4.0, points: int = 801
) -> Figure:
    """A grid of panels, one per activation (default: all registered, in registry order).

    Each panel: ``f`` (solid), ``f'`` from ``.grad`` (dashed), a dotted line and a dot ``(k, f(k))`` at
    each kink ``k``; the title is the name and the formula. Unknown names raise the registry's error.
    """
    names = activation_names() if names is None else list(names)
    acts = [get_activation(n) for n in names]  # fail before drawing anything
    if not acts:
        raise ValueError("activation_gallery needs at least one activation name, got none")
    if ncols < 1 or points < 2 or not half_width > 0:
        raise ValueError(f"need ncols >= 1, points >= 2, half_width > 0; got {ncols}, {points}, {half_width}")
    ncols = min(ncols, len(acts))
    nrows = math.ceil(len(acts) / ncols)
    fig = Figure(figsize=(3.4 * ncols, 2.9 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, act in zip(axes, acts, strict=False):
        kinks = act.kinks()
        lo, hi = _window(kinks, half_width)
        x = torch.linspace(lo, hi, points, dtype=torch.float64)
        ax.axhline(0, color="#cccccc", lw=0.8)
        ax.axvline(0, color="#cccccc", lw=0.8)
        ax.plot(x.numpy(), act(x).numpy(), color=F_COLOR, lw=2)
        ax.plot(x.numpy(), act.grad(x).numpy(), color=DF_COLOR, lw=1.5, ls="--")
        for k in kinks:
            ax.axvline(k, color=KINK_COLOR, lw=0.8, ls=":")
        if kinks:
            xk = torch.tensor(kinks, dtype=torch.float64)
            ax.plot(xk.numpy(), act(xk).numpy(), "o", color="black", ms=4)
        ax.set_title(f"{act.name}\n${act.latex}$", fontsize=9)
        ax.set_xlim(lo, hi)
        ax.tick_params(labelsize=7)
    key = [Line2D([], [], color=F_COLOR, lw=2), Line2D([], [], color=DF_COLOR, lw=1.5, ls="--"),
           Line2D([], [], color="black", marker="o", ls=":", ms=4)]
    fig.legend(key, ["$f(x)$", "$f'(x)$ (.grad)", "kink"], loc="outside lower center", ncols=3, fontsize=8)
    for ax in axes[len(acts):]:
        fig.delaxes(ax)
    return fig


def plot_variant_values(values: dict[str, list[float]], xs) -> Figure:
    """ReLU, Leaky ReLU, ELU and PReLU on [-4, 4], with the values at ``xs`` marked."""
    t = torch.linspace(-4, 4, 401, dtype=torch.float64)
    fig = Figure(figsize=(6.5, 4), layout="constrained")
    ax = fig.subplots()
    for name, style in (("relu", "-"), ("leaky_relu", "--"), ("elu", "-."), ("prelu", ":")):
        ax.plot(t, get_activation(name)(t), style, label=name + (" (a = 0.25 at init)" if name == "prelu" else ""))
        if name in values:
            ax.scatter(xs, values[name], zorder=3, s=25)
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set(xlabel="x", ylabel="f(x)", title="the claim's points x = -1, 2, -3, 4 on each variant", ylim=(-1.5, 4.2))
    ax.legend()
    return fig
