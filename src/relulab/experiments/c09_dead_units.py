"""C9: a ReLU unit can die (negative pre-activation on every input, zero gradient) and never recovers;
Leaky ReLU, PReLU and ELU avoid this.

The playground's circle, two hidden layers of 8, SGD at learning rates 0.03, 0.3, 1 and 3, per activation
and seed; every unit's state after each epoch (:class:`relulab.analysis.dead.DeadUnitTracker`), so a unit
that dies and later comes back is counted, layer by layer. A unit counts as *near-dead* when its derivative
is at most ``EPS`` on every training point or its output is constant over them -- for relu exactly dead,
and a test the variants can fail (a Leaky ReLU unit negative everywhere passes back only 0.01). The
variants are compared with relu cell by cell (same learning rate and seed), paired and Holm-corrected.
"""

from __future__ import annotations

import numpy as np

from ..analysis.dead import DeadUnitTracker
from ..analysis.threads import torch_threads
from ..config import RunConfig
from ..sweep.paired import MARGIN, compare_pairs
from ..training import build_model, make_dataset, train
from .parts import PartRule, decide_parts
from .registry import CLAIMS, Progress, register_claim
from .result import ClaimResult, Figure, Measurement, Verdict

ID = "C9"
TITLE = "Dead ReLU units, and whether they recover"
TEXT = ("A ReLU unit can \"die\": its pre-activation stays negative on all inputs, its gradient is 0, it never "
        "recovers. Leaky ReLU, PReLU and ELU avoid this.")
ACTIVATIONS = ("relu", "leaky_relu", "prelu", "elu")
LRS = (0.03, 0.3, 1.0, 3.0)
BASE = RunConfig(dataset="circle", hidden=(8, 8), activation="relu", lr=0.03, batch_size=10, epochs=100)
SIZE = {True: (3, 30), False: (5, 100)}  # (seeds, epochs): 30 epochs at lr >= 1 are enough for units to die
TRAINS = 0.75  # final train accuracy a run must reach to count as trained (chance: 0.5)
EPS = 0.01  # near-dead: |f'| <= EPS on every input (Leaky ReLU's own negative slope)
DIES, REVIVES, MIN_DEAD = 0.10, 0.05, 10


def _dies(m: dict) -> tuple[Verdict, list[str]]:
    many = sum(d > DIES for d in m["relu_dead"])
    if many > len(m["relu_dead"]) / 2:
        return Verdict.HOLDS, []
    return Verdict.FAILS, [f"relu's dead fraction exceeds {DIES:.0%} in only {many} of {len(m['relu_dead'])} runs "
                           "at lr ≥ 1"]


def _never_recovers(m: dict) -> tuple[Verdict, list[str]]:
    told = {k: v for k, v in m["relu_revival"].items() if v[1] >= MIN_DEAD}
    if not told:
        return Verdict.INCONCLUSIVE, [f"no layer had {MIN_DEAD} relu units that were ever dead: too few to tell"]
    back = {k: v for k, v in told.items() if v[2] >= REVIVES * v[1]}
    if back:
        return Verdict.FAILS, ["dead relu units came back: " + ", ".join(
            f"layer {k}: {v[2]} of {v[1]} ever dead ({v[2] / v[1]:.0%})" for k, v in back.items())
            + "; a unit dead on the data revives when the layers before it move"]
    return Verdict.HOLDS, []


def _variants(m: dict, key: str, good, bad, said: str) -> tuple[Verdict, list[str]]:
    rows = m[key]
    worse = [v for v, r in rows.items() if bad(r)]
    unsure = [v for v, r in rows.items() if not good(r) and not bad(r)]
    text = "; ".join(f"{v}: {r['diff']:+.3f} [{r['low']:+.3f}, {r['high']:+.3f}]" for v, r in rows.items())
    if worse:
        return Verdict.FAILS, [f"{', '.join(worse)} {said} ({text})"]
    if unsure:
        return Verdict.INCONCLUSIVE, [f"the intervals cannot tell for {', '.join(unsure)} ({text})"]
    return Verdict.HOLDS, []


