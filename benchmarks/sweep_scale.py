"""A sweep's client at scale: wall time and the client's peak memory for N runs of the circle net
(2-3-3-3-1 relu, lr 0.03, L2 0.001, batch 10, 30 epochs; N weight seeds), through the process pool and
through a Dask scheduler with workers started as separate processes (``dask scheduler`` /
``dask worker`` on 127.0.0.1), each at N and at N/10 -- the ratio of the two peaks says whether the
client's memory grows with the number of runs. Also: a 1,000-run sweep on 2 local workers, scheduler
against pool (wall time, same machine, minutes apart).

Each sweep is ``relulab sweep ... --json`` in a child process whose own peak resident memory
(``getrusage(RUSAGE_SELF).ru_maxrss``: the client alone, not its workers) it reports at exit.

    python benchmarks/sweep_scale.py [--quick] [--runs 10000 100000] [--pair 1000] [--workers 2]
                                     [--backends pool,scheduler] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import write_result

ROOT = Path(__file__).resolve().parents[1]
BASE = {"dataset": "circle", "activation": "relu", "hidden": [3, 3, 3], "lr": 0.03, "regularization": "l2",
        "reg_rate": 0.001, "batch_size": 10, "epochs": 30}
CLIENT = """
import json, resource, sys
from relulab.cli import main
code = 0
try:
    main(sys.argv[2:])
except SystemExit as e:
    code = e.code
with open(sys.argv[1], "w") as f:
    json.dump({"exit": code, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}, f)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "RELULAB_THREADS": "1"}


def client(tmp: Path, runs: int, *args: str) -> dict:
    """One ``relulab sweep`` of ``runs`` seeds in a child process: wall time, its own peak memory."""
    spec, db, out = tmp / "spec.json", tmp / f"s{time.monotonic_ns()}.db", tmp / "client.json"
    spec.write_text(json.dumps({"base": BASE, "seeds": runs}))
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", CLIENT, str(out), "sweep", str(spec), "--db", str(db), "--json",
                          *args], env=_env(), capture_output=True, text=True)
    wall = time.perf_counter() - start
    info = json.loads(out.read_text())
    if info["exit"] not in (0, None):
        raise RuntimeError(f"the sweep failed: {res.stderr[-2000:]}")
    summary = json.loads(res.stdout)
    assert summary["runs"] == summary["ran"] == runs, summary
    db.unlink()
    return {"runs": runs, "seconds": round(wall, 2), "client_peak_mb": round(info["peak_rss_mb"], 1),
            "runs_per_s": round(runs / wall, 1)}


class Cluster:
    """A Dask scheduler and ``workers`` single-thread workers, each its own process (the dask CLI)."""

    def __init__(self, tmp: Path, workers: int) -> None:
        self.procs: list[subprocess.Popen] = []
        file = tmp / "scheduler.json"
        self._start(tmp, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file",
                    str(file))
        while not file.is_file() or not file.read_text().strip().endswith("}"):
            time.sleep(0.1)
        self.address = json.loads(file.read_text())["address"]
        for _ in range(workers):
            self._start(tmp, "worker", self.address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1",
                        "--no-dashboard")
        import distributed

        with distributed.Client(self.address, timeout="60s") as c:
            c.wait_for_workers(workers, timeout=300)

    def _start(self, tmp: Path, *args: str) -> None:
        self.procs.append(subprocess.Popen([sys.executable, "-m", "dask", *args], env=_env(), cwd=tmp,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def stop(self) -> None:
        for p in reversed(self.procs):
            p.kill()
            p.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="200 and 2,000 runs, 200 for the pair (results/quick/)")
    ap.add_argument("--runs", type=int, nargs="+", default=[10_000, 100_000], help="sweep sizes, smallest first")
    ap.add_argument("--pair", type=int, default=1_000, help="runs of the scheduler-vs-pool wall-time pair (0: none)")
    ap.add_argument("--backends", default="pool,scheduler")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    sizes, pair = ([200, 2_000], 200) if args.quick else (args.runs, args.pair)
    backends = args.backends.split(",")
    out: dict = {"what": __doc__.splitlines()[0], "base": BASE, "workers": args.workers, "cpu_count": os.cpu_count(),
                 "load_before": round(os.getloadavg()[0], 2), "python": platform.python_version(),
                 "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if "pool" in backends:
            pool = ["--workers", str(args.workers)]
            out["pool"] = [client(tmp, n, *pool) for n in sizes]
            if pair:
                out["pair_pool"] = client(tmp, pair, *pool)
        if "scheduler" in backends:
            cluster = Cluster(tmp, args.workers)
            try:
                sched = ["--scheduler", cluster.address]
                client(tmp, 20, *sched)  # warm-up: the workers import torch and relulab on their first task
                if pair:
                    out["pair_scheduler"] = client(tmp, pair, *sched)
                out["scheduler"] = [client(tmp, n, *sched) for n in sizes]
            finally:
                cluster.stop()
    for name in ("pool", "scheduler"):
        if name in out and len(out[name]) > 1:
            small, big = out[name][0], out[name][-1]
            out[f"{name}_peak_ratio_{big['runs'] // small['runs']}x_runs"] = round(
                big["client_peak_mb"] / small["client_peak_mb"], 3)
    if "pair_pool" in out and "pair_scheduler" in out:
        out["pair_scheduler_over_pool_seconds"] = round(out["pair_scheduler"]["seconds"] / out["pair_pool"]["seconds"],
                                                        3)
    out["load_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, indent=2))
    write_result("sweep_scale", out, quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
