"""Exact linear regions: relulab (vectorized numpy) vs regioncam (compiled Rust), same nets, same run.

Networks: 2 inputs, hidden ReLU layers of the given widths, 1 output; He-initialised weights
N(0, 2 / fan_in) and PyTorch-default biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)) from seed 0, rounded to
float32 values (regioncam computes in float32) so that both see exactly the same network. Window:
the playground's [-6, 6]^2. Each net is timed alternately with relulab (``relulab.regions``) and with
regioncam (``Regioncam(6.0)`` + one ``linear`` / ``relu`` call per layer), on one thread; reported:
the best of the repeats for each, their ratio (relulab / regioncam) and both region counts (they must
agree). Goals (issue 13): ratio <= 3 on the small nets [3, 3, 3] and [16, 16] (there the fixed cost
per call dominates), <= 1 on [64] * 3 and [128] * 3; (issue 21) <= 0.4 on [128] * 3 and <= 1 on the
wide single layers: [256] and [700] (He, as above) and regioncam's own example
(examples/large_random_mlp.rs: Linear(2, 1000) then Linear(1000, 700), both U(-1/sqrt(fan_in),
1/sqrt(fan_in)) for weights and biases, one relu after both, on the square of size 1, i.e. [-1, 1]^2:
an arrangement of 700 lines; our seed, since its Rust generator is not torch's).

``--million``: a net with more than 10^6 regions (the example with 2,400 units in place of 700 and one
linear output), in the lean mode and then the full one, each in a child process so that its peak
memory (ru_maxrss) is its own; reports time, peak and bytes per region of each. The load average at the start
and the end of the run is recorded: the machine is shared, so each net is timed alternately with
both tools and the best of the repeats is kept.

    python benchmarks/regions_speed.py [--quick] [--million]
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy: one thread, like regioncam's call
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import regioncam  # noqa: E402
import torch  # noqa: E402
from _common import write_result  # noqa: E402
from torch import nn  # noqa: E402

import relulab as rl  # noqa: E402

NETS = [[3, 3, 3], [8, 8], [8] * 6, [16, 16], [32, 32, 32], [64, 64, 64], [128, 128, 128], [256], [700]]
SMALL_GOAL, LARGE_GOAL = [[3, 3, 3], [16, 16]], [[64, 64, 64], [128, 128, 128]]  # ratio <= 3, <= 1
MILLION_UNITS = 2400  # the large example with this many units: 1,003,654 regions
DEEP_GOAL, WIDE_GOAL = [[128, 128, 128]], [[256], [700], "large_random_mlp"]  # ratio <= 0.4, <= 1


def uniform_linear(d: int, w: int, g: torch.Generator) -> nn.Linear:
    """regioncam's ``Linear::new_uniform``: weights and biases U(-1/sqrt(d), 1/sqrt(d)), as float32 values."""
    lin = nn.Linear(d, w, dtype=torch.float64)
    s = 1 / math.sqrt(d)
    with torch.no_grad():
        lin.weight.copy_(((torch.rand(w, d, generator=g, dtype=torch.float64) * 2 - 1) * s).float())
        lin.bias.copy_(((torch.rand(w, generator=g, dtype=torch.float64) * 2 - 1) * s).float())
    return lin


def large_random_mlp(hidden: int = 700, head: bool = False, seed: int = 42) -> nn.Sequential:
    """regioncam's examples/large_random_mlp.rs (Linear(2, 1000), Linear(1000, hidden), relu); ``head``: and
    a Linear(hidden, 1) output (for the million-region run, whose output map is then one number)."""
    g = torch.Generator().manual_seed(seed)
    layers = [uniform_linear(2, 1000, g), uniform_linear(1000, hidden, g), nn.ReLU()]
    return nn.Sequential(*layers, *([uniform_linear(hidden, 1, g)] if head else []))


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


def _status_bytes(field: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(field + ":"))


def million(hidden: int, lean: bool) -> dict:
    """In this (child) process: the regions of the large example with ``hidden`` units and a head."""
    torch.set_num_threads(1)
    model = large_random_mlp(hidden, head=True)
    base = _status_bytes("VmRSS")
    start = time.perf_counter()
    r = rl.regions(model, (-1.0, 1.0), lean=lean)
    seconds = time.perf_counter() - start
    peak = _status_bytes("VmHWM")  # this process's peak (ru_maxrss would include the parent's, kept over exec)
    from relulab.analysis.regions.planar import bytes_per_region

    return {"net": f"large_random_mlp with {hidden} units and a Linear({hidden}, 1) head", "box": [-1.0, 1.0],
            "mode": "lean" if lean else "full", "regions": len(r), "seconds": seconds, "peak_bytes": peak,
            "bytes_before": base, "peak_bytes_per_region": (peak - base) / len(r), "result_bytes_per_region":
            (r.vertices.nbytes + r.counts.nbytes + r.A.nbytes + r.b.nbytes + r.patterns.nbytes) / len(r),
            "estimate_bytes_per_region": bytes_per_region([hidden], 1, lean)}