def _avoid(m: dict) -> tuple[Verdict, list[str]]:
    return _variants(m, "avoid", lambda r: r["low"] > 0, lambda r: r["high"] < MARGIN,
                     f"end as near-dead as relu, or more (the interval's high end < {MARGIN})")


def _still_train(m: dict) -> tuple[Verdict, list[str]]:
    return _variants(m, "train", lambda r: r["low"] > -MARGIN, lambda r: r["high"] < -MARGIN,
                     f"train less often than relu, by more than {MARGIN}")


PARTS = [
    PartRule("relu_dies", "relu units die at high learning rates",
             f"relu's final dead fraction > {DIES:.0%} in more than half of its runs at lr ≥ 1", _dies, ("relu_dead",)),
    PartRule("never_recovers", "a dead relu unit never recovers",
             f"in every layer with ≥ {MIN_DEAD} relu units ever dead (all runs), fewer than {REVIVES:.0%} of them are "
             "alive again at a later epoch; no such layer: inconclusive; revival per layer = [units, ever dead, "
             "revived]", _never_recovers, ("relu_revival",)),
    PartRule("variants_avoid", "Leaky ReLU, PReLU and ELU avoid dying",
             f"per variant, relu's final dead fraction − the variant's near-dead fraction (|f'| ≤ {EPS:g} on every "
             "training point, or a constant output) over matched cells (lr ≥ 1 × seed), paired bootstrap 95 % "
             f"interval, Holm across the three: avoids when the low end > 0; does not when the high end < {MARGIN}; "
             "otherwise inconclusive; holds when all three avoid", _avoid, ("avoid",)),
    PartRule("variants_train", "the variants still train at those learning rates",
             f"per variant, success (final train accuracy ≥ {TRAINS}) of the variant − relu's over matched cells "
             f"(lr ≥ 1 × seed), Newcombe's interval, Holm: trains when the low end > −{MARGIN}; fails when the high "
             f"end < −{MARGIN}; otherwise inconclusive; relu's own success rate is shown beside",
             _still_train, ("train", "relu_trained")),
]


# The same four statements on real data (the digits: a 6x64 MLP and a two-conv CNN at their high rate).
def _on(fn, key: str, inner: str):
    """A toy part's ``decide`` read on the digits' numbers ``m[key]`` (the toy's own key ``inner``)."""
    return lambda m: fn({inner: m[key]})


DIGITS_TRAINS = 0.5  # final train accuracy of a digits run that trained (chance: 0.1)
PARTS += [
    PartRule("digits_relu_dies", "on real digits, relu units die at a high learning rate",
             f"relu's final dead fraction > {DIES:.0%} in more than half of its digits runs at the high rate (MLP "
             "lr 0.5, CNN lr 1; a CNN unit is a channel)", _on(_dies, "digits_relu_dead", "relu_dead"),
             ("digits_relu_dead",)),
    PartRule("digits_never_recovers", "on real digits, a dead relu unit never recovers",
             f"per layer, as on the toy: in every layer with ≥ {MIN_DEAD} relu units ever dead (high-rate digits runs),"
             f" fewer than {REVIVES:.0%} alive again later; no such layer: inconclusive",
             _on(_never_recovers, "digits_relu_revival", "relu_revival"), ("digits_relu_revival",)),
    PartRule("digits_variants_avoid", "on real digits, Leaky ReLU, PReLU and ELU avoid dying",
             f"as variants_avoid, over the digits cells (architecture × seed) at the high rate; near-dead: |f'| ≤ "
             f"{EPS:g} on every training image, or a constant output", _on(_avoid, "digits_avoid", "avoid"),
             ("digits_avoid",)),
    PartRule("digits_variants_train", "on real digits, the variants still train at that rate",
             f"as variants_train, success = final train accuracy ≥ {DIGITS_TRAINS} (chance 0.1), over the digits "
             "cells at the high rate", _on(_still_train, "digits_train", "train"),
             ("digits_train", "digits_relu_trained")),
]
decide = decide_parts(PARTS)


