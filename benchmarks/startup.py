"""Start-up time: ``relulab --help`` and ``import relulab`` against ``python -c "import torch"``, same run.

Each command runs in a fresh interpreter (this one's), interleaved with the others so that machine
load hits all alike; reported: the best and the median of the repeats and the differences to
``import torch`` (the aim: ``relulab --help`` at most ``import torch`` + 0.4 s). The ``relulab``
command is the console script beside this interpreter when there is one, run with this checkout's
``src/`` first on PYTHONPATH. Writes benchmarks/results/startup.json.

    python benchmarks/startup.py [--quick] [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import platform
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


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


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
    for _ in range(repeats):
        for name, cmd in cmds.items():
            times[name].append(timed(cmd, env))
    rows = {name: {"best_s": min(t), "median_s": statistics.median(t), "all_s": t} for name, t in times.items()}
    torch_best, torch_median = rows["import torch"]["best_s"], rows["import torch"]["median_s"]
    for name, r in rows.items():
        r["minus_import_torch_best_s"] = r["best_s"] - torch_best
        r["minus_import_torch_median_s"] = r["median_s"] - torch_median
        print(f"{name:16s} best {r['best_s']:.3f} s  median {r['median_s']:.3f} s  "
              f"(import torch + {r['minus_import_torch_best_s']:+.3f} s best, "
              f"{r['minus_import_torch_median_s']:+.3f} s median)")
    extra = rows["relulab --help"]["minus_import_torch_median_s"]
    print(f"relulab --help costs import torch + {extra:.3f} s (median); aim: at most + {AIM_S} s")
    write_result("startup", {
        "benchmark": "startup", "quick": args.quick, "repeats": repeats, "python": platform.python_version(),
        "machine": platform.machine(), "cpus": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "commands": {name: " ".join(cmd) for name, cmd in cmds.items()}, "rows": rows,
        "aim_extra_s": AIM_S, "relulab_help_extra_s": extra, "meets_aim": extra <= AIM_S,
    }, quick=args.quick)


if __name__ == "__main__":
    main()
