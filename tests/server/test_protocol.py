"""The WebSocket messages: every type parses, every malformed one is a one-line ProtocolError."""

from __future__ import annotations

import json

import pytest

from relulab.server.protocol import (
    ConfigMsg,
    ControlMsg,
    EditMsg,
    PointMsg,
    ProtocolError,
    UiMsg,
    UrlMsg,
    parse_message,
)


@pytest.mark.parametrize("msg, cls", [
    ({"type": "config", "config": {"lr": 0.1}}, ConfigMsg),
    ({"type": "control", "action": "reset"}, ControlMsg),
    ({"type": "ui", "regions": True, "speed": 3}, UiMsg),
    ({"type": "edit", "layer": 0, "kind": "weight", "row": 1, "col": 0, "value": -0.5}, EditMsg),
    ({"type": "point", "x": [1.0, 2.0], "label": -1}, PointMsg),
    ({"type": "url", "url": "#activation=relu"}, UrlMsg),
])
def test_each_type_parses(msg, cls):
    m = parse_message(json.dumps({**msg, "seq": 7}))
    assert isinstance(m, cls) and m.seq == 7


@pytest.mark.parametrize("text, fragment", [
    ("{not json", "malformed JSON"),
    (b"\xff\xfe", "malformed JSON"),
    ("[1, 2]", "a message is a JSON object"),
    ('{"action": "play"}', "no message type"),
    ('{"type": "dance"}', "unknown message type 'dance'"),
    ('{"type": "control", "action": "fly"}', "action"),
    ('{"type": "control", "action": "play", "extra": 1}', "extra"),
    ('{"type": "ui", "speed": 0}', "speed"),
    ('{"type": "edit", "layer": -1, "kind": "bias", "row": 0, "value": 1}', "layer"),
    ('{"type": "edit", "layer": 0, "kind": "bias", "row": 0, "value": 1e300}', "magnitude"),
    ('{"type": "point", "x": [1, 2, 3]}', "x"),
    ('{"type": "config", "config": "lr=1"}', "config"),
    ('{"type": "control", "action": "play", "seq": -4}', "seq"),
])
def test_malformed_messages_give_one_line(text, fragment):
    with pytest.raises(ProtocolError) as e:
        parse_message(text)
    assert fragment in str(e.value) and "\n" not in str(e.value)


def test_nan_value_is_refused():
    with pytest.raises(ProtocolError, match="finite"):
        parse_message('{"type": "edit", "layer": 0, "kind": "bias", "row": 0, "value": NaN}')


def test_size_limit():
    big = json.dumps({"type": "url", "url": "x" * 3000})
    with pytest.raises(ProtocolError, match="too large"):
        parse_message(big, max_bytes=1024)
    assert isinstance(parse_message(big, max_bytes=10_000), UrlMsg)


def test_a_value_out_of_range_is_shown_once():
    with pytest.raises(ProtocolError) as e:
        parse_message('{"type": "edit", "layer": 0, "kind": "bias", "row": 0, "value": 1000000000}')
    assert str(e.value).count("got") == 1 and "got 1000000000.0" in str(e.value)


def test_nested_brackets_are_a_protocol_error():
    with pytest.raises(ProtocolError, match="nested too deeply"):
        parse_message("[" * 30000 + "]" * 30000)
