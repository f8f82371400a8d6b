"""``relulab sweep``: run a grid of configs x seeds into a SQLite file; ``relulab sweep show DB`` summarises it.

    relulab sweep examples/sweeps/c11.yaml --db out/c11.db
    relulab sweep --base dataset=circle --base epochs=200 --grid activation=relu,tanh --grid hidden=3,3,3:8,8 --seeds 20
    relulab sweep show out/c11.db --by activation,dataset --success 0.9 --csv c11.csv --plot c11.png
    relulab sweep serve out/c11.db --open
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import typer
from typer.core import TyperGroup

from .common import bad_input, print_json

_SHOW_OPTS = {"by": "comma-separated fields to group by (config fields, depth, width, status)",
              "metric": "metric to summarise: test_acc, train_acc, test_loss, train_loss",
              "success": "success threshold: accuracy >= it, loss <= it"}


class _DefaultRun(TyperGroup):
    """``relulab sweep SPEC ...`` means ``relulab sweep run SPEC ...``; ``show`` and ``serve`` are the others."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


def _table(rows, by, metric, success):
    from rich.table import Table

    table = Table(title=f"{metric}: mean with 95 % t interval; success = {metric} "
                        f"{'<=' if 'loss' in metric else '>='} {success} with 95 % Wilson interval")
    for col in (*by, "n", "mean", "std", "min", "max", "95% CI", "success", "rate", "95% Wilson", "diverged",
                "errors"):
        table.add_column(col)

    def f(v):
        return "-" if v is None else f"{v:.3f}"

    for r in rows:
        g = [",".join(map(str, v)) if isinstance(v, tuple) else str(v) for v in r.group.values()]
        table.add_row(*g, str(r.n), f(r.mean), f(r.std), f(r.min), f(r.max),
                      "-" if r.ci_low is None else f"[{r.ci_low:.3f}, {r.ci_high:.3f}]",
                      f"{r.successes}/{r.n}", f(r.success_rate),
                      "-" if r.wilson_low is None else f"[{r.wilson_low:.3f}, {r.wilson_high:.3f}]",
                      str(r.diverged), str(r.errors))
    return table


def _summary_dicts(rows) -> list[dict]:
    out = []
    for r in rows:
        d = r.to_dict()
        d["group"] = {k: list(v) if isinstance(v, tuple) else v for k, v in d["group"].items()}
        out.append(d)
    return out


