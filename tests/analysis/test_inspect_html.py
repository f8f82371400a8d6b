"""An inspect report in a notebook (``_repr_html_``): each site's numbers as the report holds them, its
fractions drawn as bars of those values, the gradients' table, hostile names escaped."""

from __future__ import annotations

import dataclasses
import html

import torch
from torch import nn

from relulab.analysis.inspect import inspect
from relulab.display import num
from tests.test_display import HOSTILE, SVG, svgs


def report():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 6), nn.ReLU(), nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 1))
    x = torch.randn(50, 2)
    return inspect(model, x, (x[:, :1] > 0).float(), nn.MSELoss())


def test_the_numbers_are_the_reports():
    rep = report()
    out = rep._repr_html_()
    assert "Inspect: 2 activation sites" in out
    for s in rep.sites:
        d = s.summary()
        cells = [s.name, s.activation, "", s.units, len(s.dead), d["active"], d["sparsity"], d["saturation"],
                 d["pre_mean"], d["pre_std"], s.grad_norm]
        assert "<tr>" + "".join(f"<td>{html.escape(num(c))}</td>" for c in cells) + "</tr>" in out
    for k, v in rep.weight_grad_norms.items():
        assert f"<tr><td>{k}</td><td>{num(v)}</td></tr>" in out
    assert f"loss {rep.loss:.4g}" in out


def test_the_bars_are_the_fractions():
    rep = report()
    (svg,) = svgs(rep._repr_html_())
    titles = {r.find(f"{SVG}title").text for r in svg.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None}
    for s in rep.sites:
        d = s.summary()
        assert f"{s.name} active: {num(d['active'])}" in titles and f"{s.name} zeros: {num(d['sparsity'])}" in titles


def test_hostile_names_are_escaped():
    rep = report()
    site = dataclasses.replace(rep.sites[0], name=HOSTILE, activation=HOSTILE)
    bad = dataclasses.replace(rep, sites=(site,), weight_grad_norms={HOSTILE: 1.0})
    out = bad._repr_html_()
    assert "<script" not in out and out.count(html.escape(HOSTILE)) >= 4


def test_no_gradients_no_parameter_table():
    torch.manual_seed(0)
    out = inspect(nn.Sequential(nn.Linear(2, 3), nn.ReLU()), torch.randn(8, 2))._repr_html_()
    assert "|dL/dW|" not in out and "loss" not in out and "Inspect: 1 activation site<" in out
