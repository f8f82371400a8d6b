"""What :func:`relulab.analysis.inspect.inspect` returns: per-site, per-unit statistics and gradient norms.

A :class:`Report` prints as a table (rich), converts to a plain dict / JSON, displays itself in a notebook
(HTML, :mod:`.inspect_html`) and is drawn by :func:`relulab.viz.inspect.plot_inspect`.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table
from torch import Tensor


@dataclass(frozen=True)
class SiteReport:
    """Statistics of one activation site; every tensor is ``(units,)`` (a unit is a channel for conv maps)."""

    name: str
    kind: str  # "module" or "function"
    activation: str
    location: str
    units: int
    samples: int  # values seen per unit: batch size x spatial positions
    active: Tensor  # fraction of samples with f'(x) != 0
    sparsity: Tensor  # fraction of samples with f(x) == 0 exactly
    saturation: Tensor  # fraction of samples with |f'(x)| < threshold
    pre_mean: Tensor  # mean of the pre-activation x
    pre_std: Tensor  # standard deviation of x (population, over all samples)
    grad_norm: float | None = None  # ||dL/dy||_2 over the batch (y: the site's output), with targets

    @property
    def dead(self) -> tuple[int, ...]:
        """Indices of the units never active on the data (f'(x) == 0 for every sample)."""
        return tuple(int(i) for i in (self.active == 0).nonzero().flatten())

    @property
    def dead_fraction(self) -> float:
        return len(self.dead) / self.units if self.units else 0.0

    def summary(self) -> dict[str, Any]:
        """Site-level numbers: means over units (every unit sees the same number of samples)."""
        return {
            "name": self.name, "kind": self.kind, "activation": self.activation, "location": self.location,
            "units": self.units, "samples": self.samples, "dead_units": list(self.dead),
            "dead_fraction": self.dead_fraction, "active": _mean(self.active), "sparsity": _mean(self.sparsity),
            "saturation": _mean(self.saturation), "pre_mean": _mean(self.pre_mean),
            "pre_std": _mean(self.pre_std), "grad_norm": self.grad_norm,
        }

    def to_dict(self) -> dict[str, Any]:
        per_unit = {k: getattr(self, k).tolist() for k in ("active", "sparsity", "saturation", "pre_mean", "pre_std")}
        return {**self.summary(), "per_unit": per_unit}


def _mean(t: Tensor) -> float:
    return float(t.double().mean()) if t.numel() else math.nan


@dataclass(frozen=True)
class Report:
    """All activation sites of a model on a batch, in the order the forward pass reached them."""

    sites: tuple[SiteReport, ...]
    saturation_threshold: float
    loss: float | None = None
    weight_grad_norms: dict[str, float] = field(default_factory=dict)  # parameter name -> ||dL/dW||_2

    def __getitem__(self, name: str) -> SiteReport:
        for s in self.sites:
            if s.name == name:
                return s
        raise KeyError(f"no activation site {name!r}; the sites are {self.names}")

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sites]

    def to_dict(self) -> dict[str, Any]:
        return {"saturation_threshold": self.saturation_threshold, "loss": self.loss,
                "sites": [s.to_dict() for s in self.sites], "weight_grad_norms": dict(self.weight_grad_norms)}

    def to_json(self, **kw: Any) -> str:
        return json.dumps(self.to_dict(), **kw)

    def tables(self) -> list[Table]:
        """The site table and, with gradients, the parameter table (rich renderables)."""
        t = Table(title=f"activation sites (saturated: |f'| < {self.saturation_threshold:g})")
        for col in ("site", "activation", "where", "units", "dead", "active", "zeros", "saturated",
                    "pre mean", "pre std", "|dL/dy|"):
            t.add_column(col, justify="left" if col in ("site", "activation", "where") else "right")
        for s in self.sites:
            d = s.summary()
            grad = "" if s.grad_norm is None else f"{s.grad_norm:.3g}"
            t.add_row(s.name, s.activation, s.location if s.kind == "function" else "", str(s.units),
                      f"{len(s.dead)}", f"{d['active']:.1%}", f"{d['sparsity']:.1%}", f"{d['saturation']:.1%}",
                      f"{d['pre_mean']:.3g}", f"{d['pre_std']:.3g}", grad)
        out = [t]
        if self.weight_grad_norms:
            w = Table(title=f"parameters (loss {self.loss:.4g})")
            w.add_column("parameter")
            w.add_column("|dL/dW|", justify="right")
            for k, v in self.weight_grad_norms.items():
                w.add_row(k, f"{v:.4g}")
            out.append(w)
        return out

    def __str__(self) -> str:
        buf = io.StringIO()
        console = Console(file=buf, width=140, force_terminal=False, color_system=None)
        for t in self.tables():
            console.print(t)
        return buf.getvalue()

    def _repr_html_(self) -> str:
        """In a notebook: the site table, the fractions as bars, the gradients (:mod:`.inspect_html`)."""
        from .inspect_html import report_html

        return report_html(self)

    def __rich__(self) -> Any:
        from rich.console import Group

        return Group(*self.tables())
