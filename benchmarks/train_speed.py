"""relulab's trainer vs the PyTorch loop a user writes by hand, on the circle experiment.

Both train the same network (2-3-3-3-1, relu, tanh output, ½(o−y)² loss, SGD lr 0.03, batch 10,
L2 0.001, 250 training points) for the same number of epochs in the same process, one thread.
The hand-written loop is nn.Sequential + DataLoader + optim.SGD. Reported: epochs per second of
each, best of several repeats, and the ratio. Writes benchmarks/results/train_speed.json.

    python benchmarks/train_speed.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch
from _common import write_result
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from relulab.config import RunConfig
from relulab.training import Trainer
from relulab.training.stacked import train_many

PLAYGROUND_JS_EPOCHS_PER_S = 5000  # TensorFlow Playground's own engine on this net, timed here (issue 2)


def config(epochs: int, **kw) -> RunConfig:
    return RunConfig(dataset="circle", activation="relu", hidden=(3, 3, 3), lr=0.03, regularization="l2",
                     reg_rate=0.001, batch_size=10, epochs=epochs, **kw)


def hand_written(epochs: int) -> float:
    """Seconds for ``epochs`` epochs of the loop from a PyTorch tutorial."""
    cfg = config(epochs)
    tr = Trainer(cfg)  # only for the same data
    x, y = tr.x_train.float(), tr.data.y_train.float().unsqueeze(1)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 3), nn.ReLU(),
                          nn.Linear(3, 1), nn.Tanh())
    opt = torch.optim.SGD(model.parameters(), lr=0.03, weight_decay=0.001)
    loader = DataLoader(TensorDataset(x, y), batch_size=10, shuffle=False)
    start = time.perf_counter()
    for _ in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss = 0.5 * ((model(xb) - yb) ** 2).mean()
            loss.backward()
            opt.step()
    return time.perf_counter() - start


def relulab_time(epochs: int, engine: str) -> float:
    tr = Trainer(config(epochs, engine=engine))
    start = time.perf_counter()
    for _ in range(epochs):
        tr.step_epoch()  # includes the per-epoch train/test evaluation the hand loop does not do
    return time.perf_counter() - start


def stacked_time(epochs: int, members: int) -> float:
    cfgs = [config(epochs).model_copy(update={"weight_seed": s}) for s in range(members)]
    start = time.perf_counter()
    train_many(cfgs)
    return time.perf_counter() - start


def best(fn, repeats: int) -> float:
    return min(fn() for _ in range(repeats))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer epochs and repeats")
    ap.add_argument("--out", type=Path, default=None, help="JSON path (default: results/, --quick: results/quick/)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    epochs, repeats = (20, 2) if args.quick else (100, 5)
    hand = best(lambda: hand_written(epochs), repeats)
    fused = best(lambda: relulab_time(epochs, "fused"), repeats)
    autograd = best(lambda: relulab_time(epochs, "autograd"), repeats)
    stacked20 = best(lambda: stacked_time(epochs, 20), max(1, repeats // 2))
    eps = {"hand_written": epochs / hand, "relulab_fused": epochs / fused, "relulab_autograd": epochs / autograd,
           "relulab_stacked_20_models": 20 * epochs / stacked20}
    result = {
        "benchmark": "train_speed", "net": "2-3-3-3-1 relu, batch 10, 250 points, L2", "epochs": epochs,
        "repeats": repeats, "torch": torch.__version__, "python": platform.python_version(),
        "epochs_per_s": eps,
        "ratio_fused_vs_hand_written": eps["relulab_fused"] / eps["hand_written"],
        "ratio_autograd_vs_hand_written": eps["relulab_autograd"] / eps["hand_written"],
        "ratio_stacked_per_model_vs_hand_written": eps["relulab_stacked_20_models"] / eps["hand_written"],
        "fraction_of_playground_js_engine": eps["relulab_fused"] / PLAYGROUND_JS_EPOCHS_PER_S,
    }
    print(json.dumps(result, indent=2))
    write_result("train_speed", result, quick=args.quick, out=args.out)


if __name__ == "__main__":
    main()
