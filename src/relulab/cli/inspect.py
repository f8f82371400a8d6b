"""``relulab inspect`` and ``relulab collapse``: point the analysis tools at a run or at your own model.

    relulab inspect --run runs/circle-relu
    relulab inspect --model mynet.py:make_model --state weights.pt --data points.csv --json
    relulab collapse --run runs/deep-linear
"""

from __future__ import annotations

from pathlib import Path

import torch
import typer
from torch import Tensor

from .common import bad_input, print_json
from .files import check_out_dir
from .model_source import Source, check_accepts, from_run, load_data, load_factory_model, load_state, model_dtype

LOSS_CHOICES = ("auto", "mse", "cross_entropy", "none")


def _targets_for(loss: str, model_out: Tensor, y: Tensor) -> tuple[Tensor | None, str]:
    """Targets encoded for ``loss`` ("auto": MSE for one output column, cross-entropy for several)."""
    if loss == "none":
        return None, loss
    if loss == "auto":
        loss = "mse" if model_out.ndim < 2 or model_out.shape[-1] == 1 else "cross_entropy"
    if loss == "mse":
        return y.to(model_out.dtype), loss
    outputs = model_out.shape[-1] if model_out.ndim >= 2 else 1
    if outputs < 2:
        raise ValueError(f"--loss cross_entropy needs one model output per class (at least 2); this model has "
                         f"{outputs} output: use --loss mse")
    labels = set(y.unique().tolist())
    if labels <= {-1.0, 1.0}:
        return (y > 0).long(), loss  # the playground's two-class labels
    if any(v != int(v) or v < 0 for v in labels):
        raise ValueError(f"cross_entropy needs class labels 0..k-1 (or -1/+1), got values such as {sorted(labels)[:5]}")
    if max(labels, default=0) >= outputs:
        raise ValueError(f"cross_entropy: label {max(labels):g} needs at least {int(max(labels)) + 1} model outputs, "
                         f"this model has {outputs}")
    return y.long(), loss


def _source(run: Path | None, model: str | None, state: Path | None, data: str | None, loss: str) -> Source:
    if (run is None) == (model is None):
        raise ValueError("give exactly one of --run DIR or --model FILE.py:FACTORY")
    if loss not in LOSS_CHOICES:
        raise ValueError(f"--loss must be one of {list(LOSS_CHOICES)}, got {loss!r}")
    if run is not None:
        if state is not None or data is not None:
            raise ValueError("--state and --data go with --model; a run directory brings its own weights and data")
        return from_run(run)
    net = load_factory_model(model)
    if state is not None:
        load_state(net, state)
    if data is None:
        return Source(net, label=f"model {model!r}")
    x, y = load_data(data)
    x = x.to(model_dtype(net))
    check_accepts(net, x, f"--data {data!r}")
    with torch.no_grad():
        out = net(x[:1])
    targets, _ = _targets_for(loss, out, y)
    return Source(net, x, targets, None, f"model {model!r} on {data!r}")


def _shape(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        shape = tuple(int(p) for p in text.replace(" ", "").split(",") if p)
    except ValueError:
        shape = ()
    if not shape or any(s < 1 for s in shape):
        raise ValueError(f"--input-shape must be positive comma-separated integers such as 1,28,28, got {text!r}")
    return shape


# shared by `inspect` and `collapse`: where the model comes from
RUN_OPTION = typer.Option(None, "--run", help="a run directory (config.json, model.pt) or an exported run.json")
MODEL_OPTION = typer.Option(None, "--model", help="your model: FILE.py:FACTORY, FACTORY() returns an nn.Module")
STATE_OPTION = typer.Option(None, "--state", help="a state_dict to load (torch.save(model.state_dict()))")


def register(app: typer.Typer) -> None:
    @app.command("inspect")
    def inspect_cmd(
        run: Path = RUN_OPTION,
        model: str = MODEL_OPTION,
        state: Path = STATE_OPTION,
        data: str = typer.Option(None, "--data", help="a CSV file (last column: target) or a data set name"),
        loss: str = typer.Option("auto", "--loss", help=f"with --model: one of {', '.join(LOSS_CHOICES)}"),
        threshold: float = typer.Option(None, "--saturation-threshold", help="|f'| below this is saturated"),
        json_output: bool = typer.Option(False, "--json", help="print the report as JSON"),
        out: str = typer.Option(None, "--out", help="write inspect.png and inspect.json here"),
    ) -> None:
        """Dead units, sparsity, saturation and gradient norms of every activation site of a model."""
        from ..analysis.inspect import inspect
        from ..training.run import RUN_FILES
        from ..viz.inspect import plot_inspect

        with bad_input():
            out = None if out is None else check_out_dir(out, "--out", RUN_FILES.__contains__, keep=True)
            src = _source(run, model, state, data, loss)
            if src.inputs is None:
                raise ValueError("--model needs --data (a .csv file or a data set name) to inspect it on")
            kw = {} if threshold is None else {"saturation_threshold": threshold}
            report = inspect(src.model, src.inputs, src.targets, src.loss_fn, **kw)
        result = {"source": src.label, "points": len(src.inputs), **report.to_dict()}
        if out is not None:
            from ..atomic import replace_dir

            fig = plot_inspect(report, title=src.label)

            def fill(d: Path) -> None:
                fig.savefig(d / "inspect.png", dpi=110)
                (d / "inspect.json").write_text(report.to_json(indent=2) + "\n")

            with bad_input():
                replace_dir(out, fill, keep=True)  # a run directory keeps its run beside the new files
        if json_output:
            print_json(result)
            return
        typer.echo(f"{src.label}: {len(src.inputs)} points, {len(report.sites)} activation sites")
        typer.echo(str(report).rstrip())
        for s in report.sites:
            if s.dead:
                typer.echo(f"dead units in {s.name}: {list(s.dead)}")
        if out is not None:
            typer.echo(f"wrote {out / 'inspect.png'}, {out / 'inspect.json'}")

    @app.command("collapse")
    def collapse_cmd(
        run: Path = RUN_OPTION,
        model: str = MODEL_OPTION,
        state: Path = STATE_OPTION,
        input_shape: str = typer.Option(None, "--input-shape", help="one input without the batch axis, e.g. 1,28,28"),
        seed: int = typer.Option(0, "--seed", min=0, max=2**63 - 1, help="seed of the random test inputs"),
        json_output: bool = typer.Option(False, "--json", help="print the result as JSON"),
    ) -> None:
        """Fold a linear network into one nn.Linear (W' = W_L...W_1), or name the layer that breaks linearity."""
        from ..analysis.collapse import collapse

        with bad_input():
            src = _source(run, model, state, None, "none")
            shape = _shape(input_shape)
            try:
                result = collapse(src.model, input_shape=shape, generator=torch.Generator().manual_seed(seed))
            except RuntimeError as e:  # the model rejected the random inputs (a shape or dtype mismatch)
                first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                given = shape if shape is not None else "(in_features of the first nn.Linear)"
                raise ValueError(f"the model does not accept random inputs of shape {given}: {first}; "
                                 "pass --input-shape") from None
        if json_output:
            print_json({"source": src.label, **result.to_dict()})
        else:
            typer.echo(f"{src.label}: {result}")
