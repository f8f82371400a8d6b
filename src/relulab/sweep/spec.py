"""A sweep spec: a base ``RunConfig``, axes over any of its fields, and seeds -- validated whole, up front.

In YAML (or the same keys in JSON)::

    name: circle-shapes
    base: {dataset: circle, activation: relu, lr: 0.03, epochs: 200}   # any RunConfig fields
    grid:                                 # axes: a RunConfig field -> a list of values (the product is run)
      activation: [relu, tanh]
      hidden: [[3], [3, 3], [8, 8]]
    seeds: 20                             # weight seeds 0..19 (or a list); default: the base's weight_seed
    data_seeds: 3                         # optional: data seeds "0", "1", "2" (or a list)
    metric: test_acc                      # defaults for the summary
    success: 0.9

:meth:`SweepSpec.configs` builds every ``RunConfig`` before anything runs; the first problem (an
unknown axis, an empty axis, a value a field refuses, a combination that does not fit) is one
``ValueError`` line that names it.

>>> spec = SweepSpec.from_dict({"base": {"epochs": 5}, "grid": {"activation": ["relu", "tanh"]}, "seeds": 3})
>>> len(spec.configs()), spec.axes()
(6, ['activation', 'weight_seed'])
>>> SweepSpec.from_dict({"grid": {"activaton": ["relu"]}}).configs()  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: unknown axis 'activaton'; allowed: the RunConfig fields [...]
"""

from __future__ import annotations

import itertools
import json
import math
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..config import RunConfig, config_error_message
from .sampling import check_sampling, draw, parse_random_axis

SPEC_KEYS = ("name", "base", "grid", "seeds", "data_seeds", "metric", "success", "samples", "sampler", "sampler_seed")
SAMPLE_AXIS = "sample"  # the joint axis of the drawn points (see relulab.sweep.sampling)
MAX_RUNS = 1_000_000
MAX_SPEC_BYTES = 16 * 2**20  # a spec file; a list of a million seeds is about 7 MB
MAX_SPEC_VALUES = 2_000_000  # values in a loaded spec, YAML aliases counted each time they are used
MAX_SPEC_DEPTH = 32
MAX_NAME = 200
_FIELDS = list(RunConfig.model_fields)


def _fields_hint() -> str:
    return "the RunConfig fields [" + ", ".join(_FIELDS) + "]"


