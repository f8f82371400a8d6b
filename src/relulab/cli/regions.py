"""``relulab regions``: the exact linear regions of a saved run, or of a run trained from options.

Prints the region count, the count after each layer, the theoretical bounds of the architecture and,
for classification, each class region with its number of sides; ``--json`` for all of it as JSON,
``--out DIR`` for the region map (regions.png, regions.svg).
"""

from __future__ import annotations

from pathlib import Path

import typer

from ..activations import activation_names, get_activation
from .common import bad_input, config_options, fail, make_config, print_json
from .files import check_out_dir
from .progress import epoch_callback, progress_bar, step


def parse_box(text: str | None) -> tuple | None:
    """``"lo,hi"`` or ``"x0,x1,y0,y1"``."""
    if text is None:
        return None
    try:
        nums = [float(p) for p in text.replace(" ", "").split(",") if p]
    except ValueError:
        raise ValueError(f"--box wants lo,hi or x0,x1,y0,y1 (numbers), got {text!r}") from None
    if len(nums) == 2:
        return tuple(nums)
    if len(nums) == 4:
        return ((nums[0], nums[1]), (nums[2], nums[3]))
    raise ValueError(f"--box wants lo,hi or x0,x1,y0,y1 (2 or 4 numbers), got {text!r}")


def _data_label(label: int, num_classes: int) -> str:
    """The data set's label of a class region's ``label`` (1 / 0 for one output: the data's +1 / -1)."""
    return ("+1" if label == 1 else "-1") if num_classes == 2 else str(label)


def report(run, rr) -> dict:
    """Everything ``relulab regions`` says, JSON-ready."""
    r = rr.regions
    out = {"dataset": run.config.dataset, "hidden": list(run.config.hidden),
           "activation": list(run.config.layer_activations()), "space": rr.space, "note": rr.note,
           "metrics": run.metrics(), **r.summary()}
    classification = run.data.problem == "classification"
    for key in ("class_regions", "class_intervals"):
        if key in out:
            if not classification:
                out.pop(key)
                continue
            for c in out[key]:
                c["data_label"] = _data_label(c["label"], run.data.num_classes)
    return out


def _print(rep: dict) -> None:
    m, b = rep["metrics"], rep["bounds"]
    acc = "" if m["test_acc"] is None else f", test accuracy {m['test_acc']:.3f}"
    typer.echo(f"{rep['dataset']}, {','.join(rep['activation'])} {rep['hidden']}: epoch {m['epoch']}{acc}")
    if rep["note"]:
        typer.echo(f"note: {rep['note']}")
    if "window" in rep:
        where = " x ".join(f"[{lo:g}, {hi:g}]" for lo, hi in rep["window"])
        where += "" if rep["plane"] is None else " of the plane's coordinates"
    else:
        where = "[{:g}, {:g}]".format(*rep["interval"])
    typer.echo(f"linear regions: {rep['regions']} on {where}")
    typer.echo("after each layer: " + ", ".join(f"{i + 1}: {c}" for i, c in enumerate(rep["layer_counts"])))
    mont = "" if b["montufar_lower"] is None else (f", Montúfar et al. {b['montufar_lower']} (a lower bound on "
                                                    "the maximum, not on this net)")
    typer.echo(f"bounds for widths {tuple(b['widths'])} in {b['input_dim']}-D: Zaslavsky (first layer) "
               f"{b['zaslavsky_first_layer']}{mont}, {b['upper_name']} upper {b['upper']}")
    if "decision_segments" in rep and "class_regions" in rep:
        typer.echo(f"decision boundary: {rep['decision_segments']} exact segments")
    for c in rep.get("class_regions", []):
        holes = "".join(f", hole with {s} sides" for s in c["hole_sides"])
        edge = " (touches the window's edge)" if c["touches_window"] else ""
        sharp = c["sides_turning_over_10deg"]
        soft = "" if sharp == c["sides"] else f" ({sharp} turning by more than 10°)"
        typer.echo(f"class region {_label_text(c)}: {c['sides']} sides{soft}{holes}, area {c['area']:.3f}{edge}")
    for c in rep.get("class_intervals", []):
        typer.echo(f"class interval {_label_text(c)}: [{c['lo']:.4f}, {c['hi']:.4f}]")


