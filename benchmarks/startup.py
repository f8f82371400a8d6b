"""Start-up time: ``relulab --help`` and ``import relulab`` against ``python -c "import torch"``, same run.

Each command runs in a fresh interpreter (this one's), interleaved with the others so that machine
load hits all alike; reported: the best and the median of the repeats and the differences to
``import torch`` (the aim: ``relulab --help`` at most ``import torch`` + 0.4 s), in wall-clock time and
in CPU time (user + system of the child; steadier when other processes load the machine). The ``relulab``
command is the console script beside this interpreter when there is one, run with this checkout's
``src/`` first on PYTHONPATH. Writes benchmarks/results/startup.json.

    python benchmarks/startup.py [--quick] [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import write_result

SRC = Path(__file__).resolve().parents[1] / "src"
AIM_S = 0.4


def commands() -> dict[str, list[str]]:
    script = shutil.which("relulab", path=str(Path(sys.executable).parent))
    relulab = [script, "--help"] if script else [sys.executable, "-c", "from relulab.cli import main; main()",
                                                   "--help"]
    return {"import torch": [sys.executable, "-c", "import torch"],
            "import relulab": [sys.executable, "-c", "import relulab"],
            "relulab --help": relulab}


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 repeats instead of 9; writes results/quick/")
    ap.add_argument("--repeats", type=int, default=None)
    args = ap.parse_args()
    repeats = args.repeats or (3 if args.quick else 9)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
               COLUMNS="80")
    cmds = commands()
    for cmd in cmds.values():  # warm the file cache once
        timed(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    cpu: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(repeats):
        for name, cmd in cmds.items():
            wall, used = timed(cmd, env)
            times[name].append(wall)
            cpu[name].append(used)
    rows = {name: {"best_s": min(t), "median_s": statistics.median(t), "all_s": t,
                   "cpu_median_s": statistics.median(cpu[name]), "cpu_all_s": cpu[name]} for name, t in times.items()}
    base = rows["import torch"]
    for name, r in rows.items():
        r["minus_import_torch_best_s"] = r["best_s"] - base["best_s"]
        r["minus_import_torch_median_s"] = r["median_s"] - base["median_s"]
        r["minus_import_torch_cpu_median_s"] = r["cpu_median_s"] - base["cpu_median_s"]
        print(f"{name:16s} wall best {r['best_s']:.3f} s median {r['median_s']:.3f} s  CPU median "
              f"{r['cpu_median_s']:.3f} s  (import torch {r['minus_import_torch_median_s']:+.3f} s wall, "
              f"{r['minus_import_torch_cpu_median_s']:+.3f} s CPU)")
    extra = rows["relulab --help"]["minus_import_torch_median_s"]
    extra_cpu = rows["relulab --help"]["minus_import_torch_cpu_median_s"]
    print(f"relulab --help costs import torch + {extra:.3f} s wall, + {extra_cpu:.3f} s CPU (medians); "
          f"aim: at most + {AIM_S} s (CPU time is the steadier figure on a loaded machine)")
    write_result("startup", {
        "benchmark": "startup", "quick": args.quick, "repeats": repeats, "python": platform.python_version(),
        "machine": platform.machine(), "cpus": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "commands": {name: " ".join(cmd) for name, cmd in cmds.items()}, "rows": rows,
        "aim_extra_s": AIM_S, "relulab_help_extra_s": extra, "relulab_help_extra_cpu_s": extra_cpu,
        "meets_aim": extra <= AIM_S, "meets_aim_cpu": extra_cpu <= AIM_S,
    }, quick=args.quick)


if __name__ == "__main__":
    main()
