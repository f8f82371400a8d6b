"""Shared CLI helpers: one-line errors with exit code 2, config building, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import ValidationError

from ..config import RunConfig, config_error_message

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """Print ``error: message`` on stderr and exit with code 2 (bad input), as Typer does for bad options."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@contextmanager
def bad_input() -> Iterator[None]:
    """Turn the library's input errors (ValueError, pydantic ValidationError, missing files) into exit 2."""
    try:
        yield
    except ValidationError as e:
        fail(config_error_message(e))
    except (ValueError, FileNotFoundError, IsADirectoryError) as e:
        fail(str(e).splitlines()[0] if str(e) else type(e).__name__)


def make_config(base: RunConfig | None = None, **fields: Any) -> RunConfig:
    """A RunConfig from CLI options: ``None`` means "not given" (keep the base's or the default value)."""
    given = {k: v for k, v in fields.items() if v is not None}
    with bad_input():
        if base is None:
            return RunConfig(**given)
        return RunConfig.model_validate({**base.model_dump(), **given})
    raise AssertionError("unreachable")  # pragma: no cover


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, default=float) + "\n")


# ---- every RunConfig field as a CLI option ------------------------------------------------------
_LIST_FIELDS = {"hidden": "comma-separated widths, e.g. 3,3,3 ('' for a linear model)",
                "activation": "one name, or one per hidden layer separated by commas",
                "features": "comma-separated input features, e.g. x1,x2,x1sq",
                "activation_params": "name=value pairs, e.g. negative_slope=0.1"}


def _option_type(name: str, annotation: Any) -> type:
    if name in _LIST_FIELDS:
        return str
    for t in (bool, int, float):
        if annotation is t or (getattr(annotation, "__args__", None) and t in annotation.__args__
                                and str not in annotation.__args__):
            return t
    return str


def _parse_field(name: str, value: Any) -> Any:
    if name == "features":
        return tuple(p.strip() for p in value.split(",") if p.strip())
    if name == "activation_params":
        out = {}
        for item in filter(None, (p.strip() for p in value.split(","))):
            key, eq, num = item.partition("=")
            try:
                out[key.strip()] = float(num)
            except ValueError:
                fail(f"--activation-params wants name=value pairs like negative_slope=0.1, got {item!r}")
            if not eq:
                fail(f"--activation-params wants name=value pairs like negative_slope=0.1, got {item!r}")
        return out
    return value


def config_options(*, skip: tuple[str, ...] = ()) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator: add one ``--option`` per RunConfig field (default: not given) to a Typer command.

    The command receives ``config_fields``: a dict of the options the user gave, parsed, for
    :func:`make_config`. Defaults stay in RunConfig, never in the CLI.
    """
    import functools
    import inspect

    names = [n for n in RunConfig.model_fields if n not in skip]

    def deco(fn: Callable[..., T]) -> Callable[..., T]:
        sig = inspect.signature(fn)
        params = [p for p in sig.parameters.values() if p.name != "config_fields"]
        for n in names:
            info = RunConfig.model_fields[n]
            typ = _option_type(n, info.annotation)
            flag = "--" + n.replace("_", "-")
            decl = [f"{flag}/--no-{flag[2:]}"] if typ is bool else [flag]
            default = info.default if info.default_factory is None else info.default_factory()
            shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
            helptext = _LIST_FIELDS.get(n, "") + f" [config default: {shown}]"
            params.append(inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=typ | None,
                                            default=typer.Option(None, *decl, help=helptext.strip(),
                                                                 rich_help_panel="Run configuration")))

        @functools.wraps(fn)
        def wrapper(**kwargs: Any) -> T:
            given = {n: kwargs.pop(n) for n in names}
            fields = {n: _parse_field(n, v) for n, v in given.items() if v is not None}
            return fn(config_fields=fields, **kwargs)

        wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        return wrapper

    return deco