def _digits(quick: bool, seed: int, progress: Progress | None) -> tuple[dict, list[Measurement]]:
    """The digits parts' numbers (:mod:`.realdata`, runs shared with C8 and C11) and their measurements."""
    from .realdata import ARCH_LRS, digits_grid

    grid = digits_grid(ACTIVATIONS, quick, seed, progress)
    cells = sorted({(arch, s) for arch, _, rate, s in grid if rate == "high"})
    final = {(arch, a, s): r.fraction("near") for (arch, a, rate, s), r in grid.items() if rate == "high"}
    trained = {(arch, a, s): not r.diverged and r.train_acc[-1] >= DIGITS_TRAINS
               for (arch, a, rate, s), r in grid.items() if rate == "high"}
    revival: dict[str, list[int]] = {}
    for (arch, a, rate, _), r in grid.items():
        if a == "relu" and rate == "high":
            for layer in r.layers:
                key = f"{arch} {layer.name}"
                counts = [len(layer.dead[0]), int(layer.ever().sum()), int(layer.revived().sum())]
                revival[key] = [x + y for x, y in zip(revival.get(key, [0, 0, 0]), counts, strict=True)]
    relu_ok = [trained[arch, "relu", s] for arch, s in cells]
    avoid = compare_pairs({a: ([final[c[0], "relu", c[1]] for c in cells], [final[c[0], a, c[1]] for c in cells])
                           for a in ACTIVATIONS[1:]}, rng=np.random.default_rng(seed))
    train_cmp = compare_pairs({a: ([trained[c[0], a, c[1]] for c in cells], relu_ok) for a in ACTIVATIONS[1:]},
                              binary=True)
    m = {"digits_relu_dead": [round(final[c[0], "relu", c[1]], 4) for c in cells], "digits_relu_revival": revival,
         "digits_avoid": {r.variant: _row(r) for r in avoid}, "digits_train": {r.variant: _row(r) for r in train_cmp},
         "digits_relu_trained": f"{sum(relu_ok)} of {len(relu_ok)}"}
    meas = [Measurement("digits: final near-dead fraction per run at the high rate (MLP lr "
                        f"{ARCH_LRS['mlp'][1]:g}, CNN lr {ARCH_LRS['cnn'][1]:g}), [MLP seeds..., CNN seeds...]",
                        {a: [round(final[c[0], a, c[1]], 3) for c in cells] for a in ACTIVATIONS}),
            Measurement("digits: near-dead fraction at the usual rate (lr 0.1), per run",
                        {a: [round(r.fraction("near"), 3) for k, r in grid.items() if k[1] == a and k[2] == "usual"]
                         for a in ACTIVATIONS}),
            Measurement("digits: runs at the high rate that trained (final train accuracy ≥ 0.5)",
                        {a: f"{sum(trained[c[0], a, c[1]] for c in cells)} of {len(cells)}" for a in ACTIVATIONS}),
            Measurement("digits: relu units per layer at the high rate [units, ever dead, revived]", revival)]
    return m, meas


def _train_all(jobs: list, epochs: int, progress: Progress | None) -> tuple[dict, dict]:
    histories, results = {}, {}
    for k, (lr, a, s) in enumerate(jobs):
        cfg = BASE.model_copy(update={"activation": a, "lr": lr, "weight_seed": s, "epochs": epochs})
        data = make_dataset(cfg)
        model = build_model(cfg, data)
        tracker = DeadUnitTracker(eps=EPS)
        p = next(model.parameters())
        tracker.record(model, data.train_inputs.to(p.dtype))  # before training
        results[lr, a, s] = train(cfg, on_step=tracker, data=data, model=model)
        histories[lr, a, s] = tracker.history()
        if progress is not None:
            progress((k + 1) / len(jobs))
    return histories, results


