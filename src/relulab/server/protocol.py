"""The WebSocket messages a page sends, validated; what the server answers is built in :mod:`.frames`.

Every message is a JSON object with a ``type`` (the discriminator) and an optional ``seq``, a number the
page picks; the next frame carries it back as ``ack``, which is how a page (or the load benchmark)
knows that a frame already reflects a change. Anything malformed becomes a :class:`ProtocolError`
with a one-line message; the session answers it with an error frame and keeps working.

>>> parse_message('{"type": "control", "action": "play", "seq": 3}')
ControlMsg(seq=3, type='control', action='play')
>>> def show(text):
...     try:
...         parse_message(text)
...     except ProtocolError as e:
...         print(e)
>>> show('{"type": "dance"}')
unknown message type 'dance'; allowed: config, control, ui, edit, point, url, lesson
>>> show('{not json')
malformed JSON at character 2: Expecting property name enclosed in double quotes
>>> show('{"type": "edit", "layer": 0, "kind": "weight", "row": 0, "value": "big"}')
bad 'edit' message: value: Input should be a valid number, unable to parse string as a number (got "big")
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from ..i18n import Lines, Refusal


class ProtocolError(Refusal):
    """A message the server cannot use; ``str(e)`` is the one line shown in the page (``e.says(lang)`` in
    the page's language)."""


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    seq: int | None = Field(None, ge=0, le=2**53)


class ConfigMsg(_Msg):
    """Change RunConfig fields: ``{"type": "config", "config": {"lr": 0.1, "hidden": [4, 4]}}``."""

    type: Literal["config"]
    config: dict[str, Any]


class ControlMsg(_Msg):
    type: Literal["control"]
    action: Literal["play", "pause", "step", "reset", "new_weights", "regenerate"]


class UiMsg(_Msg):
    """Display settings of the session (the ones the server needs to know); ``None``: unchanged."""

    type: Literal["ui"]
    show_test_data: bool | None = None
    discretize: bool | None = None
    regions: bool | None = None  # exact linear regions over the heatmap
    perceptron: bool | None = None  # one step unit trained with the perceptron rule
    speed: int | None = Field(None, ge=1)  # epochs per frame (upper bound: the server's setting)
    lang: str | None = Field(None, max_length=8)  # the page's language (checked by the session)


class EditMsg(_Msg):
    """Set one weight or bias: ``layer`` indexes the linear layers, the last is the output."""

    type: Literal["edit"]
    layer: int = Field(ge=0)
    kind: Literal["weight", "bias"]
    row: int = Field(ge=0)  # unit of this layer
    col: int | None = Field(None, ge=0)  # unit of the layer before (weights only)
    value: float

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v) or abs(v) > 1e6:
            raise Refusal("must be a finite number of magnitude at most 1e6, got {got}", got=v)
        return v


class PointMsg(_Msg):
    """Add a point where the user clicked (raw coordinates), or ``clear`` the added data."""

    type: Literal["point"]
    op: Literal["add", "clear"] = "add"
    x: tuple[float, ...] = Field((), max_length=2)
    label: float = 1.0

    @field_validator("x")
    @classmethod
    def _finite_x(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if not all(math.isfinite(c) and abs(c) <= 1e6 for c in v):
            raise Refusal("coordinates must be finite numbers of magnitude at most 1e6, got {got}", got=list(v))
        return v


class UrlMsg(_Msg):
    """Open a TensorFlow Playground (or relulab) link: the full URL, its ``#hash`` or the bare query."""

    type: Literal["url"]
    url: str = Field(max_length=4000)


class LessonMsg(_Msg):
    """Go to step ``step`` of lesson ``id`` (``None``: leave the lesson); its preset opens when ``apply``."""

    type: Literal["lesson"]
    id: str | None = Field(None, max_length=40)
    step: int = Field(1, ge=1, le=100)
    apply: bool = True


Message = Annotated[ConfigMsg | ControlMsg | UiMsg | EditMsg | PointMsg | UrlMsg | LessonMsg,
                    Field(discriminator="type")]
TYPES = ("config", "control", "ui", "edit", "point", "url", "lesson")
_ADAPTER: TypeAdapter[Message] = TypeAdapter(Message)


def problems(err: ValidationError, *, tagged: bool = False) -> Lines:
    """One refusal per problem of a validation: ``where: what was wrong (got VALUE)``, the line
    :func:`relulab.config.config_error_message` writes for a config; ``tagged``: a message, whose
    location starts with its type tag and whose value is shown as JSON."""
    out = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"][1 if tagged else 0:]) or ("message" if tagged else "config")
        msg = e["msg"].removeprefix("Value error, ")
        why = e.get("ctx", {}).get("error") or msg  # the validator's own refusal, with its template
        got = e.get("input")
        if tagged:  # the validator may already show the value
            hide, shown = "got " in msg or isinstance(got, dict) or e["type"] == "missing", json.dumps(got)[:60]
        else:
            hide, shown = isinstance(got, dict) or msg.endswith(f"{got}") or msg.endswith(f"{got!r}"), repr(got)
        out.append(Refusal("{loc}: {why}", loc=loc, why=why) if hide else
                   Refusal("{loc}: {why} (got {got})", loc=loc, why=why, got=shown))
    return Lines(out)


def parse_message(text: str | bytes, *, max_bytes: int | None = None) -> Message:
    """Validate one message from a page; raises :class:`ProtocolError` with a one-line reason."""
    size = len(text.encode() if isinstance(text, str) else text)
    if max_bytes is not None and size > max_bytes:
        raise ProtocolError("message too large: {size} bytes; allowed: at most {top} bytes (upload data as a CSV "
                            "file instead)", size=size, top=max_bytes)
    try:
        obj = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise (ProtocolError("malformed JSON at character {pos}: {why}", pos=e.pos + 1, why=e.msg)
               if isinstance(e, json.JSONDecodeError) else ProtocolError("malformed JSON: not UTF-8 text")) from None
    except RecursionError:
        raise ProtocolError("malformed message: JSON nested too deeply; allowed: a flat object such as "
                            '{{"type": "control", "action": "play"}}') from None
    if not isinstance(obj, dict):
        raise ProtocolError("a message is a JSON object with a 'type', got {got}; allowed types: {allowed}",
                            got=type(obj).__name__, allowed=", ".join(TYPES))
    if obj.get("type") not in TYPES:
        got = obj.get("type")
        raise (ProtocolError("no message type; allowed: {allowed}", allowed=", ".join(TYPES)) if got is None else
               ProtocolError("unknown message type {got}; allowed: {allowed}", got=repr(got), allowed=", ".join(TYPES)))
    try:
        return _ADAPTER.validate_python(obj)
    except ValidationError as e:
        raise ProtocolError("bad {kind} message: {why}", kind=repr(obj["type"]), why=problems(e, tagged=True)) from None
    except RecursionError:
        raise ProtocolError("bad {kind} message: nested too deeply", kind=repr(obj["type"])) from None
