"""``relulab claim C4`` runs one claim; ``relulab claims`` runs all of them into one HTML report.

A claim whose experiment fails becomes an ``error`` entry with its message; the others still run.
Unknown claim ids are bad input (one line, exit 2). Ids are case-insensitive and may be zero-padded.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..i18n import check_lang
from .common import bad_input, print_json
from .files import check_out_dir

if TYPE_CHECKING:  # the experiments and rich are imported when a claim runs, not for `relulab --help`
    from rich.progress import Progress
    from rich.table import Table

    from ..experiments.result import ClaimResult


def _err():
    from rich.console import Console

    return Console(stderr=True)


def _style(verdict) -> str:
    from ..experiments.result import Verdict

    return {Verdict.HOLDS: "green", Verdict.CAVEATS: "yellow", Verdict.FAILS: "red", Verdict.INCONCLUSIVE: "blue",
            Verdict.ERROR: "magenta"}[verdict]


def _claims_file(rel: str) -> bool:
    """What ``claims --out`` writes: index.html, claims.json and figures/NAME.png."""
    return rel in ("index.html", "claims.json") or (rel.startswith("figures/") and rel.count("/") == 1
                                                    and rel.endswith(".png"))


def _claim_file(rel: str) -> bool:
    """What ``claim --out`` writes: the report's files, result.json and NAME.png."""
    return _claims_file(rel) or rel == "result.json" or ("/" not in rel and rel.endswith(".png"))


def parse_ids(only: str | None) -> list[str]:
    """``"C3,c7"`` -> ``["C3", "C7"]`` in the order given (duplicates dropped); None -> all claims."""
    from ..experiments import claim_id, claim_ids

    if only is None:
        return claim_ids()
    ids: list[str] = []
    for part in only.split(","):
        if part.strip():
            cid = claim_id(part)
            if cid not in ids:
                ids.append(cid)
    if not ids:
        raise ValueError(f"--only needs at least one claim id such as C3,C7, got {only!r}")
    return ids


def _check_device(device: str) -> str:
    import torch

    if device != "cpu" and not (device.startswith("cuda") and torch.cuda.is_available()):
        raise ValueError(f"device {device!r} is not available here; allowed: cpu"
                         + (", cuda" if torch.cuda.is_available() else ""))
    return device


