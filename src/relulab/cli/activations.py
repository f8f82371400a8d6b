"""``relulab activations``: the activation registry as a table or JSON, its gallery, and the C2 table."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:  # rich is imported when a table is printed, not for --help
    from rich.console import Console
    from rich.table import Table

from ..activations import Activation, activation_names, get_activation
from .common import bad_input, fail, print_json
from .files import out_file

PLOT_SUFFIXES = (".png", ".svg")
GAIN_NOTE = ("gain: the factor He/Xavier initialisation multiplies the weights' standard deviation by for "
             "this activation, so that the signal keeps its scale from layer to layer (torch.nn.init's gain)")
_SYMBOLS = {r"\alpha": "α", r"\beta": "β", r"\lambda": "λ", r"\sigma": "σ", r"\Phi": "Φ", r"\max": "max",
            r"\min": "min", r"\tanh": "tanh", r"\ln": "ln", r"\mathbb{1}": "1"}


def _atom(text: str) -> str:
    """``text`` as it can stand in ``a/b`` or ``e^b``: bare if a single token, else in parentheses."""
    return text if re.fullmatch(r"-?(\d+(\.\d+)?|[A-Za-zαβλσΦ])", text) else f"({text})"


def latex_to_text(latex: str) -> str:
    """The registry's LaTeX formula as plain text for a terminal: ``\frac{1}{1 + e^{-x}}`` -> ``1/(1 + e^-x)``."""
    t = re.sub(r"\\text\{([^{}]*)\}", r"\1", latex)
    for k, v in _SYMBOLS.items():
        t = t.replace(k, v)
    t = t.replace(r"\,", " ").replace(r"\ ", " ")
    for _ in range(3):  # innermost braces first
        t = re.sub(r"\^\{([^{}]*)\}", lambda m: "^" + _atom(m[1].replace(" ", "")), t)
        t = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", lambda m: f"{_atom(m[1])}/{_atom(m[2])}", t)
    t = re.sub(r"(\S) \(", lambda m: m[1] + ("(" if m[1] in "αβλσ" else " ("), t)
    return re.sub(r" +", " ", t).strip()


def _aliases() -> dict[str, list[str]]:
    """Registered name -> its other names (``identity`` -> ``["linear"]``)."""
    from ..activations import ACTIVATIONS

    out: dict[str, list[str]] = {}
    for key, act in ACTIVATIONS.items():
        if key != act.name:
            out.setdefault(act.name, []).append(key)
    return out


def activation_record(act: Activation) -> dict[str, Any]:
    """One registry entry as plain JSON values (an unbounded end of the range is ``null``)."""
    lo, hi = act.range
    return {
        "name": act.name, "aliases": _aliases().get(act.name, []), "formula": act.latex,
        "formula_text": latex_to_text(act.latex), "params": dict(act.params), "kinks": list(act.kinks()),
        "linear": act.linear, "piecewise_linear": act.piecewise_linear, "smooth": act.smooth,
        "range": [lo if math.isfinite(lo) else None, hi if math.isfinite(hi) else None],
        "monotone": act.monotone, "zero_centred": act.zero_centred, "gain": act.gain(),
        "learnable": act.learnable, "description": act.description,
    }


def _range_text(lo: float, hi: float) -> str:
    left = "(-inf" if lo == -math.inf else f"[{lo:.4g}"
    right = "inf)" if hi == math.inf else f"{hi:.4g}]"
    return f"{left}, {right}"


def _console() -> Console:
    # Piped or captured output gets 80 columns by default, too narrow for ten columns of formulas.
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=180)


def _yes(flag: bool) -> str:
    return "yes" if flag else "-"


def _registry_table(acts: list[Activation]) -> Table:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="activation registry (properties at the default parameters)", caption=GAIN_NOTE)
    for col in ("name", "formula", "params", "kinks", "piecewise\nlinear", "smooth", "range", "monotone",
                "zero-\ncentred", "gain"):
        table.add_column(col, overflow="fold", no_wrap=col in ("name", "range"))
    for a in acts:
        params = ", ".join(f"{k}={v:g}" for k, v in a.params.items()) or "-"
        kinks = ", ".join(f"{k:g}" for k in a.kinks()) or "-"
        # escape: rich would read "1[x > 0]" in the step's formula as a markup tag
        name = " = ".join([a.name, *_aliases().get(a.name, [])])
        table.add_row(name, escape(latex_to_text(a.latex)), params, kinks, _yes(a.piecewise_linear), _yes(a.smooth),
                      _range_text(*a.range), _yes(a.monotone), _yes(a.zero_centred), f"{a.gain():.4f}")
    return table


def _linearity_table(rows: list) -> Table:
    from rich.table import Table

    table = Table(title="C2: measured max |violation| on random inputs, and the measured class")
    for col in ("name", "f(a+b) vs\nf(a)+f(b)", "f(cx) vs\nc f(x)", "same,\nc > 0", "f(-x) vs\n-f(x)",
                "kinks", "measured class", "registry\nagrees"):
        table.add_column(col, overflow="fold", no_wrap=col in ("name", "measured class"))
    for r in rows:
        table.add_row(r.name, f"{r.additivity:.3g}", f"{r.homogeneity:.3g}", f"{r.positive_homogeneity:.3g}",
                      f"{r.oddness:.3g}", ", ".join(f"{k:g}" for k in r.kinks) or "-", r.classification,
                      "yes" if r.agrees else f"NO (flags say {r.registry_class})")
    return table


def register(app: typer.Typer) -> None:
    @app.command("activations")
    def activations_cmd(
        names: list[str] = typer.Argument(None, help="only these activations (default: all registered)"),
        json_output: bool = typer.Option(False, "--json", help="print the table as JSON"),
        plot: Path = typer.Option(None, "--plot", help="write the gallery (f, f', kinks) to FILE.png / .svg"),
        linearity: bool = typer.Option(False, "--linearity", help="measure linearity (claim C2)"),
        seed: int = typer.Option(0, "--seed", min=0, max=2**63 - 1,
                                 help="generator seed of the random inputs for --linearity"),
    ) -> None:
        """The activation registry: formulas, parameters, kinks and properties; --plot draws them."""
        if plot is not None and plot.suffix.lower() not in PLOT_SUFFIXES:
            fail(f"--plot needs a file ending in {' or '.join(PLOT_SUFFIXES)}, got {str(plot)!r}")
        if plot is not None and not plot.parent.is_dir():
            fail(f"--plot: directory {str(plot.parent)!r} does not exist")
        with bad_input():
            out_file(plot, "--plot")
        with bad_input():
            acts = [get_activation(n) for n in (names or activation_names())]
        if plot is not None:
            from ..atomic import write_file
            from ..viz.activations import activation_gallery  # matplotlib only when asked for

            fig = activation_gallery([a.name for a in acts])
            with bad_input():
                write_file(plot, lambda t: fig.savefig(t, dpi=110))
            typer.echo(f"wrote {plot}", err=True)
        if linearity:
            import torch

            from ..analysis.linearity import linearity_table

            rows = linearity_table([a.name for a in acts], generator=torch.Generator().manual_seed(seed))
            if json_output:
                print_json([{**dataclasses.asdict(r), "agrees": r.agrees} for r in rows])
            else:
                _console().print(_linearity_table(rows))
        elif json_output:
            print_json([activation_record(a) for a in acts])
        else:
            _console().print(_registry_table(acts))