def register(app: typer.Typer) -> None:
    sweep_app = typer.Typer(cls=_DefaultRun, no_args_is_help=True,
                            help="Sweeps: a grid of configs x seeds, stacked, resumable, stored in SQLite. "
                                 "`relulab sweep SPEC|--grid ... [OPTIONS]` is `relulab sweep run`; "
                                 "`relulab sweep serve DB` explores a database in the browser.")
    app.add_typer(sweep_app, name="sweep")

    @sweep_app.command("run")
    def run_cmd(
        spec: Path = typer.Argument(None, help="a YAML or JSON spec (base, grid, seeds, data_seeds)"),
        base: list[str] = typer.Option([], "--base", help="base config: a JSON object or FIELD=VALUE (repeat)"),
        grid: list[str] = typer.Option([], "--grid", help="an axis FIELD=V1,V2 (hidden: 3,3,3:8,8); repeat"),
        seeds: int = typer.Option(None, "--seeds", help="weight seeds 0..N-1"),
        data_seeds: int = typer.Option(None, "--data-seeds", help="data seeds '0'..'N-1'"),
        db: Path = typer.Option(None, "--db", help="SQLite file [default: SPEC's name + .db, or sweep.db]"),
        workers: int = typer.Option(None, "--workers", min=1, help="worker processes [default: all cores]"),
        scheduler: str = typer.Option(None, "--scheduler", help="process[:N], serial, local-dask:N, tcp://HOST:8786"),
        max_chunk: int = typer.Option(500, "--max-chunk", min=1, help="at most this many runs per task"),
        deadline: float = typer.Option(None, "--scheduler-deadline",
                                       help="seconds without the Dask scheduler before the sweep ends with what "
                                            "is stored [default: $RELULAB_DASK_DEADLINE or 60]"),
        dry_run: bool = typer.Option(False, "--dry-run", help="print the number of runs and groups, run nothing"),
        retry_errors: bool = typer.Option(False, "--retry-errors",
                                          help="run again the runs stored as error (diverged runs are results)"),
        by: str = typer.Option(None, "--by", help=_SHOW_OPTS["by"] + " [default: the spec's axes]"),
        json_output: bool = typer.Option(False, "--json", help="print the summary as JSON (no progress bar)"),
    ) -> None:
        """Run every (config, seed) of a spec that the database does not hold yet; then print a summary."""
        from ..sweep.executors import check_deadline, check_scheduler
        from ..sweep.options import parse_base, parse_grid
        from ..sweep.records import check_fields
        from ..sweep.runner import SweepIncomplete, make_plan, run_sweep
        from ..sweep.spec import SweepSpec, load_spec
        from ..sweep.stats import summarize
        from ..sweep.store import SweepStore

        with bad_input():
            loaded = load_spec(spec) if spec is not None else SweepSpec()
            axes = dict(parse_grid(g) for g in grid)
            the_spec = loaded.merged(base=parse_base(base), grid=axes, seeds=seeds, data_seeds=data_seeds)
            if not the_spec.grid and the_spec.seeds is None and the_spec.data_seeds is None and spec is None:
                raise ValueError("nothing to sweep: give a SPEC file, or --grid FIELD=V1,V2 and/or --seeds N")
            next(the_spec.iter_configs(), None)  # the axes now; every run is checked by the plan, in a stream
            keys = [b for b in (by.split(",") if by else the_spec.grid) if b]
            check_fields([*keys, the_spec.metric])  # a misspelt --by is refused now, not after the sweep
            check_scheduler(scheduler)
            if deadline is not None:
                check_deadline(deadline)
            path = db if db is not None else Path(f"{spec.stem}.db" if spec is not None else "sweep.db")
            if dry_run:
                exists = path.is_file()
                with SweepStore(path if exists else ":memory:", create=not exists) as store:
                    p = make_plan(the_spec, store, retry_errors=retry_errors)
                w = workers or _cores()
                msg = {"runs": p.runs, "groups": p.groups, "stored": p.stored, "to_run": p.to_run,
                       "tasks": p.tasks(w, max_chunk), "db": str(path)}
                if json_output:
                    print_json(msg)
                else:
                    typer.echo(f"{msg['runs']} runs in {msg['groups']} groups; {msg['stored']} already in {path}, "
                               f"{msg['to_run']} to run as {msg['tasks']} tasks")
                return
            start = time.perf_counter()
            def log(line: str) -> None:  # stderr, so --json's stdout stays one JSON document
                typer.echo(line, err=True)

            try:
                done = run_sweep(the_spec, path, workers=workers, scheduler=scheduler, progress=not json_output,
                                 max_chunk=max_chunk, log=log, deadline=deadline, retry_errors=retry_errors,
                                 records=False)
            except SweepIncomplete as e:
                typer.echo(f"error: {e}", err=True)
                typer.echo(f"resume: {_resume(spec, base, grid, seeds, data_seeds, path, workers, scheduler)}",
                           err=True)
                raise typer.Exit(1) from None
            except KeyboardInterrupt:
                typer.echo(f"interrupted: finished runs are stored in {path}; run the same command to resume",
                           err=True)
                raise typer.Exit(130) from None
            wall = time.perf_counter() - start
            with SweepStore(path, create=False) as store:  # slim records: only what the summary reads
                slim = store.iter_records((done.keys[i:i + 16].hex() for i in range(0, len(done.keys), 16)),
                                          fields=[*keys, the_spec.metric], history=False)
                rows = summarize(list(slim), by=keys, metric=the_spec.metric, success=the_spec.success)
        if json_output:
            print_json({"db": str(path), "runs": done.total, "ran": done.ran, "seconds": wall,
                        "summary": _summary_dicts(rows)})
            return
        _console().print(_table(rows, keys, the_spec.metric, the_spec.success))
        typer.echo(f"{done.total} runs in {path}; {done.ran} trained now ({wall:.1f} s)")

    @sweep_app.command("show")
    def show_cmd(
        db: Path = typer.Argument(..., help="a sweep database written by `relulab sweep`"),
        by: str = typer.Option(None, "--by", help=_SHOW_OPTS["by"] + " [default: the stored specs' axes]"),
        metric: str = typer.Option(None, "--metric", help=_SHOW_OPTS["metric"] + " [default: the spec's]"),
        success: float = typer.Option(None, "--success", help=_SHOW_OPTS["success"] + " [default: the spec's]"),
        csv: Path = typer.Option(None, "--csv", help="write the table as CSV"),
        plot: Path = typer.Option(None, "--plot", help="write the success-rate figure (PNG or SVG)"),
        json_output: bool = typer.Option(False, "--json", help="print the summary as JSON"),
        compare: str = typer.Option(None, "--compare", help="FIELD=REFERENCE,VARIANT[,...]: the paired difference "
                                                           "reference - variant with its 95 % interval (Holm)"),
        paired_by: str = typer.Option(None, "--paired-by", help="with --compare: the fields that match runs "
                                                               "into cells, e.g. dataset,hidden,weight_seed"),
    ) -> None:
        """Summarise a sweep database: grouped mean, t interval, success rate with its Wilson interval;
        or, with --compare and --paired-by, the paired differences of the metric between settings."""
        from ..atomic import write_file
        from ..sweep.stats import summarize
        from ..sweep.store import SweepStore
        from .files import distinct_outputs, out_file

        with bad_input():  # the outputs first: never the database itself, never a FIFO (it would block)
            if success is not None and not math.isfinite(success):
                raise ValueError(f"--success must be a finite number (a threshold of the metric), got {success}")
            csv, plot = out_file(csv, "--csv", inputs=(db,)), out_file(plot, "--plot", inputs=(db,))
            distinct_outputs(("--csv", csv), ("--plot", plot))
            if plot is not None and plot.suffix.lower() not in (".png", ".svg", ".pdf"):
                raise ValueError(f"--plot wants a .png, .svg or .pdf file, got {str(plot)!r}")
            if (compare is None) != (paired_by is None):
                raise ValueError("--compare and --paired-by go together (e.g. --compare activation=relu,gelu "
                                 "--paired-by dataset,hidden,weight_seed)")
            if compare is not None:
                if by or csv or plot:
                    raise ValueError("--by, --csv and --plot belong to the summary table, not to --compare")
                _show_compare(db, compare, paired_by, metric, success, json_output)
                return
            with SweepStore(db, create=False) as store:
                specs = store.specs()
                last = specs[-1] if specs else {}
                keys = [b for b in by.split(",") if b] if by else list(dict.fromkeys(  # drawn axes: not grouped
                    k for s in specs for k, v in s["grid"].items() if isinstance(v, list)))
                metric = metric or last.get("metric", "test_acc")
                success = success if success is not None else last.get("success", 0.9)
                records = list(store.iter_records(fields=[*keys, metric], history=False))  # slim: what it reads
                skipped = store.skipped + store.skipped_specs
            if skipped:
                typer.echo(f"note: {skipped} malformed stored rows skipped ({store.skipped} runs, "
                           f"{store.skipped_specs} specs)", err=True)
            for note in _beyond_bounds(specs):
                typer.echo(f"note: a stored spec: {note}", err=True)
            order: dict[str, list] = {}
            for s in specs:
                for axis, values in s["grid"].items():
                    for v in values if isinstance(values, list) else ():
                        v = tuple(v) if isinstance(v, list) else v
                        if v not in order.setdefault(axis, []):
                            order[axis].append(v)
            rows = summarize(records, by=keys, metric=metric, success=success, order=order)
            if plot is not None:
                from ..sweep.plot import success_figure

                plot.parent.mkdir(parents=True, exist_ok=True)
                fig = success_figure(rows, keys, metric=metric, success=success)
                write_file(plot, lambda t: fig.savefig(t, dpi=110))
            if csv is not None:
                _write_csv(csv, rows, keys)
        if json_output:
            print_json({"db": str(db), "runs": len(records), "skipped": skipped, "metric": metric, "success": success,
                        "summary": _summary_dicts(rows)})
            return
        _console().print(_table(rows, keys, metric, success))
        for path in (csv, plot):
            if path is not None:
                typer.echo(f"wrote {path}")

    from .sweep_serve import serve_cmd

    sweep_app.command("serve")(serve_cmd)

    from .errors import error_boundary

    for cmd in sweep_app.registered_commands:  # the top app wraps only its own commands
        cmd.callback = error_boundary(cmd.callback)


