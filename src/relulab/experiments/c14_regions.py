"""C14: in 2-D, more ReLUs fold the plane into more polygons and approximate curved boundaries better.

1. Random ReLU nets with biased initialisation (PyTorch's default: with zero biases every first-layer line
   would pass through the origin): the exact region count (:func:`relulab.regions`) and the number of
   decision-boundary segments on the box ``[-6, 6]²`` vs width (one hidden layer) and vs depth (width 8),
   beside the Zaslavsky / Montúfar (lower) / Serra (upper) bounds of the architecture.
2. ReLU nets trained on the playground's circle, one hidden layer of growing width: how round the decision
   boundary is, as its radial spread ``std / mean`` of the distance from the origin (length-weighted along
   the exact boundary segments; 0 for a circle centred at the origin).
3. One width-8 net trained on the circle: the total region count and the *local complexity* (the mean
   number of regions meeting a disc of 5 % of the data's spread around each training point,
   :func:`relulab.analysis.regions.local_complexity`) over training, recorded by ``RegionCounter``.
"""

from __future__ import annotations

import statistics

import numpy as np
import torch

from ..analysis.regions import DEFAULT_FRACTION, RegionCounter, default_radius, regions, regions_of_run
from ..config import RunConfig
from ..models import MLP
from ..sweep.paired import median_step_interval
from ..training import train
from ..training.stacked import train_many
from .registry import CLAIMS, Progress, register_claim
from .result import Figure, Measurement, Verdict

ID = "C14"
TITLE = "regions vs size"
TEXT = ("In 2-D, many ReLUs fold the plane into polygons; more units give more pieces and a finer approximation "
        "of curved class boundaries.")
RULE = ("the median region count grows with width (depth 1) and with depth (fixed width): at every step to the next "
        "size the 95 % bootstrap interval of the difference of medians (random nets of each size resampled) lies "
        "above 0; does not hold when a step's interval lies at or below 0; inconclusive when one straddles 0; caveat "
        "when the boundary's radial spread does not shrink from the smallest to the largest net")
BOX = (-6.0, 6.0)
DEPTH_WIDTH = 8
LOCAL_WIDTH = 8  # the net whose local complexity is followed over training
TRAINED = RunConfig(dataset="circle", activation="relu", lr=0.03, regularization="l2", reg_rate=0.001, batch_size=10)


def decide(m: dict) -> tuple[Verdict, list[str]]:
    """``m``: median region counts ``by_width`` and ``by_depth`` (growing size order, sizes in ``widths`` and
    ``depths``), the interval of each step's difference of medians (``width_steps``, ``depth_steps``), and
    median radial spreads ``spread`` of the trained nets (smallest to largest net)."""
    failed, unsure = [], []
    for key, what in (("width", "width"), ("depth", "depth")):
        sizes, medians = m[f"{key}s"], m[f"by_{key}"]
        for i, (low, high) in enumerate(m[f"{key}_steps"]):
            said = (f"{what} {sizes[i]} -> {sizes[i + 1]}: median {medians[i]:g} -> {medians[i + 1]:g}, difference "
                    f"[{low:+g}, {high:+g}]")
            if high <= 0:
                failed.append(f"the median region count does not grow with {said}")
            elif not low > 0:
                unsure.append(f"the growth cannot be told apart from none at {said}")
    if failed:
        return Verdict.FAILS, failed
    if unsure:
        return Verdict.INCONCLUSIVE, unsure
    if not m["spread"][-1] < m["spread"][0]:
        return Verdict.CAVEATS, [f"the boundary's radial spread does not shrink: {m['spread'][0]:.3f} for the smallest "
                                 f"net, {m['spread'][-1]:.3f} for the largest"]
    return Verdict.HOLDS, []


