"""A lesson: a claim taught as a few live steps. Validated like every other input (unknown keys refused).

A step has the project's explanation (``text``), an optional ``preset`` -- a playground link's hash that
the step opens, checked exactly as a pasted link is -- the panels it points at, what the learner
should do (``do``, and the same as ``actions`` a browser test or a "show me" can perform), a live
``check`` on the learner's run (:mod:`.checks`) and what they see once it holds (``see``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..config import RunConfig
from ..playground_url import read_link
from .checks import parse_check

PANELS = ("regions", "units", "accuracy", "collapse", "output", "network", "data")
# what a learner does, by name: -> what the argument is ("" for none)
ACTIONS: dict[str, str] = {
    "play": "", "pause": "", "step": "", "reset": "", "add_layer": "", "remove_layer": "",
    "show_regions": "", "activation": "an activation name", "dataset": "a data set name",
    "perceptron": "on or off", "learning_rate": "a number", "speed": "epochs per frame",
    "add_neuron": "a hidden layer, 1 for the first", "remove_neuron": "a hidden layer, 1 for the first",
}
LINK_PAGE_KEYS = ("regions", "perceptron", "speed")  # the page's own link keys a preset may use


def check_action(text: str) -> str:
    name, _, arg = text.strip().partition(" ")
    if name not in ACTIONS:
        raise ValueError(f"unknown action {text!r}; allowed: {list(ACTIONS)}")
    if bool(ACTIONS[name]) != bool(arg.strip()):
        want = f"'{name} <{ACTIONS[name]}>'" if ACTIONS[name] else f"{name!r} alone"
        raise ValueError(f"action {text!r}: write {want}")
    return f"{name} {arg.strip()}".strip()


def check_preset(link: str) -> str:
    """A preset is a playground link (its hash): it must open as one, with a valid config."""
    from urllib.parse import parse_qsl, urlencode

    pairs = parse_qsl(link.lstrip("#"), keep_blank_values=True)
    for k, v in pairs:
        if k == "speed" and not (v.isdigit() and int(v) >= 1):
            raise ValueError(f"preset {link!r}: speed={v!r} must be a whole number >= 1")
    from pydantic import ValidationError

    from ..config import config_error_message

    rest = [(k, v) for k, v in pairs if k not in LINK_PAGE_KEYS]
    try:
        RunConfig(**read_link(urlencode(rest, safe=",:")).fields)
    except ValidationError as e:
        raise ValueError(f"preset {link!r}: {config_error_message(e)}") from None
    return link.lstrip("#")


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=2000)
    preset: str | None = Field(None, max_length=4000)
    panels: tuple[str, ...] = ()
    do: str = Field("", max_length=500)
    actions: tuple[str, ...] = ()
    check: str | None = Field(None, max_length=300)
    see: str = Field("", max_length=1000)

    @field_validator("preset")
    @classmethod
    def _preset(cls, v: str | None) -> str | None:
        return None if v is None else check_preset(v)

    @field_validator("panels")
    @classmethod
    def _panels(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [p for p in v if p not in PANELS]
        if bad:
            raise ValueError(f"unknown panels {bad}; allowed: {list(PANELS)}")
        return v

    @field_validator("actions")
    @classmethod
    def _actions(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_action(a) for a in v)

    @field_validator("check")
    @classmethod
    def _check(cls, v: str | None) -> str | None:
        return None if v is None else parse_check(v).text()


class Lesson(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")
    title: str = Field(min_length=1, max_length=200)
    claims: tuple[str, ...] = ()  # the claims whose measured verdict the last step shows
    summary: str = Field("", max_length=1000)
    steps: tuple[Step, ...] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _first_step_opens_something(self) -> Lesson:
        if self.steps[0].preset is None:
            raise ValueError("the first step needs a preset: the link the lesson opens")
        return self

    def texts(self) -> list[str]:
        """Every text a learner reads in this lesson (what the catalogue must translate)."""
        out = [self.title] + ([self.summary] if self.summary else [])
        for s in self.steps:
            out += [t for t in (s.text, s.do, s.see) if t]
        return out


def lesson_from(data: Any, where: str, check_link: Callable[[str], Any] | None = None) -> Lesson:
    """A lesson from parsed YAML/JSON; ``ValueError`` with one line naming ``where`` and the problem."""
    from pydantic import ValidationError

    from ..config import config_error_message

    if not isinstance(data, dict):
        raise ValueError(f"{where}: a lesson is a mapping with id, title and steps, got {type(data).__name__}")
    try:
        lesson = Lesson.model_validate(data)
    except ValidationError as e:
        raise ValueError(f"{where}: {config_error_message(e)}") from None
    if check_link is not None:
        for i, s in enumerate(lesson.steps, 1):
            if s.preset is not None:
                try:
                    check_link(s.preset)
                except ValueError as e:
                    raise ValueError(f"{where}: step {i}: preset: {str(e).splitlines()[0]}") from None
    return lesson