@dataclass(frozen=True)
class SweepSpec:
    """What to run. ``grid`` maps a RunConfig field to its values; runs are the product of the axes x seeds."""

    base: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    seeds: tuple[int, ...] | None = None
    data_seeds: tuple[str, ...] | None = None
    name: str | None = None
    metric: str = "test_acc"
    success: float = 0.9
    drawn: dict[str, tuple[str, float, float]] = field(default_factory=dict)  # field -> (distribution, low, high)
    samples: int | None = None
    sampler: str = "random"
    sampler_seed: int = 0

    @classmethod
    def from_dict(cls, d: Any) -> SweepSpec:
        """Check the spec's own shape (keys and types); field values are checked by :meth:`configs`."""
        if not isinstance(d, dict):
            raise ValueError(f"a sweep spec is a mapping with keys {list(SPEC_KEYS)}, got {type(d).__name__}")
        check_expansion(d)
        for k in d:
            if k not in SPEC_KEYS:
                raise ValueError(f"unknown spec key {k!r}; allowed: {list(SPEC_KEYS)}")
        base = d.get("base") or {}
        grid = d.get("grid") or {}
        for key, val in (("base", base), ("grid", grid)):
            if not isinstance(val, dict):
                raise ValueError(f"spec {key!r} must be a mapping of RunConfig fields, got {val!r}")
        axes, drawn = {}, {}
        for name, values in grid.items():
            if isinstance(values, dict):
                drawn[str(name)] = parse_random_axis(str(name), values)
                continue
            if not isinstance(values, list | tuple):
                raise ValueError(f"axis {name!r} must be a list of values or {{uniform|loguniform: [LOW, HIGH]}}, "
                                 f"got {_short(values)}")
            axes[str(name)] = tuple(tuple(v) if isinstance(v, list) else v for v in values)
        samples, sampler, sampler_seed = None, d.get("sampler", "random"), d.get("sampler_seed", 0)
        if drawn:
            if d.get("samples") is None:
                raise ValueError(f"drawn axes {list(drawn)} need 'samples: N' (how many points to draw)")
            samples, sampler, sampler_seed = check_sampling(d["samples"], sampler, sampler_seed)
        elif d.get("samples") is not None:
            raise ValueError("spec 'samples' is for drawn axes, e.g. grid: {lr: {loguniform: [0.001, 1]}}; there is "
                             "none")
        metric = d.get("metric", "test_acc")
        success = d.get("success", 0.9)
        if not isinstance(metric, str) or len(metric) > MAX_NAME:
            raise ValueError(f"spec 'metric' must be a metric name such as 'test_acc', got {_short(metric)}")
        name = d.get("name")
        if name is not None and (not isinstance(name, str | int | float) or len(str(name)) > MAX_NAME):
            raise ValueError(f"spec 'name' must be a text of at most {MAX_NAME} characters, got {_short(name)}")
        if isinstance(success, bool) or not isinstance(success, int | float) or not math.isfinite(success):
            raise ValueError(f"spec 'success' must be a number (a threshold of the metric), got {success!r}")
        return cls(base=dict(base), grid=axes, seeds=_seed_list(d.get("seeds"), "seeds", int),
                   data_seeds=_seed_list(d.get("data_seeds"), "data_seeds", str),
                   name=None if d.get("name") is None else str(d["name"]), metric=metric, success=float(success),
                   drawn=drawn, samples=samples, sampler=sampler, sampler_seed=sampler_seed)

    def to_dict(self) -> dict[str, Any]:
        grid: dict[str, Any] = {k: list(v) for k, v in self.grid.items()}
        grid.update({k: {d: [lo, hi]} for k, (d, lo, hi) in self.drawn.items()})
        out = {"name": self.name, "base": self.base, "grid": grid,
               "seeds": None if self.seeds is None else list(self.seeds),
               "data_seeds": None if self.data_seeds is None else list(self.data_seeds),
               "metric": self.metric, "success": self.success}
        if self.drawn:
            out.update(samples=self.samples, sampler=self.sampler, sampler_seed=self.sampler_seed)
        return out

    def merged(self, *, base: dict[str, Any] | None = None, grid: dict[str, tuple] | None = None,
               seeds: int | None = None, data_seeds: int | None = None) -> SweepSpec:
        """This spec with command-line additions: base fields and axes added or replaced, seed counts replaced."""
        drawn = {k: v for k, v in self.drawn.items() if k not in (grid or {})}
        return SweepSpec({**self.base, **(base or {})}, {**self.grid, **(grid or {})},
                         self.seeds if seeds is None else _seed_list(seeds, "seeds", int),
                         self.data_seeds if data_seeds is None else _seed_list(data_seeds, "data_seeds", str),
                         self.name, self.metric, self.success, drawn, self.samples if drawn else None, self.sampler,
                         self.sampler_seed)

    def _all_axes(self) -> dict[str, tuple[Any, ...]]:
        axes = dict(self.grid)
        if self.drawn:
            axes[SAMPLE_AXIS] = draw(self.drawn, self.samples or 1, self.sampler, self.sampler_seed)
        if self.data_seeds is not None:
            axes["data_seed"] = self.data_seeds
        if self.seeds is not None:
            axes["weight_seed"] = self.seeds
        return axes

    def axes(self) -> list[str]:
        """The fields that vary: the grid's axes, then ``data_seed`` and ``weight_seed`` when given."""
        return list(self._all_axes())

    def size(self) -> int:
        return math.prod(len(v) for v in self._all_axes().values())

    def configs(self) -> list[RunConfig]:
        """Every run's RunConfig, in grid order (seeds innermost), duplicates removed; or one ValueError line."""
        return list(self.iter_configs())

    def iter_configs(self) -> Iterator[RunConfig]:
        """:meth:`configs` one at a time (a sweep of any size in little memory): the axes are checked
        before the first config; a combination that does not fit raises when it is reached."""
        base, axes = self._checked_axes()
        seen: set[bytes] = set()  # 16-byte digests of the run keys: duplicates removed
        names = list(axes)
        for combo in itertools.product(*axes.values()):
            fields = dict(zip(names, combo, strict=True))
            fields.update(fields.pop(SAMPLE_AXIS, {}))
            try:
                cfg = RunConfig.model_validate({**base, **fields})
            except ValidationError as e:
                shown = ", ".join(f"{n}={v!r}" for n, v in zip(names, combo, strict=True))
                raise ValueError(f"combination {shown}: {_why(e)}") from None
            k = bytes.fromhex(run_key(cfg))
            if k not in seen:
                seen.add(k)
                yield cfg

    def _checked_axes(self) -> tuple[dict[str, Any], dict[str, tuple[Any, ...]]]:
        for k in self.base:
            if k not in _FIELDS:
                raise ValueError(f"unknown base field {k!r}; allowed: {_fields_hint()}")
        try:
            base = RunConfig.model_validate(self.base).model_dump()
        except ValidationError as e:
            raise ValueError(f"base: {_why(e)}") from None
        for name in self.drawn:
            if name not in _FIELDS or name in self.grid:
                raise ValueError(f"unknown axis {name!r}; allowed: {_fields_hint()}" if name not in _FIELDS
                                 else f"axis {name!r} is both listed and drawn; keep one")
        for name, values in self.grid.items():
            if name not in _FIELDS:
                raise ValueError(f"unknown axis {name!r}; allowed: {_fields_hint()}")
            if not values:
                raise ValueError(f"empty axis {name!r}: give at least one value")
        for name, other in (("weight_seed", "seeds"), ("data_seed", "data_seeds")):
            if name in self.grid and getattr(self, other) is not None:
                raise ValueError(f"axis {name!r} and spec key {other!r} both set the {name}; keep one")
        axes = self._all_axes()
        for name, values in axes.items():
            for v in values:
                try:
                    RunConfig.model_validate({**base, **(v if name == SAMPLE_AXIS else {name: v})})
                except ValidationError as e:
                    raise ValueError(f"axis {name!r}: invalid value {_short(v)}: {_why(e)}") from None
        if self.size() > MAX_RUNS:
            raise ValueError(f"the spec makes {self.size():,} runs; at most {MAX_RUNS:,} per sweep")
        return base, axes


