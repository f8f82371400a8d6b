"""Exact linear regions: relulab (vectorized numpy) vs regioncam (compiled Rust), same nets, same run.

Networks: 2 inputs, hidden ReLU layers of the given widths, 1 output; He-initialised weights
N(0, 2 / fan_in) and PyTorch-default biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)) from seed 0, rounded to
float32 values (regioncam computes in float32) so that both see exactly the same network. Window:
the playground's [-6, 6]^2. Each net is timed alternately with relulab (``relulab.regions``) and with
regioncam (``Regioncam(6.0)`` + one ``linear`` / ``relu`` call per layer), on one thread; reported:
the best of the repeats for each, their ratio (relulab / regioncam) and both region counts (they must
agree). Goals (issue 13): ratio <= 3 on the small nets [3, 3, 3] and [16, 16] (there the fixed cost
per call dominates), <= 1 on [64] * 3 and [128] * 3. Writes benchmarks/results/regions_speed.json.

    python benchmarks/regions_speed.py [--quick]
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy: one thread, like regioncam's call
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import regioncam  # noqa: E402
import torch  # noqa: E402
from _common import write_result  # noqa: E402
from torch import nn  # noqa: E402

import relulab as rl  # noqa: E402

NETS = [[3, 3, 3], [8, 8], [8] * 6, [16, 16], [32, 32, 32], [64, 64, 64], [128, 128, 128]]
SMALL_GOAL, LARGE_GOAL = [[3, 3, 3], [16, 16]], [[64, 64, 64], [128, 128, 128]]  # ratio <= 3, <= 1


def he_net(widths: list[int], seed: int = 0) -> nn.Sequential:
    g = torch.Generator().manual_seed(seed)
    layers: list[nn.Module] = []
    d = 2
    for i, w in enumerate([*widths, 1]):
        lin = nn.Linear(d, w, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_((torch.randn(w, d, generator=g, dtype=torch.float64) * math.sqrt(2 / d)).float())
            lin.bias.copy_(((torch.rand(w, generator=g, dtype=torch.float64) * 2 - 1) / math.sqrt(d)).float())
        layers += [lin, nn.ReLU()] if i < len(widths) else [lin]
        d = w
    return nn.Sequential(*layers)


def with_regioncam(model: nn.Sequential, size: float) -> int:
    rc = regioncam.Regioncam(size)
    for m in model:
        if isinstance(m, nn.Linear):
            rc.linear(np.ascontiguousarray(m.weight.detach().numpy().T, dtype=np.float32),
                      m.bias.detach().numpy().astype(np.float32))
        else:
            rc.relu()
    return rc.num_faces


def best_of(fn, repeats: int) -> tuple[float, int]:
    times, out = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats, no [128, 128, 128] (for CI); writes results/quick/")
    args = parser.parse_args()
    torch.set_num_threads(1)
    nets = NETS[:-1] if args.quick else NETS
    rows = []
    for widths in nets:
        model = he_net(widths)
        big = sum(widths) >= 192
        repeats = 2 if args.quick else (5 if big else 15)
        t_ours, t_rc, n_ours, n_rc = math.inf, math.inf, 0, 0
        for _ in range(repeats):  # alternate, so that load from other processes hits both alike
            t, n_ours = best_of(lambda m=model: len(rl.regions(m, (-6.0, 6.0))), 1)
            t_ours = min(t_ours, t)
            t, n_rc = best_of(lambda m=model: with_regioncam(m, 6.0), 1)
            t_rc = min(t_rc, t)
        row = {"widths": widths, "regions_relulab": n_ours, "regions_regioncam": n_rc,
               "relulab_s": t_ours, "regioncam_s": t_rc, "ratio": t_ours / t_rc}
        rows.append(row)
        print(f"{str(widths):18s} regions {n_ours:6d} (regioncam {n_rc:6d})  relulab {t_ours * 1e3:10.3f} ms  "
              f"regioncam {t_rc * 1e3:10.3f} ms  ratio {t_ours / t_rc:5.2f}", flush=True)
    big_rows = [r for r in rows if r["regions_relulab"] >= 10_000]
    playground = [r for r in rows if max(r["widths"]) <= 8 and len(r["widths"]) <= 6]
    small = [r["ratio"] for r in rows if r["widths"] in SMALL_GOAL]
    large = [r["ratio"] for r in rows if r["widths"] in LARGE_GOAL]
    summary = {
        "max_ratio_small": max(small, default=None), "small_goal_met": all(x <= 3 for x in small),
        "max_ratio_large": max(large, default=None), "large_goal_met": all(x <= 1 for x in large),
        "max_ratio_10k_plus": max((r["ratio"] for r in big_rows), default=None),
        "max_playground_ms": 1e3 * max(r["relulab_s"] for r in playground),
        "counts_agree": all(r["regions_relulab"] == r["regions_regioncam"] for r in rows),
    }
    print(json.dumps(summary))
    write_result("regions_speed", {
        "benchmark": "regions_speed", "quick": args.quick, "box": [-6.0, 6.0],
        "init": "He weights N(0, 2/fan_in), biases U(+-1/sqrt(fan_in)), seed 0, float32 values",
        "threads": 1, "machine": platform.platform(), "processor": platform.processor(),
        "rows": rows, **summary}, quick=args.quick)


if __name__ == "__main__":
    main()
