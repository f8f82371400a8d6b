"""Regions in a notebook (``_repr_html_``): on networks whose partition is known by hand, the counts, the
polygons drawn, their class colours and the decision boundary are the result's own; 1-D pieces are
drawn knot by knot; a run's note is escaped."""

from __future__ import annotations

import html
import re

import torch
from torch import nn

from relulab.analysis.regions import RunRegions, regions
from relulab.analysis.regions.show import FILLS
from tests.test_display import HOSTILE, SVG, path_points, svgs


def diamond() -> nn.Module:
    """|x| + |y| - 1 from four ReLUs: four regions (the quadrants), class 0 inside the diamond."""
    first, out = nn.Linear(2, 4).double(), nn.Linear(4, 1).double()
    with torch.no_grad():
        first.weight.copy_(torch.tensor([[1.0, 0], [-1, 0], [0, 1], [0, -1]]))
        first.bias.zero_()
        out.weight.fill_(1.0)
        out.bias.fill_(-1.0)
    return nn.Sequential(first, nn.ReLU(), out)


def test_a_partition_known_by_hand():
    r = regions(diamond(), (-2, 2))
    out = r._repr_html_()
    assert len(r) == 4 and "Linear regions (2-D): 4" in out
    assert "<td>after each layer</td><td>4</td>" in out and "<td>decision boundary segments</td><td>4</td>" in out
    b = r.bounds()
    assert f"({html.escape(b.upper_name)})</td><td>{b.upper}</td>" in out
    (svg,) = svgs(out)
    polys = svg.findall(f"{SVG}polygon")
    assert len(polys) == 4
    assert {p.get("fill") for p in polys} <= set(FILLS[1])  # every quadrant's centroid (+-1, +-1) is outside
    segs = svg.findall(f"{SVG}path")
    assert len(segs) == 4  # the diamond's four sides
    # the class regions: the diamond (4 sides, no hole) and the rest of the window around it
    rows = re.findall(r"<tr><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", out)
    assert ("0", "0", "4") in rows


def test_each_region_is_drawn_with_its_vertices():
    torch.manual_seed(3)
    net = nn.Sequential(nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 2)).double()
    r = regions(net, (-1, 1))
    polys = svgs(r._repr_html_())[0].findall(f"{SVG}polygon")
    assert [len(p.get("points").split()) for p in polys] == r.counts.tolist()
    # the class colour is the class of the region's centroid, read from the network itself
    labels = net(r.interior_points()).argmax(1).tolist()
    assert [FILLS[c][i % 3] for i, c in enumerate(labels)] == [p.get("fill") for p in polys]


def test_pieces_on_an_interval_are_drawn_knot_by_knot():
    net = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1)).double()
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0], [-1.0]]))
        net[0].bias.copy_(torch.tensor([0.0, 0.5]))
    r = regions(net, (-1.0, 1.0))
    out = r._repr_html_()
    assert len(r) == 3 and "Linear pieces (1-D): 3" in out and "<td>kinks</td><td>2</td>" in out
    (svg,) = svgs(out)
    assert [path_points(p) for p in svg.findall(f"{SVG}path")] == [4]  # the output at the 4 knots
    assert len(svg.findall(f"{SVG}line")) == 2  # the two kinks, 0 and 0.5


def test_a_runs_note_is_escaped():
    rr = RunRegions(regions(diamond(), (-2, 2)), "features", HOSTILE)
    out = rr._repr_html_()
    assert "<script" not in out and html.escape(HOSTILE) in out and "Linear regions (2-D): 4" in out

