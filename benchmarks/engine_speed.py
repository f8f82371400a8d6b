"""Two source trees' training speed, interleaved in one run, as ratios of ratios; and ``relulab train``
with its progress bar against ``train()`` in one process.

Each tree (``--base``: e.g. a worktree of main; ``--new``: this checkout) runs the work of
``benchmarks/train_speed.py`` in a fresh worker process with that tree's ``src`` first on the path,
timing relulab and the hand-written PyTorch loop (:func:`_common.hand_written_loop`) in the same
process: one run (circle net 2-3-3-3-1, relu and tanh, 300 epochs, ``train``, best of 3), 1,000
seeds x 200 epochs (``train_group``, what auto picks) and the compare work (3 activations x 20 seeds x
300 epochs, ``train_many``); the hand-written loop runs once per one-run figure and on 2 seeds (1 per
activation for compare), extrapolated, so that a round fits a loaded machine. The workers alternate
base, new, new, base, ... for ``--rounds`` rounds, so that the machine's load hits both alike; each
figure is relulab's speed over the hand-written loop's in its own process, and the result is new ÷
base of the medians (>= 0.9: the new tree holds the speed).

The CLI line (new tree only): ``relulab train`` (its progress bar drawn on a terminal console) and
``train()`` on the same config, 20,000 epochs, in one process after a warm-up (start-up and the
compile cache excluded), alternating, best of ``--rounds``. Writes benchmarks/results/engine_speed.json.

    python benchmarks/engine_speed.py --base ../h17-base [--new .] [--rounds 3] [--quick]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def worker(quick: bool) -> dict:
    """The work of one tree, in this process: relulab's speed over the hand-written loop's, per kind of work."""
    import torch
    from _common import hand_written_loop
    from torch import nn

    from relulab.config import RunConfig
    from relulab.training import make_dataset, train
    from relulab.training.stacked import train_group, train_many

    torch.set_num_threads(1)
    acts = {"relu": nn.ReLU, "tanh": nn.Tanh, "linear": nn.Identity}

    def cfg(act: str, epochs: int, **kw) -> RunConfig:
        return RunConfig(dataset="circle", activation=act, hidden=(3, 3, 3), lr=0.03, regularization="l2",
                         reg_rate=0.001, batch_size=10, epochs=epochs, **kw)

    def timed(fn) -> float:
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t

    data = make_dataset(cfg("relu", 1))
    train(cfg("relu", 2), data=data)  # load the compile cache (or compile)
    train_group([cfg("relu", 2, weight_seed=s) for s in range(2)])
    out = {}
    e1, seeds, e2, sample, cseeds, e3 = (30, 50, 20, 2, 4, 30) if quick else (300, 1000, 200, 2, 20, 300)
    for act in ("relu", "tanh"):
        hand = hand_written_loop(data, acts[act], e1, 0)
        mine = min(timed(lambda a=act: train(cfg(a, e1), data=data)) for _ in range(3))
        out[f"one_run_{act}"] = hand / mine
        group = [cfg(act, e2, weight_seed=s) for s in range(seeds)]
        mine = timed(lambda g=group: train_group(g))
        hand = sum(hand_written_loop(data, acts[act], e2, s) for s in range(sample)) * seeds / sample
        out[f"seeds_{act}"] = hand / mine
    groups = [[cfg(a, e3, weight_seed=s) for s in range(cseeds)] for a in ("linear", "tanh", "relu")]
    mine = timed(lambda: [train_many(g) for g in groups])
    hand = sum(hand_written_loop(data, acts[a], e3, 0) for a in ("linear", "tanh", "relu"))
    out["compare"] = hand * cseeds / mine
    return out


def cli_vs_train(rounds: int, epochs: int) -> dict:
    """``relulab train`` with its bar drawn (a terminal console into a buffer) vs ``train()``, same config."""
    from rich.console import Console
    from typer.testing import CliRunner

    from relulab.cli import build_app, progress
    from relulab.config import RunConfig
    from relulab.training import train

    progress._console = Console(file=io.StringIO(), force_terminal=True, width=80)
    args = ["train", "--dataset", "circle", "--hidden", "3,3,3", "--activation", "relu", "--lr", "0.03",
            "--regularization", "l2", "--reg-rate", "0.001", "--batch-size", "10"]
    cfg = RunConfig(dataset="circle", activation="relu", hidden=(3, 3, 3), lr=0.03, regularization="l2",
                    reg_rate=0.001, batch_size=10, epochs=epochs)
    runner, app = CliRunner(), build_app()
    import torch

    torch.set_num_threads(1)
    assert runner.invoke(app, [*args, "--epochs", "2"]).exit_code == 0  # warm: imports, compile cache
    train(cfg.model_copy(update={"epochs": 2}))
    best = {"cli": float("inf"), "train": float("inf")}
    for _ in range(rounds):
        t = time.perf_counter()
        result = runner.invoke(app, [*args, "--epochs", str(epochs)])
        best["cli"] = min(best["cli"], time.perf_counter() - t)
        assert result.exit_code == 0, result.output
        t = time.perf_counter()
        train(cfg)
        best["train"] = min(best["train"], time.perf_counter() - t)
    drawn = progress._console.file.getvalue()
    return {"epochs": epochs, "seconds": best, "cli_over_train": best["cli"] / best["train"],
            "bar_drawn": f"{epochs}/{epochs}" in drawn}


def run_worker(tree: Path, quick: bool) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    cmd = [sys.executable, __file__, "--worker"] + (["--quick"] if quick else [])
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=Path, help="the tree to compare with (e.g. a worktree of main)")
    ap.add_argument("--new", type=Path, default=HERE.parent, help="the tree under test (default: this one)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.quick)))
        return
    from _common import write_result

    result: dict = {"benchmark": "engine_speed", "quick": args.quick, "rounds": args.rounds,
                    "base": str(args.base), "new": str(args.new), "load_before": os.getloadavg()}
    if args.base is not None:
        runs: dict[str, list[dict]] = {"base": [], "new": []}
        for r in range(args.rounds):
            for side in (("base", "new") if r % 2 == 0 else ("new", "base")):
                runs[side].append(run_worker(getattr(args, side).resolve(), args.quick))
                print(side, json.dumps(runs[side][-1]), flush=True)
        med = {s: {k: statistics.median(x[k] for x in v) for k in v[0]} for s, v in runs.items()}
        result |= {"ratio_vs_hand_written": runs, "median": med,
                   "new_over_base": {k: med["new"][k] / med["base"][k] for k in med["new"]}}
        for k, v in result["new_over_base"].items():
            print(f"{k:14s} new/base (each vs the hand-written loop) {v:5.2f}", flush=True)
    sys.path.insert(0, str(args.new.resolve() / "src"))
    cli = cli_vs_train(args.rounds, 2_000 if args.quick else 20_000)
    result["cli_vs_train"] = cli
    print(f"relulab train (bar drawn) {cli['seconds']['cli']:.3f} s, train() {cli['seconds']['train']:.3f} s: "
          f"{cli['cli_over_train']:.2f}x", flush=True)
    result["load_after"] = os.getloadavg()
    write_result("engine_speed", result, quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
