"""Exact zeros per layer against a brute-force count of the hidden outputs."""

from __future__ import annotations

import pytest
import torch

from relulab.analysis.sparsity import layer_sparsity, sparsity_table
from relulab.models import MLP


@pytest.mark.parametrize("act", ["relu", "relu6", "tanh", "hardtanh"])
def test_equals_a_brute_force_count(act):
    net = MLP(2, (7, 5, 3), 1, act, init="he", generator=torch.Generator().manual_seed(1))
    x = torch.randn(300, 2, generator=torch.Generator().manual_seed(2), dtype=torch.float64) * 2
    with torch.no_grad():
        brute = [float((h == 0).double().mean()) for h in net.hidden_outputs(x)]
    assert layer_sparsity(net, x) == pytest.approx(brute, abs=1e-15)
    if act == "relu":
        assert all(0.1 < b < 0.9 for b in brute)  # the oracle itself is not trivial


def test_table_means_and_spread():
    nets = [MLP(2, (4, 4), 1, "relu", init="he", generator=torch.Generator().manual_seed(s)) for s in range(3)]
    x = torch.randn(50, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    t = sparsity_table({"relu": nets}, x)
    per_net = [layer_sparsity(n, x) for n in nets]
    assert t.values["relu"] == per_net
    assert t.per_layer("relu") == pytest.approx([sum(v[k] for v in per_net) / 3 for k in range(2)])
    means = [sum(v) / 2 for v in per_net]
    assert t.range("relu") == pytest.approx((min(means), max(means)))
    assert t.overall("relu") == pytest.approx(sum(means) / 3)
    assert t.rows()[0]["activation"] == "relu"


def test_bad_input():
    with pytest.raises(ValueError, match="no models for activation 'relu'"):
        sparsity_table({"relu": []}, torch.zeros(1, 2))
    g = torch.Generator()
    nets = [MLP(2, (3,), 1, "relu", generator=g), MLP(2, (3, 3), 1, "relu", generator=g)]
    with pytest.raises(ValueError, match="different numbers of activation layers"):
        sparsity_table({"relu": nets}, torch.zeros(1, 2, dtype=torch.float64))
