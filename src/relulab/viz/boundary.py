"""Decision-boundary heatmaps (the playground's picture) and the side-by-side comparison figure."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # figures are files here; never a window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .fonts import label  # noqa: E402

# The playground's colours: orange for -1, white for 0, blue for +1.
PLAYGROUND_CMAP = LinearSegmentedColormap.from_list("playground", ["#f59322", "#e8eaeb", "#0877bd"])


def grid(lo: float, hi: float, resolution: int) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
    """A square grid over ``[lo, hi]^2``: the axes and the ``(resolution^2, 2)`` points, row by row."""
    xs = np.linspace(lo, hi, resolution)
    gx, gy = np.meshgrid(xs, xs)
    pts = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], axis=1))
    return xs, xs, pts


def _score(run, pts: torch.Tensor) -> np.ndarray:
    """A value in [-1, 1] per point: the output for ±1 labels, 2p - 1 for sigmoid / softmax."""
    out = run.predict(pts)
    if run.config.loss == "mse":
        return out[:, 0].numpy()
    if out.shape[1] == 1:
        return (2 * out[:, 0] - 1).numpy()
    return out.argmax(1).numpy().astype(float)


def plot_boundary(run, ax=None, *, resolution: int = 100, show_test: bool = True, discretize: bool = False,
                  title: str | None = None, lang: str = "en") -> Figure:
    """The run's output over its data set's box with the training (and test) points on top; its own text in
    ``lang`` where a font can draw it (draw and save inside :func:`~relulab.viz.fonts.font_context`)."""
    from ..data import DATASETS

    fig = ax.figure if ax is not None else plt.figure(figsize=(4.2, 4.2))
    ax = ax if ax is not None else fig.add_subplot(1, 1, 1)
    spec = DATASETS.get(run.config.dataset)
    lo, hi = spec.domain
    if spec.input_dim == 1:
        return _plot_1d(run, ax, lo, hi, title, lang)
    xs, ys, pts = grid(lo, hi, resolution)
    z = _score(run, pts).reshape(resolution, resolution)
    if discretize:
        z = np.sign(z)
    multi = run.data.num_classes > 2
    ax.imshow(z, origin="lower", extent=(lo, hi, lo, hi), cmap="tab10" if multi else PLAYGROUND_CMAP,
              vmin=None if multi else -1, vmax=None if multi else 1, interpolation="nearest", alpha=0.85)
    if not multi and run.data.problem == "classification":
        ax.contour(xs, ys, z, levels=[0.0], colors="k", linewidths=1.2)
    sets = [(run.data.x_train, run.data.y_train, "white")]
    if show_test:
        sets.append((run.data.x_test, run.data.y_test, "black"))
    for x, y, edge in sets:
        c = y.numpy().astype(float)
        ax.scatter(x[:, 0], x[:, 1], c=c, cmap="tab10" if multi else PLAYGROUND_CMAP,
                   vmin=None if multi else -1, vmax=None if multi else 1, s=12, edgecolors=edge, linewidths=0.5)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_title(title or _default_title(run, lang), fontsize=10)
    return fig


def _plot_1d(run, ax, lo: float, hi: float, title: str | None, lang: str) -> Figure:
    xs = torch.linspace(lo, hi, 400, dtype=torch.float64).unsqueeze(1)
    ax.plot(xs[:, 0], run.predict(xs)[:, 0], color="#0877bd", label=label("network", lang))
    ax.scatter(run.data.x_train[:, 0], run.data.y_train, s=8, color="#f59322", label=label("training points", lang))
    ax.legend(fontsize=8)
    ax.set_title(title or _default_title(run, lang), fontsize=10)
    return ax.figure


def _default_title(run, lang: str = "en") -> str:
    m = run.metrics()
    act = run.config.activation if isinstance(run.config.activation, str) else "/".join(run.config.activation)
    if m["test_acc"] is None:
        return label("{act}: test loss {loss}", lang, act=act, loss=f"{m['test_loss']:.3f}")
    return label("{act}: test loss {loss}, test acc {acc}", lang, act=act, loss=f"{m['test_loss']:.3f}",
                 acc=f"{m['test_acc']:.2f}")


def compare_figure(panels: Sequence[tuple[str, object]], *, resolution: int = 100) -> Figure:
    """One boundary per ``(title, run)`` side by side."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.0 * len(panels), 4.2), squeeze=False)
    for ax, (title, run) in zip(axes[0], panels, strict=True):
        plot_boundary(run, ax, resolution=resolution, title=title)
    fig.tight_layout()
    return fig