def best_of(fn, repeats: int) -> tuple[float, int]:
    times, out = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def million_runs(quick: bool, load_start: tuple) -> None:
    runs = []
    for mode in ("lean", "full"):  # one at a time, each in its own process (its own peak)
        out = subprocess.run([sys.executable, __file__, "--million-child", mode], capture_output=True, text=True,
                             check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        b = runs[-1]
        print(f"million ({mode}): {b['regions']:,} regions in {b['seconds']:.1f} s, peak "
              f"{b['peak_bytes'] / 2**20:,.0f} MiB ({b['peak_bytes_per_region']:.0f} bytes per region above the "
              "start)", flush=True)
    write_result("regions_million", {"benchmark": "regions_million", "units": MILLION_UNITS, "threads": 1,
                                     "load_average_start_end": [load_start[0], os.getloadavg()[0]], "runs": runs},
                 quick=quick)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats, no [128, 128, 128], [256], [700] or large example (for CI); "
                             "writes results/quick/")
    parser.add_argument("--million", action="store_true",
                        help="only the runs with more than 10^6 regions (lean, then full); writes regions_million.json")
    parser.add_argument("--million-child", choices=["lean", "full"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.million_child:
        print(json.dumps(million(MILLION_UNITS, args.million_child == "lean")))
        return
    torch.set_num_threads(1)
    load_start = os.getloadavg()
    if args.million:
        return million_runs(args.quick, load_start)
    nets = NETS[:6] if args.quick else [*NETS, "large_random_mlp"]
    rows = []
    for widths in nets:
        model, size = (large_random_mlp(), 1.0) if widths == "large_random_mlp" else (he_net(widths), 6.0)
        big = widths == "large_random_mlp" or sum(widths) >= 192
        repeats = 2 if args.quick else (3 if big else 15)
        t_ours, t_rc, n_ours, n_rc = math.inf, math.inf, 0, 0
        for _ in range(repeats):  # alternate, so that load from other processes hits both alike
            t, n_ours = best_of(lambda m=model, s=size: len(rl.regions(m, (-s, s))), 1)
            t_ours = min(t_ours, t)
            t, n_rc = best_of(lambda m=model, s=size: with_regioncam(m, s), 1)
            t_rc = min(t_rc, t)
        row = {"widths": [700] if widths == "large_random_mlp" else widths, "name": str(widths), "box": [-size, size],
               "regions_relulab": n_ours, "regions_regioncam": n_rc,
               "relulab_s": t_ours, "regioncam_s": t_rc, "ratio": t_ours / t_rc}
        rows.append(row)
        print(f"{str(widths):18s} regions {n_ours:6d} (regioncam {n_rc:6d})  relulab {t_ours * 1e3:10.3f} ms  "
              f"regioncam {t_rc * 1e3:10.3f} ms  ratio {t_ours / t_rc:5.2f}", flush=True)
    big_rows = [r for r in rows if r["regions_relulab"] >= 10_000]
    playground = [r for r in rows if max(r["widths"]) <= 8 and len(r["widths"]) <= 6]
    small = [r["ratio"] for r in rows if r["widths"] in SMALL_GOAL]
    large = [r["ratio"] for r in rows if r["widths"] in LARGE_GOAL]
    deep = [r["ratio"] for r in rows if r["widths"] in DEEP_GOAL]
    wide = [r["ratio"] for r in rows if r["widths"] in WIDE_GOAL or r["name"] in WIDE_GOAL]
    summary = {
        "max_ratio_small": max(small, default=None), "small_goal_met": all(x <= 3 for x in small),
        "max_ratio_large": max(large, default=None), "large_goal_met": all(x <= 1 for x in large),
        "max_ratio_deep": max(deep, default=None), "deep_goal_met": all(x <= 0.4 for x in deep),
        "max_ratio_wide": max(wide, default=None), "wide_goal_met": all(x <= 1 for x in wide),
        "max_ratio_10k_plus": max((r["ratio"] for r in big_rows), default=None),
        "max_playground_ms": 1e3 * max(r["relulab_s"] for r in playground),
        "counts_agree": all(r["regions_relulab"] == r["regions_regioncam"] for r in rows),
    }
    summary["load_average_start_end"] = [load_start[0], os.getloadavg()[0]]
    print(json.dumps(summary))
    write_result("regions_speed", {
        "benchmark": "regions_speed", "quick": args.quick, "box": [-6.0, 6.0],
        "init": "He weights N(0, 2/fan_in), biases U(+-1/sqrt(fan_in)), seed 0, float32 values",
        "threads": 1, "machine": platform.platform(), "processor": platform.processor(),
        "rows": rows, **summary}, quick=args.quick)


if __name__ == "__main__":
    main()