def _show_compare(db: Path, compare: str, paired_by: str, metric: str | None, success: float | None,
                  json_output: bool) -> None:
    from ..sweep.fields import ALIASES
    from ..sweep.matching import SEED, compare_runs
    from ..sweep.options import parse_grid
    from ..sweep.paired import MARGIN, N_BOOT
    from ..sweep.store import SweepStore

    try:
        field, values = parse_grid(compare)
    except ValueError as e:
        raise ValueError(str(e).replace("--grid", "--compare")) from None
    values = tuple(",".join(v) if isinstance(v, tuple) else str(v) for v in values)
    by = [f.strip() for f in paired_by.split(",")]
    with SweepStore(db, create=False) as store:
        specs = store.specs()
        metric = metric or (specs[-1] if specs else {}).get("metric", "test_acc")
        metric, field = ALIASES.get(metric, metric), ALIASES.get(field, field)
        records = list(store.iter_records(fields=[field, *by, metric], history=False))
    rows = compare_runs(records, field, values, by, metric=metric, success=success)
    method = (f"Newcombe's interval for success ({metric} {'<=' if 'loss' in metric else '>='} {success})"
              if success is not None else
              f"paired bootstrap of the mean ({N_BOOT} resamples, seed {SEED})")
    what = f"-{metric} (+: lower loss)" if "loss" in metric and success is None else metric
    if json_output:
        print_json({"db": str(db), "field": field, "reference": values[0], "paired_by": by, "metric": metric,
                    "success": success, "method": method, "margin": MARGIN,
                    "comparisons": [m.to_dict() for m in rows]})
        return
    from rich.table import Table

    table = Table(title=f"{what}: {field}={values[0]} - variant over cells matched on {', '.join(by)}; {method}, "
                        f"95 % with Holm across {len(rows)}; non-inferior: low end > -{MARGIN}")
    for col in ("variant", "n cells", "dropped", "difference", "interval", "level", "verdict"):
        table.add_column(col)
    for m in rows:
        r = m.result
        table.add_row(r.variant, str(r.n), str(m.dropped), f"{r.diff:+.4f}", f"[{r.low:+.4f}, {r.high:+.4f}]",
                      f"{r.level:.2%}", r.outcome.value)
    _console().print(table)


