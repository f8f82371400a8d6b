"""Exact regions on a device: the batched torch path (``regions(..., device=)``, float64) on CUDA when
one is present and on CPU, against the compiled CPU path in the same run (ratio: device / compiled),
with the counts (they must agree). Without a GPU it says "no GPU" and times the CPU tensor path only.

Nets: He-initialised ReLU nets (as benchmarks/regions_speed.py) on [-6, 6]^2, and regioncam's large
example on [-1, 1]^2; best of ``--repeats`` alternating runs (a CUDA run is synchronised before the
clock stops; the first call of each path is a warm-up). Writes benchmarks/results/regions_device.json.

    python benchmarks/regions_device.py [--quick] [--repeats N]
"""

from __future__ import annotations

import argparse
import math
import os
import time

import torch
from _common import write_result
from regions_speed import he_net, large_random_mlp

import relulab as rl

NETS = [[16, 16], [64, 64, 64], [128, 128, 128], [256], "large_random_mlp"]


def timed(fn, cuda: bool) -> tuple[float, int]:
    start = time.perf_counter()
    n = fn()
    if cuda:
        torch.cuda.synchronize()
    return time.perf_counter() - start, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the first two nets, one repeat; writes results/quick/")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    cuda = torch.cuda.is_available()
    devices = ["cuda", "cpu"] if cuda else ["cpu"]
    print(f"GPU: {torch.cuda.get_device_name(0)}" if cuda else "no GPU: timing the tensor path on CPU only")
    rows = []
    for widths in NETS[:2] if args.quick else NETS:
        model, size = (large_random_mlp(), 1.0) if widths == "large_random_mlp" else (he_net(widths), 6.0)
        row = {"net": str(widths), "box": [-size, size]}
        best = {d: math.inf for d in ["compiled", *devices]}
        counts = {}
        for d in [None, *devices]:  # warm-up (numba's first load, the CUDA context, kernels)
            rl.regions(he_net([3]), (-1.0, 1.0), device=d)
            rl.regions(he_net([40]), (-1.0, 1.0), device=d)
        for _ in range(1 if args.quick else args.repeats):
            t, counts["compiled"] = timed(lambda m=model, s=size: len(rl.regions(m, (-s, s))), False)
            best["compiled"] = min(best["compiled"], t)
            for d in devices:
                t, counts[d] = timed(lambda m=model, s=size, d=d: len(rl.regions(m, (-s, s), device=d)), d == "cuda")
                best[d] = min(best[d], t)
        row.update({"regions": counts, "seconds": best, "counts_agree": len(set(counts.values())) == 1,
                    **{f"ratio_{d}_vs_compiled": best[d] / best["compiled"] for d in devices}})
        rows.append(row)
        print(f"{row['net']:18s} regions {counts}  " + "  ".join(f"{d} {best[d]:.3f} s" for d in best), flush=True)
    write_result("regions_device", {"benchmark": "regions_device", "gpu": torch.cuda.get_device_name(0) if cuda
                                    else None, "note": None if cuda else "no GPU", "dtype": "float64",
                                    "load_average": os.getloadavg()[0], "rows": rows}, quick=args.quick)


if __name__ == "__main__":
    main()