@register_claim(ID, TITLE, TEXT, parts=PARTS)
def run(quick: bool = False, seed: int = 0, device: str = "cpu", progress: Progress | None = None) -> ClaimResult:
    from ..viz.dead import plot_dead_fraction  # matplotlib: only when a claim runs

    n_seeds, epochs = SIZE[quick]
    seeds = list(range(seed, seed + n_seeds))
    jobs = [(lr, a, s) for lr in LRS for a in ACTIVATIONS for s in seeds]
    with torch_threads(1):  # small nets: one thread is fastest
        hist, results = _train_all(jobs, epochs, progress)
    high = [(lr, s) for lr in LRS if lr >= 1 for s in seeds]  # the matched cells

    def trained(lr: float, a: str, s: int) -> bool:
        r = results[lr, a, s]
        return r.status != "diverged" and (r.metrics()["train_acc"] or 0.0) >= TRAINS

    final = {key: h.fraction()[-1] for key, h in hist.items()}
    revival = _revival(hist, "relu")
    relu_ok = [trained(lr, "relu", s) for lr, s in high]
    avoid = compare_pairs({a: ([final[lr, "relu", s] for lr, s in high], [final[lr, a, s] for lr, s in high])
                           for a in ACTIVATIONS[1:]}, rng=np.random.default_rng(seed))
    train_cmp = compare_pairs({a: ([trained(lr, a, s) for lr, s in high], relu_ok) for a in ACTIVATIONS[1:]},
                              binary=True)
    digits, digits_meas = _digits(quick, seed, None)
    m = {"relu_dead": [round(final[lr, "relu", s], 4) for lr, s in high], "relu_revival": revival, **digits,
         "avoid": {r.variant: _row(r) for r in avoid}, "train": {r.variant: _row(r) for r in train_cmp},
         "relu_trained": f"{sum(relu_ok)} of {len(relu_ok)}"}
    by_lr = {}
    for (lr, a, _), h in hist.items():
        by_lr.setdefault((lr, a), []).append(h)
    meas = [Measurement(f"final near-dead fraction per seed (|f'| ≤ {EPS:g} on every point, or constant)",
                        {f"{a}, lr {lr:g}": [round(h.fraction()[-1], 3) for h in hs] for (lr, a), hs in by_lr.items()}),
            Measurement("runs at lr ≥ 1 that trained (final train accuracy ≥ 0.75), relu beside the variants",
                        {a: f"{sum(trained(lr, a, s) for lr, s in high)} of {len(high)}" for a in ACTIVATIONS}),
            Measurement("units ever near-dead / later revived, per layer (all runs) [units, ever, revived]",
                        {a: _revival(hist, a) for a in ACTIVATIONS}),
            Measurement("relu runs at lr ≥ 1 with dead fraction > 10 %",
                        f"{sum(d > DIES for d in m['relu_dead'])} of {len(m['relu_dead'])}"),
            Measurement("final train accuracy per seed",
                        {f"{a}, lr {lr:g}": [round(results[lr, a, s].metrics()["train_acc"] or 0.0, 3) for s in seeds]
                         for lr in LRS for a in ACTIVATIONS}),
            Measurement("runs that diverged", [f"{a}, lr {lr:g}, seed {s}" for (lr, a, s), r in results.items()
                                               if r.status == "diverged"] or "none"), *digits_meas]
    fig = Figure.from_matplotlib(plot_dead_fraction(by_lr), "c09_dead_units",
                                 f"Near-dead fraction of the hidden units over training (circle, hidden 8, 8, SGD, "
                                 f"{epochs} epochs, {n_seeds} seeds), per learning rate and activation.")
    pg = BASE.model_copy(update={"lr": 3.0})
    dead_share = sum(d > DIES for d in m["relu_dead"]) / len(m["relu_dead"])
    return CLAIMS.get(ID).result(
        m, meas, figures=[fig], seeds=seeds, quick=quick, playground_url=pg.to_playground_url(),
        configs=[BASE.model_copy(update={"epochs": epochs}).model_dump(mode="json")],
        key=f"relu runs at lr ≥ 1 with > 10 % dead units: {dead_share:.0%}; trained: relu {m['relu_trained']}",
        notes=[f"grid: activations {list(ACTIVATIONS)} x lr {list(LRS)} x seeds {seeds}; for relu near-dead is "
               "exactly dead (its derivative is 0 or 1)"])


def _row(r) -> dict:
    return {"diff": round(r.diff, 4), "low": round(r.low, 4), "high": round(r.high, 4), "level": round(r.level, 4),
            "n": r.n}


def _revival(hist: dict, act: str) -> dict:
    out: dict[str, list[int]] = {}
    for (_, a, _), h in hist.items():
        if a == act:
            for layer, counts in h.per_site().items():
                out[layer] = [x + y for x, y in zip(out.get(layer, [0, 0, 0]), counts, strict=True)]
    return out
