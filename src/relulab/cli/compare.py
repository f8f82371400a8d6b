"""``relulab compare``: several activations x seeds on one data set; boundaries side by side + a table."""

from __future__ import annotations

import json
import statistics

import typer

from .common import bad_input, config_options, make_config, print_json
from .files import check_out_dir
from .progress import progress_bar

COMPARE_FILES = frozenset({"compare.png", "compare.svg", "results.json"})  # what --out may hold


def summarize(values: list[float | None]) -> dict[str, float | None]:
    v = [x for x in values if x is not None]
    if not v:
        return {"mean": None, "min": None, "max": None}
    return {"mean": statistics.fmean(v), "min": min(v), "max": max(v)}


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def register(app: typer.Typer) -> None:
    @app.command("compare")
    @config_options(skip=("activation", "weight_seed"))
    def compare_cmd(
        config_fields: dict,
        activations: str = typer.Option("linear,tanh,relu", "--activations", help="comma-separated names"),
        seeds: int = typer.Option(5, "--seeds", min=1, max=1000, help="weight seeds per activation (0..N-1)"),
        out: str = typer.Option(None, "--out", help="directory for compare.png, compare.svg and results.json"),
        json_output: bool = typer.Option(False, "--json", help="print the results as JSON"),
    ) -> None:
        """Train each activation on the same data with N weight seeds; report test accuracy and loss."""
        names = [a.strip() for a in activations.split(",") if a.strip()]
        base = make_config(None, **config_fields)
        groups = {}
        with bad_input():
            out = None if out is None else check_out_dir(out, "--out", COMPARE_FILES.__contains__)
            if not names:
                raise ValueError(f"--activations needs at least one name, got {activations!r}")
            for a in names:
                cfg0 = make_config(base, activation=a)
                groups[a] = [cfg0.model_copy(update={"weight_seed": s}) for s in range(seeds)]
        from ..training.stacked import train_many

        results, panels = {}, []
        with progress_bar(len(names) * base.epochs, "comparing", enabled=not json_output) as bar:
            for a, cfgs in groups.items():
                runs = train_many(cfgs, on_epoch=lambda k: bar.advance(bar.task_ids[0], k))
                accs = [r.metrics()["test_acc"] for r in runs]
                losses = [r.metrics()["test_loss"] for r in runs]
                results[a] = {"test_acc": summarize(accs), "test_loss": summarize(losses),
                              "test_acc_per_seed": accs, "diverged": sum(r.status == "diverged" for r in runs)}
                best = max(range(len(runs)), key=lambda i: (accs[i] or 0.0))
                panels.append((f"{a} (seed {best}): test acc {accs[best] or 0:.2f}", runs[best]))
        # the shared config, with the activations compared in place of the one default activation
        payload = {"config": {**base.model_dump(mode="json"), "activation": names}, "seeds": seeds,
                   "results": results}
        if out is not None:
            from ..atomic import replace_dir
            from ..viz.boundary import compare_figure

            fig = compare_figure(panels)

            def fill(d) -> None:
                fig.savefig(d / "compare.png", dpi=110)
                fig.savefig(d / "compare.svg")
                (d / "results.json").write_text(json.dumps(payload, indent=2) + "\n")

            with bad_input():
                replace_dir(out, fill)
        if json_output:
            print_json(payload)
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{base.dataset}: test accuracy over {seeds} seeds, {base.epochs} epochs")
        for col in ("activation", "mean", "min", "max", "test loss (mean)", "diverged"):
            table.add_column(col)
        for a, r in results.items():
            acc = r["test_acc"]
            table.add_row(a, _fmt(acc["mean"]), _fmt(acc["min"]), _fmt(acc["max"]), _fmt(r["test_loss"]["mean"]),
                          str(r["diverged"]))
        Console().print(table)
        if out is not None:
            typer.echo(f"wrote {out}/compare.png, compare.svg, results.json")
