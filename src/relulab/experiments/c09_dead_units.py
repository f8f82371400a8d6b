"""C9: a ReLU unit can die (negative pre-activation on every input, zero gradient) and never recovers;
Leaky ReLU, PReLU and ELU avoid this.

The playground's circle, two hidden layers of 8, SGD at learning rates 0.03, 0.3, 1 and 3, per
activation and seed; every unit's dead/alive state after each epoch
(:class:`relulab.analysis.dead.DeadUnitTracker`), so that a unit that dies and later comes back is counted.
"""

from __future__ import annotations

from collections.abc import Callable

from ..analysis.dead import DeadUnitTracker
from ..analysis.threads import torch_threads
from ..config import RunConfig
from ..training import build_model, make_dataset, train
from .registry import CLAIMS, register_claim
from .result import ClaimResult, Figure, Measurement, Verdict

ID = "C9"
TITLE = "Dead ReLU units, and whether they recover"
TEXT = ("A ReLU unit can \"die\": its pre-activation stays negative on all inputs, its gradient is 0, it never "
        "recovers. Leaky ReLU, PReLU and ELU avoid this.")
RULE = ("holds when at lr ≥ 1 relu's dead fraction > 10 % in most seeds, the variants' 0 %, and < 5 % of units ever "
        "dead later revive; caveat when ≥ 5 % revive (\"never recovers\" fails) or a variant still fails to train")
ACTIVATIONS = ("relu", "leaky_relu", "prelu", "elu")
LRS = (0.03, 0.3, 1.0, 3.0)
BASE = RunConfig(dataset="circle", hidden=(8, 8), activation="relu", lr=0.03, batch_size=10, epochs=100)
SIZE = {True: (2, 10), False: (5, 100)}  # (seeds, epochs)
TRAINS = 0.75  # final train accuracy a run must reach to count as trained (chance: 0.5)


def decide(m: dict) -> tuple[Verdict, list[str]]:
    """``m``: ``relu_dead`` [final dead fraction of each relu run at lr ≥ 1]; ``variant_dead`` {activation:
    largest final dead fraction at lr ≥ 1}; ``ever_dead``, ``revived`` (relu units over all runs);
    ``variant_failed`` {activation: runs at lr ≥ 1 that did not train}."""
    failed = []
    many = sum(d > 0.10 for d in m["relu_dead"])
    if not many > len(m["relu_dead"]) / 2:
        failed.append(f"relu's dead fraction exceeds 10 % in only {many} of {len(m['relu_dead'])} runs at lr ≥ 1")
    dying = {a: d for a, d in m["variant_dead"].items() if d > 0}
    if dying:
        failed.append("variants with dead units at lr ≥ 1: " + ", ".join(f"{a} {d:.0%}" for a, d in dying.items()))
    if failed:
        return Verdict.FAILS, failed
    caveats = []
    share = m["revived"] / m["ever_dead"] if m["ever_dead"] else 0.0
    if share >= 0.05:
        caveats.append(f"{m['revived']} of {m['ever_dead']} relu units that were dead at some epoch came back later "
                       f"({share:.0%}): a unit dead on the data can revive when the layers before it move")
    bad = {a: n for a, n in m["variant_failed"].items() if n}
    if bad:
        caveats.append("variants that still fail to train at lr ≥ 1 (final train accuracy < "
                       f"{TRAINS}): " + ", ".join(f"{a} in {n} runs" for a, n in bad.items()))
    return (Verdict.CAVEATS if caveats else Verdict.HOLDS), caveats


def _train_all(jobs: list, epochs: int, histories: dict, results: dict,
               progress: Callable[[float], None] | None) -> None:
    for k, (lr, a, s) in enumerate(jobs):
        cfg = BASE.model_copy(update={"activation": a, "lr": lr, "weight_seed": s, "epochs": epochs})
        data = make_dataset(cfg)
        model = build_model(cfg, data)
        tracker = DeadUnitTracker()
        tracker.record(model, data.train_inputs)  # before training
        results[lr, a, s] = train(cfg, on_step=tracker, data=data, model=model)
        histories.setdefault((lr, a), []).append(tracker.history())
        if progress is not None:
            progress((k + 1) / len(jobs))


@register_claim(ID, TITLE, TEXT, RULE, decide)
def run(quick: bool = False, seed: int = 0, device: str = "cpu",
        progress: Callable[[float], None] | None = None) -> ClaimResult:
    from ..viz.dead import plot_dead_fraction  # matplotlib: only when a claim runs

    n_seeds, epochs = SIZE[quick]
    seeds = list(range(seed, seed + n_seeds))
    histories, results = {}, {}
    jobs = [(lr, a, s) for lr in LRS for a in ACTIVATIONS for s in seeds]
    with torch_threads(1):  # small nets: one thread is fastest
        _train_all(jobs, epochs, histories, results, progress)

    def trained(r) -> bool:

        return r.status != "diverged" and (r.metrics()["train_acc"] or 0.0) >= TRAINS

    high = [lr for lr in LRS if lr >= 1]
    relu_all = [h for (lr, a), hs in histories.items() if a == "relu" for h in hs]
    m = {"relu_dead": [h.fraction()[-1] for lr in high for h in histories[lr, "relu"]],
         "variant_dead": {a: max(h.fraction()[-1] for lr in high for h in histories[lr, a]) for a in ACTIVATIONS[1:]},
         "ever_dead": sum(h.ever_dead() for h in relu_all), "revived": sum(h.revived() for h in relu_all),
         "variant_failed": {a: sum(not trained(results[lr, a, s]) for lr in high for s in seeds)
                            for a in ACTIVATIONS[1:]}}
    meas = [Measurement("final dead fraction per seed", {f"{a}, lr {lr:g}": [round(h.fraction()[-1], 3) for h in hs]
                                                         for (lr, a), hs in histories.items()}),
            Measurement("largest dead fraction during training per seed",
                        {f"{a}, lr {lr:g}": [round(max(h.fraction()), 3) for h in hs]
                         for (lr, a), hs in histories.items() if a == "relu"}),
            Measurement("relu units ever dead / later revived (all runs)", [m["ever_dead"], m["revived"]],
                        note="revived: dead after some epoch, alive after a later one"),
            Measurement("relu runs at lr ≥ 1 with dead fraction > 10 %",
                        f"{sum(d > 0.10 for d in m['relu_dead'])} of {len(m['relu_dead'])}"),
            Measurement("final train accuracy per seed",
                        {f"{a}, lr {lr:g}": [round(results[lr, a, s].metrics()["train_acc"] or 0.0, 3) for s in seeds]
                         for lr in LRS for a in ACTIVATIONS}),
            Measurement("runs that diverged", [f"{a}, lr {lr:g}, seed {s}" for (lr, a, s), r in results.items()
                                               if r.status == "diverged"])]
    fig = Figure.from_matplotlib(plot_dead_fraction(histories), "c09_dead_units",
                                 f"Dead fraction of the hidden units over training (circle, hidden 8, 8, SGD, {epochs} "
                                 f"epochs, {n_seeds} seeds), per learning rate and activation.")
    pg = BASE.model_copy(update={"lr": 3.0})
    return CLAIMS.get(ID).result(m, meas, figures=[fig], seeds=seeds, quick=quick,
                                 playground_url=pg.to_playground_url(),
                                 configs=[BASE.model_copy(update={"epochs": epochs}).model_dump(mode="json")],
                                 notes=[f"grid: activations {list(ACTIVATIONS)} x lr {list(LRS)} x seeds {seeds}; "
                                        "a unit is dead when its derivative is 0 on every training point"])
