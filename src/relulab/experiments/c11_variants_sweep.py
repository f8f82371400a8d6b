"""C11: plain ReLU does as well as or better than the variants meant to fix dying units.

The sweep ``examples/sweeps/c11.yaml`` (the playground's training: SGD, lr 0.03, batch 10, MSE on ±1
labels, playground init) runs through the sweep runner (:func:`relulab.sweep.run_sweep`), on a smaller
grid than the file's 2,880 runs (see ``QUICK`` and ``FULL``; the whole file,
``relulab sweep examples/sweeps/c11.yaml``, took about 25 minutes on two cores). Success is test
accuracy ≥ the spec's threshold (0.9); each activation gets its success rate with a 95 % Wilson
interval (:func:`relulab.sweep.summarize`).
"""

from __future__ import annotations

from pathlib import Path

from .registry import CLAIMS, Progress, register_claim
from .result import Figure, Measurement, Verdict

TEXT = "Plain ReLU generally does as well as or better than the variants meant to fix dying units."
RULE = ("relu's success-rate interval overlaps or lies above every variant's (leaky_relu, prelu, elu); "
        "does not hold when some variant's interval lies entirely above relu's")
VARIANTS = ("leaky_relu", "prelu", "elu")
SPEC = Path(__file__).resolve().parent / "specs" / "c11.yaml"  # installed with the package; the same file
# as the repository's examples/sweeps/c11.yaml (a test keeps the two identical)
# The yaml's grid, narrowed so that a claims run fits (the rule's activations + tanh for context).
QUICK = {"grid": {"activation": ["relu", *VARIANTS], "dataset": ["circle", "xor"], "hidden": [[3, 3]]},
         "seeds": 4, "epochs": 100}
FULL = {"grid": {"activation": ["tanh", "relu", *VARIANTS], "dataset": ["circle", "xor", "spiral"],
                 "hidden": [[8, 8]]}, "seeds": 10, "epochs": 300}




def decide(m: dict) -> tuple[Verdict, list[str]]:
    """``m``: ``intervals`` = {activation: (wilson_low, wilson_high)} with relu and the variants."""
    lo, hi = m["intervals"]["relu"]
    above = [f"{v}'s interval [{m['intervals'][v][0]:.2f}, {m['intervals'][v][1]:.2f}] lies entirely above "
             f"relu's [{lo:.2f}, {hi:.2f}]" for v in VARIANTS if m["intervals"][v][0] > hi]
    return (Verdict.FAILS, above) if above else (Verdict.HOLDS, [])


def c11_spec(quick: bool, seed: int):
    """``examples/sweeps/c11.yaml`` with the grid, seeds and epochs of the quick or full claim run."""
    from ..sweep import load_spec

    if not SPEC.is_file():
        raise FileNotFoundError(f"the C11 sweep spec is missing: {SPEC} (it ships with the package)")
    plan = QUICK if quick else FULL
    spec = load_spec(SPEC)
    grid = {k: tuple(tuple(v) if isinstance(v, list) else v for v in vals) for k, vals in plan["grid"].items()}
    narrowed = spec.merged(base={"epochs": plan["epochs"]}, grid=grid)
    seeds = list(range(seed, seed + plan["seeds"]))
    return type(narrowed)(narrowed.base, narrowed.grid, tuple(seeds), narrowed.data_seeds, narrowed.name,
                          narrowed.metric, narrowed.success), seeds


def _with_sweep(quick: bool, seed: int, progress: Progress | None):
    from ..sweep import run_sweep, summarize

    spec, seeds = c11_spec(quick, seed)
    records = run_sweep(spec, None, workers=1,
                        progress=(lambda done, total: progress(0.95 * done / total)) if progress else False)
    by_act = summarize(records, by=["activation"], metric=spec.metric, success=spec.success)
    by_ds = summarize(records, by=["activation", "dataset"], metric=spec.metric, success=spec.success)
    note = (f"{len(records)} runs of examples/sweeps/c11.yaml narrowed to {spec.grid} with {spec.base['epochs']} "
            "epochs through the sweep runner; the whole file is `relulab sweep examples/sweeps/c11.yaml`")
    return by_act, by_ds, spec.to_dict(), seeds, note


@register_claim("C11", "relu vs its variants (sweep)", TEXT, RULE, decide)
def run(quick: bool = False, seed: int = 0, device: str = "cpu", progress: Progress | None = None):
    by_act, by_ds, spec, seeds, note = _with_sweep(quick, seed, progress)
    by_act = {s.group["activation"]: s for s in by_act}
    m = {"intervals": {a: (s.wilson_low, s.wilson_high) for a, s in by_act.items()}}
    measurements = [Measurement(f"{a}: success rate (test acc ≥ {spec['success']:g})", s.success_rate, "",
                                f"{s.successes}/{s.n}, 95 % Wilson [{s.wilson_low:.3f}, {s.wilson_high:.3f}], "
                                f"mean test acc {s.mean:.3f}" + (f", {s.diverged} diverged" if s.diverged else ""))
                    for a, s in by_act.items()]
    measurements.append(Measurement("success rate per activation and data set",
                                    {f"{s.group['activation']} {s.group['dataset']}": round(s.success_rate, 3)
                                     for s in by_ds}))
    return CLAIMS.get("C11").result(m, measurements, figures=[_figure(by_act, by_ds, spec["success"])],
                                    configs=[spec], seeds=seeds, notes=[note])


def _figure(by_act, by_ds, success: float) -> Figure:
    import matplotlib.pyplot as plt
    import numpy as np

    acts = list(by_act)
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    rate = np.array([by_act[x].success_rate for x in acts])
    err = np.array([[r - by_act[x].wilson_low, by_act[x].wilson_high - r] for x, r in zip(acts, rate, strict=True)]).T
    a.errorbar(range(len(acts)), rate, yerr=err, fmt="o", capsize=6)
    a.set_xticks(range(len(acts)), acts)
    a.set(ylim=(-0.02, 1.02), ylabel=f"share of runs with test acc ≥ {success:g}",
          title="success rate, 95 % Wilson interval")
    datasets = list(dict.fromkeys(s.group["dataset"] for s in by_ds))
    width = 0.8 / len(acts)
    for i, x in enumerate(acts):
        vals = [next(s.success_rate for s in by_ds if s.group == {"activation": x, "dataset": d}) for d in datasets]
        b.bar(np.arange(len(datasets)) + i * width, vals, width, label=x)
    b.set_xticks(np.arange(len(datasets)) + 0.4 - width / 2, datasets)
    b.set(ylim=(0, 1.05), ylabel="success rate", title="per data set")
    b.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return Figure.from_matplotlib(fig, "c11_variants", "Success rate of relu and its variants over the sweep's "
                                  "data sets, depths, widths and seeds.", dpi=90)