def radial_spread(segments: torch.Tensor) -> float:
    """std / mean of the distance from the origin along segments ``(S, 2, 2)``, weighted by length
    (midpoint rule, 32 points per segment)."""
    seg = segments.numpy()
    if len(seg) == 0:
        return float("nan")
    t = (np.arange(32) + 0.5) / 32
    pts = seg[:, :1] * (1 - t[None, :, None]) + seg[:, 1:] * t[None, :, None]  # (S, 32, 2)
    d = np.linalg.norm(pts, axis=2)
    w = np.repeat(np.linalg.norm(seg[:, 1] - seg[:, 0], axis=1)[:, None], len(t), axis=1)
    mean = float((d * w).sum() / w.sum())
    return float(np.sqrt(((d - mean) ** 2 * w).sum() / w.sum()) / mean)


def random_counts(hidden: tuple[int, ...], seeds: list[int]) -> dict:
    counts, segs = [], []
    for s in seeds:
        r = regions(MLP(2, hidden, 1, "relu", init="torch", generator=torch.Generator().manual_seed(s)), BOX)
        counts.append(len(r))
        segs.append(int(r.decision_boundary().shape[0]))
    b = r.bounds()
    return {"hidden": list(hidden), "median_regions": statistics.median(counts), "regions": counts,
            "median_segments": statistics.median(segs), "zaslavsky_first_layer": b.zaslavsky_first_layer,
            "montufar_lower": b.montufar_lower, "serra_upper": b.upper}


