"""An inspect :class:`~relulab.analysis.inspect_report.Report` as HTML for a notebook (its ``_repr_html_``):
the site table the CLI prints, each site's active / zero / saturated fractions as bars (inline SVG),
and with gradients the parameter table and the gradient norm per site.

Drawn with :mod:`relulab.display`, not matplotlib (this layer sits below :mod:`relulab.viz`); the
report is read by its attributes, not imported (it imports this module).
"""

from __future__ import annotations

from typing import Any

from ..display import bar_chart, section, table

HEAD = ["site", "activation", "where", "units", "dead", "active", "zeros", "saturated", "pre mean", "pre std",
        "|dL/dy|"]


def report_html(report: Any) -> str:
    sums = [s.summary() for s in report.sites]
    rows = [[s.name, s.activation, s.location if s.kind == "function" else "", s.units, len(s.dead), d["active"],
             d["sparsity"], d["saturation"], d["pre_mean"], d["pre_std"], s.grad_norm]
            for s, d in zip(report.sites, sums, strict=True)]
    parts = [f"<p>saturated: |f'| &lt; {report.saturation_threshold:g}"
             + ("" if report.loss is None else f"; loss {report.loss:.4g}") + "</p>", table(HEAD, rows)]
    names = [s.name for s in report.sites]
    if names:
        parts.append(bar_chart(names, {"active": [d["active"] for d in sums], "zeros": [d["sparsity"] for d in sums],
                                       "saturated": [d["saturation"] for d in sums],
                                       "dead units": [d["dead_fraction"] for d in sums]},
                               title="fraction of samples, per site", ylabel="fraction"))
    if report.weight_grad_norms:
        parts.append(table(["parameter", "|dL/dW|"], list(report.weight_grad_norms.items())))
    title = f"Inspect: {len(names)} activation site" + ("" if len(names) == 1 else "s")
    return section("inspect", title, *parts)