@contextmanager
def claims_progress(n: int, enabled: bool) -> Iterator[Progress]:
    """Two bars on stderr (only on a terminal): claim i/n, and the current claim's own progress."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    err = _err()
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                   console=err, transient=True, disable=not (enabled and err.is_terminal))
    with bar:
        bar.add_task(f"claims 0/{n}", total=n)
        bar.add_task("", total=1.0)
        yield bar


def run_with_progress(ids: list[str], *, quick: bool, seed: int, device: str, show: bool,
                      lang: str = "en") -> list[ClaimResult]:
    from ..experiments import get_claim, run_claim

    results = []
    with claims_progress(len(ids), show) as bar:
        overall, current = bar.task_ids
        for i, cid in enumerate(ids, 1):
            bar.update(overall, description=f"claims {i}/{len(ids)}")
            bar.reset(current, total=1.0, description=f"{cid} {get_claim(cid).title}")

            def step(frac: float, _task=current) -> None:
                bar.update(_task, completed=min(max(float(frac), 0.0), 1.0))

            results.append(run_claim(cid, quick=quick, seed=seed, device=device, progress=step, lang=lang))
            bar.advance(overall)
    return results


def verdict_table(results: list[ClaimResult], title: str) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for col in ("claim", "verdict", "key number", "s"):
        table.add_column(col)
    for r in results:
        table.add_row(r.id, f"[{_style(r.verdict)}]{r.verdict.value}[/]", r.key_number()[:80], f"{r.seconds:.1f}")
    return table


def check_part(cid: str, part: str) -> None:
    from ..experiments import get_claim

    keys = [p.key for p in get_claim(cid).parts]
    if part not in keys:
        allowed = ", ".join(keys) if keys else f"none: {cid} is not a claim in parts"
        raise ValueError(f"{cid} has no part {part!r}; allowed: {allowed}")


def show_part(result: ClaimResult, key: str, json_output: bool) -> None:
    """One part of a claim's result: its verdict, kind, rule and numbers (the claim's verdict beside it)."""
    p = next(p for p in result.parts if p.key == key)
    if json_output:
        print_json({"id": result.id, "claim_verdict": result.verdict.value, "command": f"{result.command} --part {key}",
                    **p.to_dict()})
        return
    lines = [f"{result.id}.{p.key}  {p.verdict.value}  [{p.kind.value}]  --  {p.statement}", f"  rule: {p.rule}"]
    lines += [f"  numbers: {p.number_text()}"] if p.numbers else []
    lines += [f"  why: {r}" for r in p.reasons]
    lines.append(f"  the whole claim: {result.verdict.value} ({result.command})")
    typer.echo("\n".join(lines))


def register(app: typer.Typer) -> None:
    @app.command("claim")
    def claim_cmd(
        claim: str = typer.Argument(..., help="claim id, e.g. C4 (c4 and C04 work too)"),
        quick: bool = typer.Option(False, "--quick", help="fewer seeds and epochs (same rule)"),
        seed: int = typer.Option(0, "--seed", min=0, help="base seed of every random draw"),
        out: Path = typer.Option(None, "--out", help="write result.json, the figures and index.html here"),
        json_output: bool = typer.Option(False, "--json", help="print the result as JSON"),
        device: str = typer.Option("cpu", "--device", help="cpu, or cuda where a GPU is present"),
        part: str = typer.Option(None, "--part", help="show only this part of a claim in parts, e.g. extrapolates"),
        lang: str = typer.Option("en", "--lang", help="language of the text and the report: en or zh (简体中文)"),
    ) -> None:
        """Run one claim's experiment and print its numbers and the verdict its rule gives."""
        from ..atomic import replace_dir
        from ..experiments import claim_id
        from ..experiments.report import write_report
        from ..experiments.result import Verdict

        with bad_input():
            cid = claim_id(claim)
            _check_device(device)
            check_lang(lang)
            if part is not None:
                check_part(cid, part)
            if out is not None:
                check_out_dir(out, "--out", _claim_file)  # before the experiment runs
        [result] = run_with_progress([cid], quick=quick, seed=seed, device=device, show=not json_output, lang=lang)
        if part is not None and result.verdict is not Verdict.ERROR:
            show_part(result, part, json_output)
            return
        if out is not None:
            def fill(d: Path) -> None:
                result.save(d)
                write_report([result], d, quick=quick, seconds=result.seconds, lang=lang)

            with bad_input():
                replace_dir(out, fill)
        if json_output:
            print_json(result.to_dict())
        else:
            typer.echo(result.to_text(lang))
            if out is not None:
                typer.echo(f"wrote {out}/result.json, {out}/index.html and {len(result.figures)} figure(s)")
        if result.verdict is Verdict.ERROR:
            raise typer.Exit(1)

    @app.command("claims")
    def claims_cmd(
        quick: bool = typer.Option(False, "--quick", help="fewer seeds and epochs (same rules)"),
        only: str = typer.Option(None, "--only", help="comma-separated claim ids, e.g. C3,C7"),
        seed: int = typer.Option(0, "--seed", min=0, help="base seed of every random draw"),
        out: Path = typer.Option(Path("out/claims"), "--out", help="directory for index.html and claims.json"),
        device: str = typer.Option("cpu", "--device", help="cpu, or cuda where a GPU is present"),
        lang: str = typer.Option("en", "--lang", help="language of the text and the report: en or zh (简体中文)"),
    ) -> None:
        """Run every claim (or --only some) and write ONE self-contained HTML report plus claims.json."""
        from rich.console import Console

        from ..atomic import replace_dir
        from ..experiments.report import write_report

        with bad_input():
            ids = parse_ids(only)
            _check_device(device)
            check_lang(lang)
            check_out_dir(out, "--out", _claims_file)  # before the claims run: minutes of work
        t0 = time.perf_counter()
        results = run_with_progress(ids, quick=quick, seed=seed, device=device, show=True, lang=lang)
        seconds = time.perf_counter() - t0
        with bad_input():
            replace_dir(out, lambda d: write_report(results, d, quick=quick, seconds=seconds, lang=lang))
        page = out / "index.html"
        Console().print(verdict_table(results, f"{len(results)} claims ({'quick' if quick else 'full'} run, "
                                               f"{seconds:.0f} s)"))
        typer.echo(f"wrote {page} and {out / 'claims.json'}")