def check_expansion(d: Any) -> None:
    """Refuse a loaded spec that expands past ``MAX_SPEC_VALUES`` values or ``MAX_SPEC_DEPTH`` levels.

    ``yaml.safe_load`` shares an aliased object, so a 0.5 KB alias bomb loads at once -- but anything that
    walks it (validation, messages, the copy stored in the database) meets every use. This walk counts
    every use and stops at the limit, before anything else looks at the spec."""
    stack, seen = [(d, 0)], 0
    while stack:
        v, depth = stack.pop()
        seen += 1
        if seen > MAX_SPEC_VALUES:
            raise ValueError(f"the spec expands to more than {MAX_SPEC_VALUES:,} values (YAML aliases count each "
                             f"time they are used); allowed: at most {MAX_SPEC_VALUES:,}")
        if isinstance(v, dict | list | tuple):
            if depth >= MAX_SPEC_DEPTH:
                raise ValueError(f"the spec is nested more than {MAX_SPEC_DEPTH} levels deep; allowed: at most "
                                 f"{MAX_SPEC_DEPTH}")
            items = [*v.keys(), *v.values()] if isinstance(v, dict) else v
            stack.extend((x, depth + 1) for x in items)
        elif isinstance(v, str) and len(v) > MAX_SPEC_BYTES:
            raise ValueError(f"the spec holds a text of {len(v):,} characters; allowed: at most {MAX_SPEC_BYTES:,}")


def _short(v: Any) -> str:
    big = isinstance(v, dict | list | tuple) and (len(v) > 16 or any(isinstance(x, dict | list | tuple) for x in v))
    text = f"a {type(v).__name__} of {len(v)} items" if big else repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _why(e: ValidationError) -> str:
    return config_error_message(e).removeprefix("config: ")


def _seed_list(v: Any, key: str, kind: type) -> tuple | None:
    if v is None:
        return None
    if isinstance(v, bool):
        raise ValueError(f"spec {key!r} must be a count or a list, got {v!r}")
    if isinstance(v, int):
        if v < 1:
            raise ValueError(f"spec {key!r} must be at least 1, got {v}")
        if v > MAX_RUNS:
            raise ValueError(f"spec {key!r} allows at most {MAX_RUNS:,} seeds, got {v:,}")
        return tuple(kind(s) for s in range(v))
    if isinstance(v, list | tuple) and v:
        if kind is int and not all(isinstance(s, int) and not isinstance(s, bool) for s in v):
            raise ValueError(f"spec {key!r} must list integers, got {list(v)!r}")
        return tuple(kind(s) for s in v)
    raise ValueError(f"spec {key!r} must be a count >= 1 or a non-empty list, got {v!r}")


def run_key(cfg: RunConfig) -> str:
    """The store's key of a run: a hash of its whole config (weight and data seeds included).

    >>> run_key(RunConfig()) == run_key(RunConfig(lr=0.03)) != run_key(RunConfig(weight_seed=1))
    True
    """
    import hashlib

    text = json.dumps(cfg.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def load_spec(path: str | Path) -> SweepSpec:
    """A spec from a ``.yaml``/``.yml`` or ``.json`` file (see the module docstring)."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise FileNotFoundError(f"no sweep spec at {str(p)!r}") from None
    if stat.S_ISDIR(st.st_mode):
        raise ValueError(f"the sweep spec {str(p)!r} is a directory; give a YAML or JSON file")
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"the sweep spec {str(p)!r} is not a regular file (a pipe or a device?); give a file")
    with open(p, "rb") as f:
        data = f.read(MAX_SPEC_BYTES + 1)
    if len(data) > MAX_SPEC_BYTES:
        raise ValueError(f"the sweep spec {str(p)!r} is larger than {MAX_SPEC_BYTES // 2**20} MB; allowed: at most "
                         f"{MAX_SPEC_BYTES // 2**20} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"the sweep spec {str(p)!r} is not UTF-8 text (byte {e.start})") from None
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise ValueError(f"{str(p)!r} is not valid JSON: {e}") from None
        except RecursionError:
            raise ValueError(f"{str(p)!r} is nested too deeply to read") from None
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise ValueError(f"{str(p)!r} is not valid YAML: {' '.join(str(e).split())[:300]}") from None
        except RecursionError:
            raise ValueError(f"{str(p)!r} is nested too deeply to read") from None
    return SweepSpec.from_dict(data)
