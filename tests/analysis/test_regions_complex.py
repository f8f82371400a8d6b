"""The partition as a cell complex (vertices, edges, faces: regioncam's counts, Euler's V - E + F = 1),
its maximal linear pieces (against an independent neighbour search and hand counts), and the lean mode
(the same regions and output maps as the full one, without the patterns)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import relulab as rl
from relulab.analysis.regions import planar
from tests.analysis.regions_nets import he_net

NETS = [([3, 3, 3], nn.ReLU), ([8, 8], nn.ReLU), ([8] * 6, nn.ReLU), ([16, 16], nn.ReLU),
        ([6, 6], lambda: nn.LeakyReLU(0.1)), ([5, 5], lambda: nn.Hardtanh(-0.5, 0.8))]


@pytest.mark.parametrize(("widths", "act"), NETS, ids=lambda v: str(v) if isinstance(v, list) else "")
def test_euler_characteristic_of_every_tiling_is_one(widths, act):
    for seed in range(3):
        r = rl.regions(he_net(widths, seed, act), (-6, 6))
        c = r.cell_complex()
        assert (c.faces, c.euler) == (len(r), 1), f"seed {seed}: {c}"
        assert c.vertices >= 4 and c.edges >= c.vertices


def test_vertices_edges_faces_are_regioncams():
    regioncam = pytest.importorskip("regioncam")
    for widths in ([3, 3, 3], [8, 8], [8] * 6):
        for seed in range(2):
            model = he_net(widths, seed, float32_exact=True)
            rc = regioncam.Regioncam(6.0)
            for m in model:
                if isinstance(m, nn.Linear):
                    rc.linear(np.ascontiguousarray(m.weight.detach().numpy().T, dtype=np.float32),
                              m.bias.detach().numpy().astype(np.float32))
                else:
                    rc.relu()
            c = rl.regions(model, (-6, 6)).cell_complex()
            assert (c.vertices, c.edges, c.faces) == (rc.num_vertices, rc.num_edges, rc.num_faces), (widths, seed)


def _neighbour_pairs(r) -> set[tuple[int, int]]:
    """Adjacent cells, found independently: a point just outside the middle of every side, located."""
    pairs = set()
    for i in range(len(r)):
        v = r[i].vertices
        mid = (v + v.roll(-1, 0)) / 2
        side = v.roll(-1, 0) - v
        out = torch.stack([side[:, 1], -side[:, 0]], 1) / side.norm(dim=1, keepdim=True)  # counter-clockwise
        j = r.locate(mid + 1e-7 * out)
        pairs |= {(min(i, int(k)), max(i, int(k))) for k in j if k >= 0 and k != i}
    return pairs


def _same_map(r, i, j) -> bool:
    return bool(torch.allclose(r.A[i], r.A[j], atol=1e-9) and torch.allclose(r.b[i], r.b[j], atol=1e-9))


@pytest.mark.parametrize(("widths", "act"), NETS, ids=lambda v: str(v) if isinstance(v, list) else "")
def test_merged_pieces_join_exactly_the_neighbours_with_one_map(widths, act):
    for seed in range(2):
        r = rl.regions(he_net(widths, seed, act), (-6, 6))
        p = r.merged()
        assert len(p) <= len(r)
        sharing = [(i, j) for i, j in _neighbour_pairs(r) if _same_map(r, i, j)]
        if not sharing:
            assert len(p) == len(r)
        for i, j in sharing:
            assert p.labels[i] == p.labels[j]
        for i in range(len(r)):  # every cell has its piece's map
            assert torch.allclose(r.A[i], p.A[p.labels[i]], atol=1e-9) and torch.allclose(r.b[i], p.b[p.labels[i]],
                                                                                           atol=1e-9)
        torch.testing.assert_close(p.areas.sum(), r.areas.sum())


def _net(first: list[list[float]], out: list[float]) -> nn.Sequential:
    lin = nn.Linear(2, len(first), dtype=torch.float64)
    head = nn.Linear(len(first), 1, dtype=torch.float64)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor(first, dtype=torch.float64))
        lin.bias.zero_()
        head.weight.copy_(torch.tensor([out], dtype=torch.float64))
        head.bias.zero_()
    return nn.Sequential(lin, nn.ReLU(), head)


@pytest.mark.parametrize(("first", "out", "cells", "pieces"), [
    ([[1, 0], [0, 1]], [1, 0], 4, 2),  # relu(x) + 0 relu(y): the kink of y reaches nothing
    ([[1, 0], [-1, 0]], [1, -1], 2, 1),  # relu(x) - relu(-x) = x
    ([[1, 0], [0, 1]], [1, 1], 4, 4),  # relu(x) + relu(y): four maps
    ([[1, 0], [0, 1], [1, 1]], [1, 1, 0], 6, 4),  # the diagonal cuts two quadrants, to no effect
])
def test_merged_pieces_of_constructed_nets_counted_by_hand(first, out, cells, pieces):
    r = rl.regions(_net(first, out), (-1, 1))
    assert (len(r), len(r.merged())) == (cells, pieces)
    assert r.cell_complex().euler == 1


@pytest.mark.parametrize("widths", [[40, 40], [3, 40, 5], [64]], ids=str)
def test_lean_mode_gives_the_full_modes_regions_and_output_maps(widths, monkeypatch):
    model = he_net(widths, seed=1, outputs=2)
    full = rl.regions(model, (-4, 4))
    monkeypatch.setattr(planar, "BLOCK_BYTES", 24 * 100 * 90)  # blocks of a few dozen regions
    lean = rl.regions(model, (-4, 4), lean=True)
    blocked = rl.regions(model, (-4, 4))  # the full mode through the same small blocks
    assert torch.equal(blocked.patterns, full.patterns) and blocked.layer_counts == full.layer_counts
    assert len(lean) == len(full) and lean.layer_counts == full.layer_counts
    assert lean.patterns.shape == (len(full), 0)
    for a, b in [(lean.vertices, full.vertices), (lean.A, full.A), (lean.b, full.b)]:
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-12)  # (BLAS sums blocks of rows alike, to an ulp)


def test_full_mode_over_its_memory_says_the_estimate_and_the_way_out():
    model = he_net([64, 64], seed=0)
    with pytest.raises(MemoryError, match=r"the full regions need about .* GiB after layer \d \([\d,]+ regions x "
                                          r"\d+ bytes.*lean=True.*bytes per region"):
        rl.regions(model, (-6, 6), max_bytes=100_000)
    assert len(rl.regions(model, (-6, 6), lean=True, max_bytes=100_000)) == len(rl.regions(model, (-6, 6)))


def test_bad_lean_is_refused():
    with pytest.raises(ValueError, match="lean must be True or False, got 'yes'"):
        rl.regions(he_net([3], 0), lean="yes")


@pytest.mark.parametrize("bad", [0, -5, 1.5, "1GB", True])
def test_bad_max_bytes_is_refused(bad):
    with pytest.raises(ValueError, match=r"max_bytes must be a whole number of bytes >= 1 \(or None"):
        rl.regions(he_net([3], 0), max_bytes=bad)
