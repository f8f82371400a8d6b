"""C3: on the circle, 3 hidden layers x 3 units, lr 0.03, L2: linear fails, tanh is smooth, ReLU a polygon.

Linear, tanh and ReLU networks are trained on the playground's circle data set over many weight seeds
(one stacked model per activation, :func:`relulab.training.stacked.train_many`). For every ReLU run the
exact linear regions give the class polygon around the inner class; its corners where the boundary
turns by more than 10 degrees are what the eye counts as sides ("roughly a hexagon").
"""

from __future__ import annotations

import statistics

import numpy as np

from ..analysis.regions import regions_of_run
from ..config import RunConfig
from ..sweep.paired import mean_interval
from ..training.stacked import train_many
from .registry import CLAIMS, Progress, register_claim
from .result import Figure, Measurement, Verdict

ID = "C3"
TITLE = "circle: linear vs tanh vs relu"
TEXT = ("On the circle data set, 3 hidden layers x 3 units, lr 0.03, L2: a linear network fails, tanh draws a "
        "smooth closed boundary, ReLU a polygon with a few sharp corners (roughly a hexagon).")
SIZE = {True: (8, 150), False: (20, 300)}  # (seeds, epochs) of a quick and a full run
RULE = (f"over the run's seeds ({SIZE[False][0]} in a full run, {SIZE[True][0]} in a quick one), a 95 % bootstrap "
        "interval of each mean test accuracy: linear's wholly ≤ 0.7, tanh's and relu's wholly ≥ 0.9; fails when an "
        "interval lies wholly on the wrong side of its threshold, inconclusive when one straddles it; caveat "
        "\"polygon, not roughly a hexagon\" when the median side count of relu's class polygon (corners turning > "
        "10°) is outside 5–8")
BASE = RunConfig(dataset="circle", hidden=(3, 3, 3), lr=0.03, regularization="l2", reg_rate=0.001, batch_size=10)
ACTIVATIONS = ("linear", "tanh", "relu")


def decide(m: dict) -> tuple[Verdict, list[str]]:
    """``m``: mean test accuracy ``linear``, ``tanh``, ``relu``; ``interval``: each one's 95 % interval over the
    seeds; ``relu_median_sides`` (None: no closed polygon)."""
    failed, unsure = [], []
    for a, limit, below in (("linear", 0.7, True), ("tanh", 0.9, False), ("relu", 0.9, False)):
        low, high = m["interval"][a]
        said = f"{a} mean test accuracy {m[a]:.3f} [{low:.3f}, {high:.3f}]"
        wrong, right = (low > limit, high <= limit) if below else (high < limit, low >= limit)
        if wrong:
            failed.append(f"{said} {'>' if below else '<'} {limit}")
        elif not right:
            unsure.append(f"{said} straddles {limit}")
    if failed:
        return Verdict.FAILS, failed
    if unsure:
        return Verdict.INCONCLUSIVE, unsure
    sides = m["relu_median_sides"]
    if sides is None or not 5 <= sides <= 8:
        shown = "no closed polygon" if sides is None else f"median {sides:g} sides"
        return Verdict.CAVEATS, [f"polygon, not roughly a hexagon ({shown} turning > 10°)"]
    return Verdict.HOLDS, []


def inner_polygon(run):
    """The largest class region that does not touch the window (the polygon around the inner class)."""
    closed = [c for c in regions_of_run(run).regions.class_regions() if not c.touches_window]
    return max(closed, key=lambda c: c.area) if closed else None


@register_claim(ID, TITLE, TEXT, RULE, decide)
def run(quick: bool = False, seed: int = 0, device: str = "cpu", progress: Progress | None = None):
    n_seeds, epochs = SIZE[quick]
    base = BASE.model_copy(update={"epochs": epochs})
    seeds = list(range(seed, seed + n_seeds))
    runs, done = {}, 0.0
    for a in ACTIVATIONS:
        cfgs = [base.model_copy(update={"activation": a, "weight_seed": s}) for s in seeds]

        def tick(k: float) -> None:
            nonlocal done
            done += k
            if progress:
                progress(0.9 * done / (len(ACTIVATIONS) * epochs))

        runs[a] = train_many(cfgs, on_epoch=tick)
    acc = {a: [r.metrics()["test_acc"] for r in rs] for a, rs in runs.items()}
    polys = [inner_polygon(r) for r in runs["relu"]]
    sides = [p.sharp_sides(10.0) for p in polys if p is not None]
    m = {a: statistics.fmean(v) for a, v in acc.items()}
    m["interval"] = {a: mean_interval(v, np.random.default_rng(seed)) for a, v in acc.items()}
    m["relu_median_sides"] = statistics.median(sides) if sides else None
    measurements = [Measurement(f"{a} mean test accuracy", m[a], note=f"95 % interval [{m['interval'][a][0]:.3f}, "
                                f"{m['interval'][a][1]:.3f}], min {min(acc[a]):.3f}, max {max(acc[a]):.3f}")
                    for a in ACTIVATIONS]
    measurements += [
        Measurement("relu class polygon: median sides (turning > 10°)", m["relu_median_sides"] or "none"),
        Measurement("relu class polygon sides per seed", [p.sharp_sides(10.0) if p else None for p in polys]),
        Measurement("relu class polygon corners of any angle per seed", [p.sides if p else None for p in polys]),
        Measurement("relu runs with a closed class polygon", f"{len(sides)}/{len(polys)}"),
        Measurement("test accuracy per seed", {a: [round(v, 3) for v in acc[a]] for a in ACTIVATIONS}),
    ]
    if progress:
        progress(0.95)
    cfgs = [base.model_copy(update={"activation": a}) for a in ACTIVATIONS]
    return CLAIMS.get(ID).result(
        m, measurements, figures=[_boundaries(runs, acc), _polygon(runs["relu"], polys, sides)],
        key=f"mean test accuracy: linear {m['linear']:.2f}, tanh {m['tanh']:.2f}, relu {m['relu']:.2f}; relu's "
            f"polygon: median {m['relu_median_sides']} sides",
        configs=[c.model_dump(mode="json") for c in cfgs], seeds=seeds,
        playground_url=cfgs[2].to_playground_url())


def _median_run(rs, accs):
    order = sorted(range(len(rs)), key=lambda i: accs[i])
    return order[len(order) // 2]


def _boundaries(runs, acc) -> Figure:
    from ..viz.boundary import compare_figure

    panels = []
    for a, rs in runs.items():
        i = _median_run(rs, acc[a])
        panels.append((f"{a} (median seed {rs[i].config.weight_seed}): acc {acc[a][i]:.2f}", rs[i]))
    fig = compare_figure(panels, resolution=80)
    return Figure.from_matplotlib(fig, "c03_circle", "The circle data set, 3x3 hidden units: a typical (median "
                                  "accuracy) seed of linear, tanh and relu.", dpi=80)


def _polygon(relu_runs, polys, sides) -> Figure:
    from ..viz.polygon import plot_class_polygon  # matplotlib: only when a claim runs

    fig = plot_class_polygon(relu_runs, polys, sides)
    return Figure.from_matplotlib(fig, "c03_relu_polygon",
                                  "Left: the exact linear regions of one relu run with its "
                                  "class polygon in red. Right: the number of sides over seeds.", dpi=90)
