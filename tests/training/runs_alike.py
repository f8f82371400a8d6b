"""What the engine tests compare: two runs with the same weights, losses, accuracies and ending."""

from __future__ import annotations

import pytest
import torch


def assert_same_run(a, b, tol=1e-12):
    """Same weights and losses (to ``tol``, relative beyond 1), accuracy exactly, same status and message."""
    for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True):
        torch.testing.assert_close(p, q, atol=tol, rtol=tol)
    assert a.history.epoch == b.history.epoch
    for key in ("train_loss", "test_loss"):
        assert getattr(a.history, key) == pytest.approx(getattr(b.history, key), abs=tol, rel=tol, nan_ok=True)
    assert a.history.train_acc == b.history.train_acc
    assert a.history.test_acc == b.history.test_acc
    assert (a.status, a.message) == (b.status, b.message)