@register_claim(ID, TITLE, TEXT, RULE, decide)
def run(quick: bool = False, seed: int = 0, device: str = "cpu", progress: Progress | None = None):
    if quick:
        widths, depths, n_rand, trained_widths, n_trained, epochs = (2, 4, 8, 16, 32), (1, 2, 3), 5, (3, 8, 32), 3, 150
    else:
        widths, depths, n_rand, trained_widths, n_trained, epochs = (2, 4, 8, 16, 32, 64), (1, 2, 3, 4, 5), 20, \
            (3, 4, 8, 16, 32), 8, 300
    rand_seeds = list(range(seed, seed + n_rand))
    by_width = [random_counts((w,), rand_seeds) for w in widths]
    by_depth = [random_counts((DEPTH_WIDTH,) * d, rand_seeds) for d in depths]
    if progress:
        progress(0.3)
    trained_seeds = list(range(seed, seed + n_trained))
    trained = []
    for k, w in enumerate(trained_widths):
        base = TRAINED.model_copy(update={"hidden": (w,), "epochs": epochs})
        runs = train_many([base.model_copy(update={"weight_seed": s}) for s in trained_seeds])
        regs = [regions_of_run(r).regions for r in runs]
        spreads = [radial_spread(r.decision_boundary()) for r in regs]
        trained.append({"width": w, "spreads": spreads, "median_spread": statistics.median(spreads),
                        "test_acc": [r.metrics()["test_acc"] for r in runs], "regions": [len(r) for r in regs],
                        "example": (runs[0], regs[0])})
        if progress:
            progress(0.3 + 0.65 * (k + 1) / len(trained_widths))
    lc_run = train(TRAINED.model_copy(update={"hidden": (LOCAL_WIDTH,), "epochs": epochs, "weight_seed": seed}),
                   on_step=RegionCounter(every=max(1, epochs // 15), local=True))
    local = {"epochs": lc_run.history.extra["regions_epoch"], "regions": lc_run.history.extra["regions"],
             "local_complexity": lc_run.history.extra["local_complexity"],
             "radius": default_radius(lc_run.data.x_train)}
    rng = np.random.default_rng(seed)
    steps = {key: [median_step_interval(a["regions"], b["regions"], rng) for a, b in zip(rs, rs[1:], strict=False)]
             for key, rs in (("width", by_width), ("depth", by_depth))}
    m = {"by_width": [r["median_regions"] for r in by_width], "by_depth": [r["median_regions"] for r in by_depth],
         "widths": list(widths), "depths": list(depths), "width_steps": steps["width"],
         "depth_steps": steps["depth"], "spread": [t["median_spread"] for t in trained]}
    measurements = [
        Measurement("median regions vs width (depth 1)", dict(zip(map(str, widths), m["by_width"], strict=True)),
                    note=f"Zaslavsky maximum {[r['zaslavsky_first_layer'] for r in by_width]}; "
                         f"{n_rand} random nets each"),
        Measurement(f"median regions vs depth (width {DEPTH_WIDTH})", dict(zip(map(str, depths), m["by_depth"],
                                                                            strict=True)),
                    note=f"Montúfar lower {[r['montufar_lower'] for r in by_depth]}, "
                         f"Serra upper {[r['serra_upper'] for r in by_depth]}"),
        Measurement("median decision-boundary segments vs width", [r["median_segments"] for r in by_width]),
        Measurement("median decision-boundary segments vs depth", [r["median_segments"] for r in by_depth]),
        Measurement("trained on the circle: median radial spread (std/mean) vs width",
                    {str(t["width"]): round(t["median_spread"], 4) for t in trained},
                    note=f"{n_trained} seeds, {epochs} epochs; mean test accuracy "
                         f"{[round(statistics.fmean(t['test_acc']), 3) for t in trained]}"),
        Measurement("trained on the circle: median regions vs width",
                    {str(t["width"]): statistics.median(t["regions"]) for t in trained}),
        Measurement(f"trained on the circle (width {LOCAL_WIDTH}): local complexity over training",
                    {str(e): round(v, 3) for e, v in zip(local["epochs"], local["local_complexity"], strict=True)},
                    note=f"mean regions meeting a disc of radius {local['radius']:.3g} ({DEFAULT_FRACTION:.0%} of the "
                         f"data's spread) around each training point, by epoch; total regions "
                         f"{dict(zip(map(str, local['epochs']), local['regions'], strict=True))}"),
    ]
    cfgs = [TRAINED.model_copy(update={"hidden": (w,), "epochs": epochs}) for w in trained_widths]
    pg = TRAINED.model_copy(update={"hidden": (8,), "epochs": epochs})
    configs = ([{"random_nets": {"hidden": r["hidden"], "init": "torch", "box": list(BOX)}}
                for r in by_width + by_depth] + [c.model_dump(mode="json") for c in cfgs])
    return CLAIMS.get(ID).result(
        m, measurements, figures=[_counts_figure(by_width, by_depth), _trained_figure(trained),
                                  _local_figure(local)], configs=configs,
        key=f"median regions, width {widths[0]} -> {widths[-1]}: {m['by_width'][0]} -> {m['by_width'][-1]}; depth: "
            + " -> ".join(map(str, m["by_depth"])),
        seeds=sorted(set(rand_seeds) | set(trained_seeds)), playground_url=pg.to_playground_url(),
        notes=["the playground link opens the width-8 net (the playground's widest layer); the other widths "
               "differ only in --hidden"])


def _counts_figure(by_width, by_depth) -> Figure:
    from ..viz.region_counts import plot_region_counts  # matplotlib: only when a claim runs

    fig = plot_region_counts(by_width, by_depth, DEPTH_WIDTH)
    return Figure.from_matplotlib(fig, "c14_region_counts",
                                  "Exact region counts of random relu nets (biased init) "
                                  "vs width and depth, beside the theoretical bounds (0.8 plotted for 0 segments).",
                                  dpi=90)


def _trained_figure(trained) -> Figure:
    from ..viz.region_counts import plot_trained_boundaries  # matplotlib: only when a claim runs

    fig = plot_trained_boundaries(trained)
    return Figure.from_matplotlib(fig, "c14_circle_boundary",
                                  "Relu nets trained on the circle: the smallest and "
                                  "the largest net's regions and decision boundary, and the boundary's radial "
                                  "spread vs width.", dpi=85)


def _local_figure(local: dict) -> Figure:
    from ..viz.region_counts import plot_local_complexity  # matplotlib: only when a claim runs

    return Figure.from_matplotlib(plot_local_complexity(local, LOCAL_WIDTH), "c14_local_complexity",
                                  "A width-8 relu net trained on the circle: the total region count and the local "
                                  "complexity (regions meeting a disc of 5 % of the data's spread around each "
                                  "training point, averaged) over training.", dpi=90)
