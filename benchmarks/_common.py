"""Where a benchmark writes its JSON: the tracked ``benchmarks/results/NAME.json`` for a full run, an
untracked ``benchmarks/results/quick/NAME.json`` for ``--quick`` (so a quick or CI run never
overwrites the published figures). Every benchmark ends with::

    from _common import write_result          # benchmarks/ is on sys.path when run as a script
    write_result("my_benchmark", result, quick=args.quick)   # optional: out=args.out
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def result_path(name: str, *, quick: bool, out: Path | str | None = None) -> Path:
    """``out`` if given, else ``results/quick/NAME.json`` for a quick run, else ``results/NAME.json``."""
    if out is not None:
        return Path(out)
    return (RESULTS / "quick" if quick else RESULTS) / f"{name}.json"


def write_result(name: str, data: dict, *, quick: bool, out: Path | str | None = None) -> Path:
    """Write ``data`` as indented JSON to :func:`result_path` (atomically) and say where."""
    path = result_path(name, quick=quick, out=out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(json.dumps(data, indent=2) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"wrote {path}")
    return path


def hand_written_loop(data, act, epochs: int, seed: int) -> float:
    """Seconds for one run of the loop from a PyTorch tutorial on the circle net 2-3-3-3-1 (``act`` an
    ``nn.Module`` class, tanh output, nn.Sequential + DataLoader + optim.SGD, float32, L2 0.001 as
    weight decay, batch 10), the train and test loss evaluated after every epoch: the baseline of the
    training and sweep benchmarks."""
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    x, y = data.train_inputs.float(), data.y_train.float().unsqueeze(1)
    xt, yt = data.test_inputs.float(), data.y_test.float().unsqueeze(1)
    start = time.perf_counter()
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 3), act(), nn.Linear(3, 3), act(), nn.Linear(3, 3), act(), nn.Linear(3, 1),
                          nn.Tanh())
    opt = torch.optim.SGD(model.parameters(), lr=0.03, weight_decay=0.001)
    loader = DataLoader(TensorDataset(x, y), batch_size=10, shuffle=False)
    for _ in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss = 0.5 * ((model(xb) - yb) ** 2).mean()
            loss.backward()
            opt.step()
        with torch.no_grad():
            losses = (float(0.5 * ((model(x) - y) ** 2).mean()), float(0.5 * ((model(xt) - yt) ** 2).mean()))
    assert all(v == v for v in losses)
    return time.perf_counter() - start
