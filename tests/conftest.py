"""Shared fixtures: a seeded generator and the recorded reference data in ``tests/fixtures``.

Tests read reference data only from inside the repository (``tests/fixtures/``): a clone alone is
enough to run the whole suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

torch.set_num_threads(1)

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
PLAYGROUND_FIXTURES = FIXTURES / "playground"  # recorded from TensorFlow Playground; see its README.md


@pytest.fixture
def generator() -> torch.Generator:
    return torch.Generator().manual_seed(0)


@pytest.fixture
def fixtures_dir() -> Path:
    """The playground's recorded traces and data (``tests/fixtures/playground``)."""
    return PLAYGROUND_FIXTURES
