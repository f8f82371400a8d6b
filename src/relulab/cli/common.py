"""Shared CLI helpers: config building, JSON output, and one ``--option`` per RunConfig field.

The run options' help is generated from ``RunConfig``: each field's description, its default, and the
names its registry allows (data sets, activations, losses, ...), so ``relulab train --help`` stays true
when a field or a registry entry is added. Errors: see :mod:`relulab.cli.errors`.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from ..config import REGISTRIES, RunConfig
from .errors import bad_input, fail

T = TypeVar("T")
__all__ = ["bad_input", "config_options", "fail", "make_config", "print_json"]


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
_TEXT_FIELDS = {"hidden", "activation", "features", "activation_params"}  # parsed from one string


def choices(name: str) -> list[str] | None:
    """The values a RunConfig field allows, from its registry or its Literal type; aliases shown as
    ``name (= target)``, e.g. ``linear (= identity)``."""
    from ..activations import ACTIVATIONS
    from ..data import DATASETS, FEATURES

    registry = {"dataset": DATASETS, "activation": ACTIVATIONS, "features": FEATURES, **REGISTRIES}.get(name)
    if registry is not None:
        first: dict[int, str] = {}
        out = []
        for key, item in registry.items():
            if id(item) in first:
                out.append(f"{key} (= {first[id(item)]})")
            else:
                first[id(item)] = key
                out.append(key)
        return out
    annotation = RunConfig.model_fields[name].annotation
    if typing.get_origin(annotation) is typing.Literal:
        return [str(a) for a in typing.get_args(annotation)]
    return None


def _option_type(name: str, annotation: Any) -> type:
    if name in _TEXT_FIELDS:
        return str
    for t in (bool, int, float):
        if annotation is t or (getattr(annotation, "__args__", None) and t in annotation.__args__
                                and str not in annotation.__args__):
            return t
    return str


def _default_text(name: str) -> str:
    info = RunConfig.model_fields[name]
    default = info.default if info.default_factory is None else info.default_factory()
    if isinstance(default, tuple):
        return ",".join(map(str, default)) or "''"
    if isinstance(default, dict):
        return ",".join(f"{k}={v}" for k, v in default.items()) or "none"
    if isinstance(default, bool):
        return "--" + ("" if default else "no-") + name.replace("_", "-")
    return "not set" if default is None else str(default)


def option_help(name: str) -> str:
    """``description. Default: X. One of: a, b, c.`` for the option of RunConfig field ``name``."""
    info = RunConfig.model_fields[name]
    text = (info.description or name.replace("_", " ")).rstrip(".") + f". Default: {_default_text(name)}."
    allowed = choices(name)
    if allowed:
        text += f" One of: {', '.join(allowed)}."
    return text


def _parse_field(name: str, value: Any) -> Any:
    if name == "features":
        return tuple(p.strip() for p in value.split(",") if p.strip())  # '' -> () -> the config's error
    if name == "activation_params":
        out = {}
        for item in filter(None, (p.strip() for p in value.split(","))):
            key, eq, num = item.partition("=")
            try:
                out[key.strip()] = float(num)
            except ValueError:
                eq = ""
            if not eq:
                fail(f"--activation-params wants name=value pairs like negative_slope=0.1, got {item!r}")
        return out
    return value


def config_options(*, skip: tuple[str, ...] = ()) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator: add one ``--option`` per RunConfig field (default: not given) to a Typer command.

    The command receives ``config_fields``: a dict of the options the user gave, parsed, for
    :func:`make_config`. Defaults stay in RunConfig, never in the CLI; the help shows them.
    """
    names = [n for n in RunConfig.model_fields if n not in skip]

    def deco(fn: Callable[..., T]) -> Callable[..., T]:
        sig = inspect.signature(fn)
        params = [p for p in sig.parameters.values() if p.name != "config_fields"]
        for n in names:
            info = RunConfig.model_fields[n]
            typ = _option_type(n, info.annotation)
            flag = "--" + n.replace("_", "-")
            decl = [f"{flag}/--no-{flag[2:]}"] if typ is bool else [flag]
            params.append(inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=typ | None,
                                            default=typer.Option(None, *decl, help=option_help(n),
                                                                 rich_help_panel="Run configuration")))

        @functools.wraps(fn)
        def wrapper(**kwargs: Any) -> T:
            given = {n: kwargs.pop(n) for n in names}
            with bad_input():
                fields = {n: _parse_field(n, v) for n, v in given.items() if v is not None}
            return fn(config_fields=fields, **kwargs)

        wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        return wrapper

    return deco