def _beyond_bounds(specs: list[dict]) -> list[str]:
    """Notes for stored specs whose values lie beyond today's bounds of RunConfig (a database written
    before the bounds): it is read as stored; a resumed sweep would be refused."""
    from pydantic import ValidationError

    from ..config import RunConfig

    notes: list[str] = []
    for s in specs:
        base = s.get("base") if isinstance(s.get("base"), dict) else {}
        variants = [base] + [{**base, axis: v} for axis, values in s.get("grid", {}).items()
                             if isinstance(values, list) for v in values[:100]]
        for fields in variants:
            try:
                note = RunConfig.read(fields)[1]
            except (ValidationError, ValueError, TypeError):
                continue  # not a whole config by itself; the sweep's own checks judged it when it ran
            if note and note not in notes:
                notes.append(note)
    return notes


def _write_csv(path: Path, rows, keys) -> None:
    import csv
    import io

    from ..atomic import write_file

    path.parent.mkdir(parents=True, exist_ok=True)
    with io.StringIO(newline="") as fh:
        w = csv.writer(fh)
        cols = [c for c in rows[0].to_dict() if c != "group"] if rows else []
        w.writerow([*keys, *cols])
        for r in rows:
            d = r.to_dict()
            g = [",".join(map(str, v)) if isinstance(v, tuple) else v for v in r.group.values()]
            w.writerow([*g, *(d[c] for c in cols)])
        write_file(path, fh.getvalue())


def _resume(spec, base, grid, seeds, data_seeds, db, workers, scheduler) -> str:
    """The command that runs what is missing: this sweep's spec and database (stored runs are skipped)."""
    import shlex

    args = ["relulab", "sweep", *([str(spec)] if spec is not None else [])]
    args += [a for b in base for a in ("--base", b)] + [a for g in grid for a in ("--grid", g)]
    for name, value in (("--seeds", seeds), ("--data-seeds", data_seeds), ("--db", db), ("--workers", workers),
                        ("--scheduler", scheduler)):
        if value is not None:
            args += [name, str(value)]
    return shlex.join(args)


def _console():
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=200)  # a pipe or file gets whole columns


def _cores() -> int:
    import os

    return os.cpu_count() or 1
