"""What inspection costs: a forward+backward pass with ``relulab.inspect`` on vs off, as a ratio.

Network: an MLP of widths [256] * 8 (256 inputs, eight hidden ReLU layers of 256, one output), float32,
a batch of 4096, MSE loss. "off" is ``model(x)``, the loss and ``torch.autograd.grad`` of it with
respect to every parameter; "on" is ``inspect(model, x, y, mse_loss)``, which does the same pass plus
the per-unit statistics of all 8 activation sites and the gradient norms. The two are timed
alternately in one process on one thread; reported: the median seconds of each and their ratio
(aim: under 1.5x), and the same for a forward pass alone (``inspect`` without targets vs
``model(x)`` under ``no_grad``). Writes benchmarks/results/inspect_overhead.json.

    python benchmarks/inspect_overhead.py [--quick]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F
from _common import write_result

from relulab.analysis.inspect import inspect
from relulab.models import MLP

WIDTH, DEPTH, BATCH = 256, 8, 4096


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (for CI)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    repeats = 3 if args.quick else 15
    g = torch.Generator().manual_seed(0)
    model = MLP(WIDTH, (WIDTH,) * DEPTH, 1, "relu", init="he", generator=g, dtype=torch.float32)
    x = torch.randn(BATCH, WIDTH, generator=g)
    y = torch.randn(BATCH, 1, generator=g)
    params = list(model.parameters())

    def plain_backward() -> None:
        torch.autograd.grad(F.mse_loss(model(x), y), params)

    def inspected_backward() -> None:
        inspect(model, x, y, F.mse_loss)

    def plain_forward() -> None:
        with torch.no_grad():
            model(x)

    def inspected_forward() -> None:
        inspect(model, x)

    pairs = {"forward_backward": (plain_backward, inspected_backward), "forward": (plain_forward, inspected_forward)}
    results: dict[str, dict[str, float]] = {}
    for name, (off, on) in pairs.items():
        off(), on()  # warm-up
        t_off, t_on = [], []
        for _ in range(repeats):
            t_off.append(timed(off))
            t_on.append(timed(on))
        m_off, m_on = statistics.median(t_off), statistics.median(t_on)
        results[name] = {"off_s": m_off, "on_s": m_on, "ratio": m_on / m_off}
        print(f"{name:17s} off {m_off * 1e3:8.1f} ms   on {m_on * 1e3:8.1f} ms   ratio {m_on / m_off:.2f}x")
    report = {
        "benchmark": "inspect_overhead",
        "network": f"MLP {WIDTH} -> [{WIDTH}] * {DEPTH} -> 1, relu, float32",
        "batch": BATCH, "repeats": repeats, "quick": args.quick, "threads": torch.get_num_threads(),
        "torch": torch.__version__, "machine": platform.machine(), "processor": platform.processor(),
        "results": results, "aim_ratio": 1.5,
        "meets_aim": results["forward_backward"]["ratio"] < 1.5,
    }
    write_result("inspect_overhead", report, quick=args.quick)


if __name__ == "__main__":
    main()
