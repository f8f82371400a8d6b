"""relulab's training engines vs the PyTorch loop a user writes by hand, in one run, as ratios.

The net is TensorFlow Playground's circle experiment: 2-3-3-3-1, relu or tanh, tanh output with the
½(o−y)² loss on ±1 labels, SGD lr 0.03, batch 10, L2 0.001, 250 training and 250 test points, the
train and test loss evaluated after every epoch (as the page does). The hand-written loop is
nn.Sequential + DataLoader + optim.SGD (weight_decay=0.001) in float32, one thread; relulab runs
its float64 engines with their own semantics. Three kinds of work:

- one run (``EPOCHS`` epochs): compiled (``train``, engine auto), fused torch, hand-written;
- 1,000 seeds x 200 epochs: compiled many-model (``train_models``: the lanes kernel, blocks of models
  with the model axis vectorised, a ``prange`` over the blocks; what ``train_group`` picks, printed as
  "auto picks"), the torch stack (engine "fused"), hand-written -- timed on a sample of seeds and
  extrapolated to 1,000, which the output says;
- ``relulab compare``'s work, 3 activations (linear, tanh, relu) x 20 seeds x 300 epochs: what the
  command runs (``train_many`` per activation), and the hand-written loop on a sample, extrapolated.

The compile cache is warmed first (a compile is a once-per-machine cost, not a per-run one). Each
figure is printed beside the ratio it implies to TensorFlow Playground's own JavaScript engine, from
the issue's measurements of that engine against the same hand-written loop on this machine (one run:
21-26x the loop, 1,000 seeds: 25-28x, compare: 40-45x; the midpoints are used). Writes
benchmarks/results/train_speed.json (``--quick``: results/quick/, fewer seeds and epochs).

    python benchmarks/train_speed.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numba
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import hand_written_loop, write_result  # noqa: E402

from relulab.config import RunConfig  # noqa: E402
from relulab.training import train  # noqa: E402
from relulab.training.build import make_dataset  # noqa: E402
from relulab.training.engines import choose_engine  # noqa: E402
from relulab.training.stacked import train_group, train_many, train_models  # noqa: E402

# TensorFlow Playground's engine / the hand-written loop, measured in the same runs (issue 13): midpoints
ENGINE_VS_HAND = {"one_run": (21 + 26) / 2, "seeds": (25 + 28) / 2, "compare": (40 + 45) / 2}
HAND_ACTS = {"relu": nn.ReLU, "tanh": nn.Tanh, "linear": nn.Identity}


def config(activation: str, epochs: int, **kw) -> RunConfig:
    return RunConfig(dataset="circle", activation=activation, hidden=(3, 3, 3), lr=0.03, regularization="l2",
                     reg_rate=0.001, batch_size=10, epochs=epochs, **kw)


def hand_written(data, activation: str, epochs: int, seed: int) -> float:
    """Seconds for one run of the tutorial loop (:func:`_common.hand_written_loop`)."""
    return hand_written_loop(data, HAND_ACTS[activation], epochs, seed)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def one_run(activation: str, epochs: int, repeats: int) -> dict:
    data = make_dataset(config(activation, 1))
    best = {"hand_written": float("inf"), "compiled": float("inf"), "fused": float("inf")}
    for _ in range(repeats):  # interleaved, so that load from other processes hits all alike
        best["hand_written"] = min(best["hand_written"], hand_written(data, activation, epochs, 0))
        for engine in ("compiled", "fused"):
            t = timed(lambda e=engine: train(config(activation, epochs, engine=e), data=data))
            best[engine] = min(best[engine], t)
    eps = {k: epochs / v for k, v in best.items()}
    return {"epochs": epochs, "repeats": repeats, "epochs_per_s": eps,
            "ratio_vs_hand_written": {k: eps[k] / eps["hand_written"] for k in ("compiled", "fused")}}


def many_seeds(activation: str, seeds: int, epochs: int, sample: int, torch_stack: bool) -> dict:
    cfgs = [config(activation, epochs, weight_seed=s) for s in range(seeds)]
    data = make_dataset(cfgs[0])
    times = {"compiled_many": timed(lambda: train_models(cfgs))}
    if torch_stack:
        fused = [c.model_copy(update={"engine": "fused"}) for c in cfgs]
        assert choose_engine(fused, [data] * seeds).name.startswith("stack-")
        times["torch_stack"] = timed(lambda: train_group(fused))
    hand = sum(hand_written(data, activation, epochs, s) for s in range(sample))
    times["hand_written"] = hand * seeds / sample
    return {"seeds": seeds, "epochs": epochs, "seconds": times, "auto_picks": choose_engine(cfgs, [data] * seeds).name,
            "hand_written_extrapolated": f"{sample} seeds timed ({hand:.1f} s), x {seeds / sample:g}",
            "ratio_vs_hand_written": {k: times["hand_written"] / v for k, v in times.items() if k != "hand_written"}}


def compare_work(seeds: int, epochs: int, sample: int) -> dict:
    acts = ("linear", "tanh", "relu")
    groups = [[config(a, epochs, weight_seed=s) for s in range(seeds)] for a in acts]
    relulab_s = timed(lambda: [train_many(g) for g in groups])  # what `relulab compare` runs
    data = make_dataset(groups[0][0])
    hand = sum(hand_written(data, a, epochs, s) for a in acts for s in range(sample))
    hand_s = hand * seeds / sample
    return {"activations": list(acts), "seeds": seeds, "epochs": epochs, "relulab_s": relulab_s,
            "hand_written_s": hand_s,
            "hand_written_extrapolated": f"{sample} seeds per activation timed ({hand:.1f} s), x {seeds / sample:g}",
            "ratio_vs_hand_written": hand_s / relulab_s}


def implied(ratio: float, work: str) -> str:
    f = ENGINE_VS_HAND[work]
    return f"{ratio:7.1f}x the hand-written loop = {ratio / f:5.2f}x TF Playground's engine (÷ {f:g})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer epochs, seeds and repeats (for CI)")
    ap.add_argument("--out", type=Path, default=None, help="JSON path (default: benchmarks/results/...)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    q = args.quick
    start = time.perf_counter()
    train(config("relu", 2), data=make_dataset(config("relu", 1)))  # load (or compile) the kernels
    train_group([config("relu", 2, weight_seed=s) for s in range(2)])
    warm = time.perf_counter() - start
    result = {"benchmark": "train_speed", "quick": q, "machine": platform.platform(), "cpus": os.cpu_count(),
              "numba_threads": numba.get_num_threads(), "torch_threads": torch.get_num_threads(),
              "torch": torch.__version__, "numba": numba.__version__, "python": platform.python_version(),
              "kernel_load_s": warm, "engine_vs_hand_written_midpoints": ENGINE_VS_HAND}
    for act in ("relu", "tanh"):
        r = one_run(act, 30 if q else 300, 2 if q else 3)
        result[f"one_run_{act}"] = r
        for k, v in r["ratio_vs_hand_written"].items():
            print(f"one run {act:5s} {k:10s} {r['epochs_per_s'][k]:9.0f} epochs/s  {implied(v, 'one_run')}",
                  flush=True)
        print(f"one run {act:5s} hand       {r['epochs_per_s']['hand_written']:9.0f} epochs/s", flush=True)
    for act in ("relu", "tanh"):
        r = many_seeds(act, 50 if q else 1000, 20 if q else 200, 2 if q else 10, torch_stack=True)
        result[f"seeds_{act}"] = r
        for k, v in r["ratio_vs_hand_written"].items():
            print(f"{r['seeds']} seeds x {r['epochs']} {act:5s} {k:14s} {r['seconds'][k]:7.2f} s  "
                  f"{implied(v, 'seeds')}", flush=True)
        print(f"{r['seeds']} seeds x {r['epochs']} {act:5s} hand-written   {r['seconds']['hand_written']:7.1f} s "
              f"({r['hand_written_extrapolated']}); auto picks {r['auto_picks']}", flush=True)
    r = compare_work(4 if q else 20, 30 if q else 300, 1 if q else 2)
    result["compare"] = r
    print(f"compare 3 x {r['seeds']} x {r['epochs']}: relulab {r['relulab_s']:.2f} s, hand-written "
          f"{r['hand_written_s']:.1f} s ({r['hand_written_extrapolated']})", flush=True)
    print(f"compare: {implied(r['ratio_vs_hand_written'], 'compare')}")
    write_result("train_speed", result, quick=q, out=args.out)


if __name__ == "__main__":
    main()
