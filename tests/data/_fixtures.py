"""Helpers of the data tests: the playground's own data dumps in ``tests/fixtures/playground``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

# recorded from TensorFlow Playground itself; see tests/fixtures/playground/README.md
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "playground"
PLAYGROUND_DATA = FIXTURES / "playground-data"


def require(path: Path) -> Path:
    """``path`` if it exists; otherwise fail (never skip): conformance needs the fixtures."""
    if not path.exists():
        pytest.fail(f"fixture missing: {path} (tests/fixtures/playground is part of the repository)")
    return path


def load_json(path: Path):
    return json.loads(require(path).read_text())


def points(items: list[dict]) -> tuple[torch.Tensor, torch.Tensor]:
    """The fixture's ``{x, y, label}`` records as ``x`` ``(n, 2)`` and ``y`` ``(n,)`` float64."""
    x = torch.tensor([[p["x"], p["y"]] for p in items], dtype=torch.float64)
    return x, torch.tensor([float(p["label"]) for p in items], dtype=torch.float64)
