"""C11: plain ReLU does as well as or better than the variants meant to fix dying units.

The sweep ``examples/sweeps/c11.yaml`` (the playground's training: SGD, batch 10, MSE on ±1 labels,
playground init; all eight activations x data sets circle, xor, spiral x hidden 3, 3-3, 3-3-3, 8, 8-8,
8-8-8 x lr 0.03 and 1 -- at lr 1 relu units die, C9) runs through the sweep runner
(:func:`relulab.sweep.run_sweep`) over the *whole* grid, with fewer epochs than the file's 500 (see
``SIZE``); quick mode narrows it to the 8-8 nets. PReLU and GELU train through autograd (the compiled
engines have no kernel for a learned slope or erf): their cost grows with the grid's cells, not with
the seeds (the seeds of a cell train as one stack), so every activation keeps every seed.

Each variant is compared with relu cell by cell (data set, architecture, learning rate, weight seed;
:func:`relulab.sweep.paired.compare_paired`): success (test accuracy ≥ 0.9) by Newcombe's interval,
final test accuracy and final loss by a paired bootstrap, Holm across the four variants. Judged in
parts: over the whole toy grid, and on real data (the digits, :mod:`.realdata`: a 6-layer MLP and a CNN,
at a usual and a high learning rate).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..sweep.paired import MARGIN, Outcome, PairedDiff, compare_paired
from .parts import PartRule, decide_parts
from .registry import CLAIMS, Progress, register_claim
from .result import ClaimResult, Figure, Measurement, Verdict

ID = "C11"
TITLE = "relu vs its variants (sweep)"
TEXT = "Plain ReLU generally does as well as or better than the variants meant to fix dying units."
VARIANTS = ("leaky_relu", "prelu", "elu", "gelu")
DATASETS = ("circle", "xor", "spiral")
JUDGED = ("success", "test_acc")  # the final loss is compared and shown too, but no margin is fixed for a loss
SPEC = Path(__file__).resolve().parent / "specs" / "c11.yaml"  # installed with the package; the same file
# as the repository's examples/sweeps/c11.yaml (a test keeps the two identical)
SIZE = {True: {"grid": {"hidden": [[8, 8]]}, "seeds": 10, "epochs": 60},  # quick: the 8-8 nets only
        False: {"grid": {}, "seeds": 20, "epochs": 150}}  # full: the yaml's whole grid and seeds, 150 epochs
REAL = ("relu", *VARIANTS)  # digits: relu and the four variants
CHANCE = {"toy": 0.5, "digits": 0.1}  # the test accuracy a diverged run is given (its loss is left out)


def _judge(rows: dict) -> tuple[Verdict, list[str]]:
    """``rows``: {metric: {variant: {"diff", "low", "high", "outcome"}}}. Holds when every variant's interval
    shows relu better or non-inferior on every judged metric; does not hold when some interval lies wholly
    below −MARGIN (relu worse by more than the margin); otherwise (an interval straddling −MARGIN, even one
    below 0) inconclusive."""
    worse, unsure = [], []
    for metric in JUDGED:
        for v, r in rows[metric].items():
            said = f"{metric} {v}: {r['diff']:+.3f} [{r['low']:+.3f}, {r['high']:+.3f}]"
            if r["outcome"] == Outcome.WORSE.value:
                worse.append(said)
            elif r["outcome"] == Outcome.INCONCLUSIVE.value:
                unsure.append(said)
    if worse:
        return Verdict.FAILS, [f"relu does worse than a variant by more than the margin (relu − variant below "
                               f"−{MARGIN}): {'; '.join(worse)}"]
    if unsure:
        return Verdict.INCONCLUSIVE, [f"the intervals straddle −{MARGIN}: {'; '.join(unsure)}"]
    return Verdict.HOLDS, []


def _part(key: str, where: str) -> PartRule:
    return PartRule(f"as_well_{key}", f"relu does as well as or better than each variant ({where})",
                    "relu − variant (leaky_relu, prelu, elu, gelu) over the part's matched cells: success (test acc "
                    f"≥ 0.9) by Newcombe's interval, test accuracy by a paired bootstrap, each 95 % with Holm across "
                    f"the four; holds when every interval's low end > −{MARGIN} (non-inferior; better when > 0); "
                    f"does not hold when one lies wholly below −{MARGIN}; otherwise inconclusive. The final loss is "
                    f"shown, not judged", lambda m: _judge(m[key]), (key,))


# The toy part is the whole grid: "generally" is every cell together. The per-data-set comparisons are shown
# (measurements) but not judged, so that a data set where relu happens to hold cannot soften the overall one.
PARTS = [_part("overall", "toy sweep, every cell"),
         _part("digits", "real data: digits, MLP and CNN, usual and high lr")]
decide = decide_parts(PARTS)


def c11_spec(quick: bool, seed: int):
    """``examples/sweeps/c11.yaml`` with the grid narrowing, seeds and epochs of the quick or full claim run."""
    from ..sweep import load_spec

    if not SPEC.is_file():
        raise FileNotFoundError(f"the C11 sweep spec is missing: {SPEC} (it ships with the package)")
    plan = SIZE[quick]
    spec = load_spec(SPEC)
    grid = {k: tuple(tuple(v) if isinstance(v, list) else v for v in vals) for k, vals in plan["grid"].items()}
    narrowed = spec.merged(base={"epochs": plan["epochs"]}, grid=grid)
    seeds = list(range(seed, seed + plan["seeds"]))
    return type(narrowed)(narrowed.base, narrowed.grid, tuple(seeds), narrowed.data_seeds, narrowed.name,
                          narrowed.metric, narrowed.success), seeds


def _outcomes(cells: dict, success: float, chance: float, rng: np.random.Generator) -> dict:
    """``cells``: {cell: {activation: (test_acc or None, loss or None)}} -> the paired comparisons per metric."""
    keys = [c for c, acts in cells.items() if "relu" in acts and all(v in acts for v in VARIANTS)]
    if not keys:
        raise ValueError("no cell holds relu and every variant: nothing to compare")

    def acc(c, a):
        v = cells[c][a][0]
        return chance if v is None or not math.isfinite(v) else v

    out = {"success": compare_paired([acc(c, "relu") >= success for c in keys],
                                     {v: [acc(c, v) >= success for c in keys] for v in VARIANTS}, binary=True),
           "test_acc": compare_paired([acc(c, "relu") for c in keys], {v: [acc(c, v) for c in keys] for v in VARIANTS},
                                      rng=rng)}
    finite = {v: [c for c in keys if all(_finite(cells[c][a][1]) for a in ("relu", v))] for v in VARIANTS}
    loss = [compare_paired([-cells[c]["relu"][1] for c in finite[v]], {v: [-cells[c][v][1] for c in finite[v]]},
                           rng=rng)[0] for v in VARIANTS if finite[v]]
    out["loss"] = loss  # −loss, so that + means relu's loss is lower; each alone (no Holm: not judged)
    return {metric: {r.variant: _row(r) for r in rows} for metric, rows in out.items()} | {"cells": len(keys)}


def _finite(v) -> bool:
    return v is not None and math.isfinite(v)


def _row(r: PairedDiff) -> dict:
    return {"diff": round(r.diff, 4), "low": round(r.low, 4), "high": round(r.high, 4), "n": r.n,
            "level": round(r.level, 4), "outcome": r.outcome.value}


def _toy(quick: bool, seed: int, progress: Progress | None):
    from ..sweep import run_sweep, summarize

    spec, seeds = c11_spec(quick, seed)
    records = run_sweep(spec, None, workers=None,
                        progress=(lambda done, total: progress(0.8 * done / total)) if progress else False)
    cells: dict = {}
    for r in records:
        cell = (r.get("dataset"), tuple(r.get("hidden")), r.get("lr"), r.get("weight_seed"))
        ok = r.status != "diverged"
        cells.setdefault(cell, {})[r.get("activation")] = (r.metrics.get("test_acc") if ok else None,
                                                           r.metrics.get("test_loss") if ok else None)
    summary = summarize(records, by=["activation"], metric=spec.metric, success=spec.success)
    by_ds = summarize(records, by=["activation", "dataset"], metric=spec.metric, success=spec.success)
    by_lr = summarize(records, by=["activation", "lr"], metric=spec.metric, success=spec.success)
    return spec, seeds, cells, summary, by_ds, by_lr, len(records)


def _real(quick: bool, seed: int, progress: Progress | None):
    from .realdata import digits_grid

    grid = digits_grid(REAL, quick, seed, progress)
    cells: dict = {}
    for (arch, act, rate, s), res in grid.items():
        ok = not res.diverged
        cells.setdefault((arch, rate, s), {})[act] = (res.test_acc[-1] if ok else None,
                                                      res.test_loss[-1] if ok else None)
    return grid, cells


@register_claim(ID, TITLE, TEXT, parts=PARTS)
def run(quick: bool = False, seed: int = 0, device: str = "cpu", progress: Progress | None = None) -> ClaimResult:
    spec, seeds, cells, summary, by_ds, by_lr, n_runs = _toy(quick, seed, progress)
    grid, real_cells = _real(quick, seed, (lambda f: progress(0.8 + 0.2 * f)) if progress else None)
    rng = np.random.default_rng(seed)
    m = {"overall": _outcomes(cells, spec.success, CHANCE["toy"], rng)}
    for d in DATASETS:
        m[d] = _outcomes({c: v for c, v in cells.items() if c[0] == d}, spec.success, CHANCE["toy"], rng)
    m["digits"] = _outcomes(real_cells, spec.success, CHANCE["digits"], rng)
    meas = [Measurement(f"{s.group['activation']}: success rate (test acc ≥ {spec.success:g})",
                        round(s.success_rate, 4),
                        note=f"{s.successes}/{s.n}, 95 % Wilson [{s.wilson_low:.3f}, {s.wilson_high:.3f}], mean test "
                             f"acc {s.mean:.3f}" + (f", {s.diverged} diverged" if s.diverged else ""))
            for s in summary]
    for where in ("overall", *DATASETS, "digits"):
        for metric in ("success", "test_acc", "loss"):
            meas.append(Measurement(f"{where}: relu − variant, {metric if metric != 'loss' else '−final loss'}",
                                    {v: f"{r['diff']:+.3f} [{r['low']:+.3f}, {r['high']:+.3f}] {r['outcome']}"
                                     for v, r in m[where][metric].items()}, note=f"{m[where]['cells']} cells"))
    meas.append(Measurement("success rate per activation and data set",
                            {f"{s.group['activation']} {s.group['dataset']}": round(s.success_rate, 3) for s in by_ds}))
    meas.append(Measurement("success rate per activation and learning rate",
                            {f"{s.group['activation']} lr {s.group['lr']:g}": round(s.success_rate, 3) for s in by_lr}))
    meas.append(Measurement("digits: final test accuracy per activation (mean over MLP/CNN, rates, seeds)",
                            {a: round(float(np.mean([r.test_acc[-1] if not r.diverged else CHANCE["digits"]
                                                     for k, r in grid.items() if k[1] == a])), 3) for a in REAL}))
    ov = m["overall"]["success"]
    key = "overall relu − variant success: " + ", ".join(f"{v} {r['diff']:+.3f} [{r['low']:+.2f}, {r['high']:+.2f}]"
                                                         for v, r in ov.items())
    grid_text = f"narrowed to {SIZE[quick]['grid']}" if quick else "the whole grid"
    notes = [f"{n_runs} runs of examples/sweeps/c11.yaml ({grid_text}, "
             f"{spec.base['epochs']} epochs instead of 500, seeds {seeds[0]}..{seeds[-1]}) through the sweep runner; "
             "the whole file is `relulab sweep examples/sweeps/c11.yaml`",
             "identity, sigmoid and tanh are shown for context; the comparison is relu against the four variants",
             f"a diverged run counts as failed, with chance accuracy ({CHANCE['toy']} toy, {CHANCE['digits']} digits); "
             "its loss is left out of the loss comparison"]
    return CLAIMS.get(ID).result(m, meas, figures=[_figure(summary, by_ds, spec.success)], configs=[spec.to_dict()],
                                 seeds=seeds, quick=quick, notes=notes, key=key)


def _figure(summary, by_ds, success: float) -> Figure:
    from ..viz.variants import plot_variant_success  # matplotlib: only when a claim runs

    return Figure.from_matplotlib(plot_variant_success(summary, by_ds, success), "c11_variants",
                                  "Success rate of every activation over the sweep's data sets, depths, widths, "
                                  "learning rates and seeds.", dpi=90)
