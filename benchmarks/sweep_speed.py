"""relulab's sweep vs the same work as a plain PyTorch loop, one model after another (issue 11).

The work: N weight seeds of the circle experiment -- 2-3-3-3-1 relu, tanh output, ½(o−y)² loss, SGD
lr 0.03, batch 10, L2 0.001, 250 training and 250 test points, 200 epochs, train and test loss after
every epoch. relulab: ``run_sweep`` of a spec with ``seeds: N`` into a SQLite file (stacked models on a
process pool over the cores). Plain loop: nn.Sequential + DataLoader + optim.SGD(weight_decay), one
model after another on one thread, loss on both splits every epoch -- the loop a tutorial writes.

For N = 100 both run in full in the same process; for N = 1,000 the sweep runs in full and the plain
loop's time is extrapolated from a timed sample of seeds (the output says so). TensorFlow Playground's
JavaScript engine (nn.ts under node, loss every epoch) was measured in the issue at 25-28x this plain
loop; the implied ratio to it uses the midpoint, 26.5x.

    python benchmarks/sweep_speed.py [--quick] [--workers N] [--sample 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import torch
from _common import hand_written_loop, write_result
from torch import nn

from relulab.config import RunConfig
from relulab.sweep import run_sweep
from relulab.training import make_dataset

PLAYGROUND_VS_PLAIN = (25.0, 28.0)  # the measurement: engine speed / plain loop speed
MIDPOINT = sum(PLAYGROUND_VS_PLAIN) / 2


def base(epochs: int) -> dict:
    return {"dataset": "circle", "activation": "relu", "hidden": [3, 3, 3], "lr": 0.03, "regularization": "l2",
            "reg_rate": 0.001, "batch_size": 10, "epochs": epochs}


def plain_loop(seed: int, epochs: int) -> float:
    """Seconds to train one model the tutorial way (:func:`_common.hand_written_loop`, relu)."""
    return hand_written_loop(make_dataset(RunConfig(**base(epochs))), nn.ReLU, epochs, seed)


def sweep_time(seeds: int, epochs: int, workers: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        recs = run_sweep({"base": base(epochs), "seeds": seeds}, Path(tmp) / "bench.db", workers=workers)
        dt = time.perf_counter() - start
    assert len(recs) == seeds and recs.ran == seeds
    return dt, sum(r.status == "completed" for r in recs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10 and 40 seeds, 30 epochs (writes results/quick/)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="sweep worker processes")
    ap.add_argument("--sample", type=int, default=20, help="plain-loop seeds timed for the large sweep")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)
    epochs, small, large = (30, 10, 40) if args.quick else (200, 100, 1000)
    plain = [plain_loop(s, epochs) for s in range(small)]  # every seed of the small sweep, in full
    plain_small = sum(plain)
    per_seed = statistics.fmean(plain[:args.sample])  # the sample that stands for the large sweep
    plain_large = per_seed * large
    sw_small, ok_small = sweep_time(small, epochs, args.workers)
    sw_large, ok_large = sweep_time(large, epochs, args.workers)
    r_small, r_large = plain_small / sw_small, plain_large / sw_large
    result = {
        "benchmark": "sweep_speed", "work": "circle 2-3-3-3-1 relu, lr 0.03, L2 0.001, batch 10, 250+250 points, "
        "loss every epoch", "epochs": epochs, "workers": args.workers, "cpu_count": os.cpu_count(),
        "torch": torch.__version__, "python": platform.python_version(),
        f"plain_loop_s_{small}_models": plain_small,
        f"plain_loop_s_{large}_models_extrapolated": plain_large,
        "plain_loop_extrapolation": f"mean of the first {min(args.sample, small)} seeds timed in full "
                                    f"({per_seed:.3f} s per model) x {large}",
        f"sweep_s_{small}_models": sw_small, f"sweep_s_{large}_models": sw_large,
        "completed_runs": {str(small): ok_small, str(large): ok_large},
        f"ratio_{small}_models": r_small, f"ratio_{large}_models": r_large,
        "playground_engine_vs_plain_loop": f"{PLAYGROUND_VS_PLAIN[0]}-{PLAYGROUND_VS_PLAIN[1]}x (issue 11), "
                                           f"midpoint {MIDPOINT}x used below",
        f"ratio_vs_playground_engine_{small}_models": r_small / MIDPOINT,
        f"ratio_vs_playground_engine_{large}_models": r_large / MIDPOINT,
    }
    print(f"{small} models: plain loop {plain_small:.1f} s (all timed), sweep {sw_small:.2f} s "
          f"({args.workers} workers): {r_small:.1f}x the plain loop, {r_small / MIDPOINT:.2f}x TensorFlow "
          f"Playground's engine (taken as {MIDPOINT}x the plain loop, the midpoint of the issue's 25-28x)")
    print(f"{large} models: plain loop {plain_large:.1f} s (EXTRAPOLATED from {min(args.sample, small)} timed seeds), "
          f"sweep {sw_large:.2f} s: {r_large:.1f}x the plain loop, {r_large / MIDPOINT:.2f}x the playground engine")
    write_result("sweep_speed", result, quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