def _label_text(c: dict) -> str:
    """``label 1 (output > 0: the data's +1)``: the label ``class_regions()`` gives in Python, explained."""
    if c["data_label"] in ("+1", "-1"):
        return f"label {c['label']} (output {'>' if c['label'] == 1 else '<='} 0: the data's {c['data_label']})"
    return f"label {c['label']} (class {c['data_label']})"


def register(app: typer.Typer) -> None:
    @app.command("regions")
    @config_options()
    def regions_cmd(
        config_fields: dict,
        run_dir: Path = typer.Option(None, "--run", help="a saved run: its directory (config.json, model.pt) or "
                                                          "an exported run.json"),
        box: str = typer.Option(None, "--box", help="window: lo,hi or x0,x1,y0,y1 (default: the data set's box)"),
        out: str = typer.Option(None, "--out", help="write regions.png and regions.svg into this directory"),
        json_output: bool = typer.Option(False, "--json", help="print the report as JSON"),
    ) -> None:
        """Exact linear regions of a piecewise-linear network: counts, bounds, boundary polygon sides."""
        from ..analysis.regions import regions_of_run
        from ..training import load_run, train
        from ..training.run import RUN_FILES

        with bad_input():
            out = None if out is None else check_out_dir(out, "--out", RUN_FILES.__contains__, keep=True)
            window = parse_box(box)
            if run_dir is not None and config_fields:
                raise ValueError(f"give either --run or run options, not both (got --run and "
                                 f"{', '.join('--' + k.replace('_', '-') for k in config_fields)})")
        if run_dir is not None:
            with bad_input():
                run = load_run(run_dir)
        else:
            cfg = make_config(None, **config_fields)
            smooth = [a for a in cfg.layer_activations() if not get_activation(a).piecewise_linear]
            if smooth:
                fail(f"exact regions need piecewise-linear activations, got {smooth[0]!r}; allowed: "
                     f"{', '.join(activation_names(piecewise_linear=True))}")
            with progress_bar(cfg.epochs, f"training {cfg.dataset}", enabled=not json_output) as bar:
                run = train(cfg, on_progress=epoch_callback(bar))
        if run.status == "diverged":
            fail(f"the run diverged, its weights are not finite: {run.message}")
        broken = [n for n, p in run.model.named_parameters() if not bool(p.detach().isfinite().all())]
        if broken:
            fail(f"the run's weights are not finite (NaN or inf in {', '.join(broken[:3])}): a network that "
                 "computes NaN has no linear regions; train it again (a lower --lr)")
        if getattr(run, "note", ""):
            typer.echo(f"note: {run.note}", err=True)
        with bad_input(), step("analysing the exact linear regions...", enabled=not json_output):
            rr = regions_of_run(run, window)
        rep = report(run, rr)
        if out is not None:
            from ..viz.regions import plot_pieces, plot_regions, save

            r = rr.regions
            if rep["dimension"] == 1:
                x = run.data.x_train if rr.space == "input" else None
                fig = plot_pieces(r, points=x, targets=None if x is None else run.data.y_train)
            else:
                pts = run.data.x_train if rr.space == "input" else None
                fig = plot_regions(r, points=pts, labels=None if pts is None else run.data.y_train)
            from ..atomic import replace_dir

            with bad_input():
                replace_dir(out, lambda d: save(fig, d), keep=True)  # a run directory keeps its run
            rep["figures"] = [str(out / f"regions.{s}") for s in ("png", "svg")]
        if json_output:
            print_json(rep)
        else:
            _print(rep)
            if out is not None:
                typer.echo(f"wrote {', '.join(rep['figures'])}")
