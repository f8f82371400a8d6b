"""A model of your own for ``relulab inspect`` / ``relulab collapse``: plain PyTorch, nothing from relulab.

    python examples/mynet.py       # trains it on 400 points of two rings; writes weights.pt and points.csv
    relulab inspect --model examples/mynet.py:make_model --state weights.pt --data points.csv

``--model FILE.py:FACTORY`` imports this file and calls ``make_model()`` (no arguments; it must return an
``nn.Module``); ``--state`` loads the ``state_dict`` saved below; ``--data`` is a CSV whose last column is
the target (here ``x1,x2,label`` with labels +1 / -1).
"""

from __future__ import annotations

import math
import sys

import torch
from torch import nn


def make_model() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))


def rings(n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` points: label +1 inside radius 2, -1 on a ring of radius 3.5 to 5."""
    inner = torch.arange(n) < n // 2
    r = torch.where(inner, 2 * torch.rand(n, generator=generator),
                    3.5 + 1.5 * torch.rand(n, generator=generator))
    angle = 2 * math.pi * torch.rand(n, generator=generator)
    x = torch.stack([r * torch.cos(angle), r * torch.sin(angle)], dim=1)
    return x, torch.where(inner, 1.0, -1.0)


def main(weights: str = "weights.pt", points: str = "points.csv") -> None:
    g = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    x, y = rings(400, g)
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.MSELoss()
    for _ in range(300):
        opt.zero_grad()
        loss = loss_fn(model(x), y.unsqueeze(1))  # output (n, 1): targets shaped (n, 1) too
        loss.backward()
        opt.step()
    torch.save(model.state_dict(), weights)
    with open(points, "w") as f:
        f.write("x1,x2,label\n")
        f.writelines(f"{a:.6f},{b:.6f},{int(c)}\n" for (a, b), c in zip(x.tolist(), y.tolist(), strict=True))
    acc = ((model(x).squeeze(1) >= 0).float() * 2 - 1 == y).float().mean().item()
    print(f"trained make_model(): loss {loss.item():.4f}, accuracy {acc:.3f}; wrote {weights} and {points}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
