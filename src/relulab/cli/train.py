"""``relulab train``: one run from options or a playground link; ``--out`` writes the run directory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..config import RunConfig
from .common import bad_input, config_options, make_config, print_json
from .files import inputs_outside, out_dir, read_json, read_text
from .progress import epoch_callback, progress_bar

if TYPE_CHECKING:
    from ..data import Dataset

MAX_CSV_ROWS = 1_000_000


def csv_dataset(cfg: RunConfig, path: Path) -> Dataset:
    """The points of a CSV file as the data of ``cfg`` (shuffled and split by its seed and ratio)."""
    from ..data import DATASETS, dataset_from_points, read_labels
    from ..data.csvio import parse_csv_text
    from ..training import make_dataset

    x, y = parse_csv_text(read_text(path, "--data-csv file"), max_rows=MAX_CSV_ROWS)
    data = dataset_from_points(x, y, train_ratio=cfg.train_ratio, seed=cfg.data_seed, features=cfg.feature_names())
    want = DATASETS.get(cfg.dataset).num_classes if cfg.problem == "classification" else 0
    if data.problem != cfg.problem or data.num_classes != want:  # the labels' rule says which and why
        hint = {0: "reg-plane", 2: "circle", 3: "spiral3", 4: "spiral4"}.get(data.num_classes, "")
        raise ValueError(f"{str(path)!r}: {read_labels(y).reason}, but dataset {cfg.dataset!r} is {cfg.problem}"
                         f"{f' of {want} classes' if want else ''}; pass a --dataset of that kind"
                         f"{f' (e.g. {hint})' if hint else ''}")
    if data.input_dim != make_dataset(cfg.model_copy(update={"n_points": 4})).input_dim:
        raise ValueError(f"{str(path)!r} has {data.input_dim}-D points; {cfg.dataset!r} is not {data.input_dim}-D")
    return data


def base_config(from_url: str | None, config: Path | None) -> RunConfig | None:
    """The config a playground link or a config.json gives (``None``: start from the defaults)."""
    from ..playground_url import read_link

    if from_url is not None and config is not None:
        raise ValueError("give either --from-url or --config, not both")
    if from_url is not None:  # '' too: an empty link is an error, not "no link"
        link = read_link(from_url)
        cfg = RunConfig(**link.fields)  # first: a link that gives no valid config says only that
        for note in link.notes:
            typer.echo(f"note: {note}", err=True)
        return cfg
    if config is not None:
        fields = read_json(config, "--config file")
        if not isinstance(fields, dict):
            raise ValueError(f"--config file {str(config)!r} holds a JSON {type(fields).__name__}, not an object "
                             "of RunConfig fields")
        return RunConfig.model_validate(fields)
    return None


def register(app: typer.Typer) -> None:
    @app.command("train")
    @config_options()
    def train_cmd(
        config_fields: dict,
        from_url: str = typer.Option(None, "--from-url", help="a TensorFlow Playground link (or its #hash)"),
        config: Path = typer.Option(None, "--config", help="a config.json to start from"),
        data_csv: Path = typer.Option(None, "--data-csv", help="train on your own points: CSV x1,x2,label"),
        out: str = typer.Option(None, "--out", help="a new directory (or a previous run's) to write "
                                                    "config.json, history.json, model.pt, boundary.png into; "
                                                    "checked before training, written at once at the end"),
        json_output: bool = typer.Option(False, "--json", help="print the final metrics as JSON"),
    ) -> None:
        """Train one network and report its final losses and accuracy."""
        from ..training import train
        from ..training.run import check_run_dir

        with bad_input():
            out_path = out_dir(out)
            if out_path is not None:
                check_run_dir(out_path)  # before training: a bad --out must not cost the whole run
                inputs_outside(out_path, "--out", (config, data_csv))  # the run replaces the directory whole
            base = base_config(from_url, config)
        cfg = make_config(base, **config_fields)
        data = None
        if data_csv is not None:
            with bad_input():
                data = csv_dataset(cfg, data_csv)
        with progress_bar(cfg.epochs, f"training {cfg.dataset}", enabled=not json_output) as bar:
            run = train(cfg, on_progress=epoch_callback(bar), data=data)
        picture = run.data.input_dim <= 2  # a boundary over the plane or the line; none for 64 pixels
        if out_path is not None:
            from ..viz.boundary import plot_boundary

            with bad_input():
                run.save(out_path, extra=lambda d: plot_boundary(run).savefig(d / "boundary.png", dpi=110)
                         if picture else None)
        if json_output:
            print_json({**run.metrics(), "message": run.message, "engine": run.engine,
                        "engine_reason": run.engine_reason, "config": cfg.model_dump(mode="json")})
        else:
            m = run.metrics()
            acc = "" if m["test_acc"] is None else f"  train acc {m['train_acc']:.3f}  test acc {m['test_acc']:.3f}"
            typer.echo(f"epoch {m['epoch']}  train loss {m['train_loss']:.4f}  test loss {m['test_loss']:.4f}{acc}")
            if out_path is not None:
                typer.echo(f"wrote {out_path}/config.json, history.json, model.pt{', boundary.png' if picture else ''}")
        if run.status == "diverged":
            typer.echo(f"error: {run.message}", err=True)
            raise typer.Exit(1)
