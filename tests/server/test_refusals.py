"""The server's refusals in the page's language: every template the code can refuse with is in the Chinese
catalogue (collected from the source, not listed by hand), and a refusal travels as template + values."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest
from pydantic import ValidationError

import relulab
from relulab.config import RunConfig, config_error_message
from relulab.i18n import Refusal, catalogue, said
from relulab.server.protocol import ProtocolError, parse_message, problems
from relulab.server.session import Session
from relulab.server.settings import ServerSettings

SRC = Path(relulab.__file__).parent
# the modules whose refusals a page shows (a setting, a message, a link, a lesson step, an upload, an import, the
# explorer's filter, grid and replay)
PAGE_FACING = (*(f"server/{m}" for m in ("settings", "imports", "protocol", "session", "uploads", "lab", "links",
                                         "teach", "routes", "app", "explorer")), "sweep/selection", "sweep/replay")
# of those, the ones whose HTTP answers' details are refusals too (no literal text handed to HTTPException)
HTTP_IN_TEMPLATES = ("server/explorer",)


def _name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _texts(node: ast.expr) -> list[str]:
    """The literal template(s) of a refusal's first argument (both sides of a conditional)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _texts(node.body) + _texts(node.orelse)
    raise AssertionError(f"a refusal's template must be literal text, got {ast.unparse(node)}")


def refusal_templates() -> dict[str, str]:
    """Every template a ``Refusal(...)`` or ``ProtocolError(...)`` in the package is built from -> where."""
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node) in ("Refusal", "ProtocolError") and node.args:
                for t in _texts(node.args[0]):
                    found[t] = f"{path.relative_to(SRC)}:{node.lineno}"
    return found


def test_every_refusal_template_has_a_chinese_entry():
    found = refusal_templates()
    assert len(found) >= 60, len(found)  # the collector sees the server's refusals (not an empty walk)
    own = {t: w for t, w in found.items() if "".join(lit for lit, *_ in string.Formatter().parse(t)).strip(" :;")}
    zh = catalogue("zh")
    assert [f"{w}: {t}" for t, w in own.items() if t not in zh] == []


def test_page_facing_modules_refuse_only_through_templates():
    """No ``raise ValueError("...")`` / ``KeyError(f"...")`` with its own English text, and no literal text
    handed to ``session.error``, in the modules whose messages the page shows: each goes through a Refusal."""
    bad = []
    for mod in PAGE_FACING:
        path = SRC / f"{mod}.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node) in ("ValueError", "KeyError", "error") and node.args \
                    and isinstance(node.args[0], ast.Constant | ast.JoinedStr):
                bad.append(f"{mod}.py:{node.lineno}: {ast.unparse(node)[:80]}")
            if mod in HTTP_IN_TEMPLATES and isinstance(node, ast.Call) and _name(node) == "HTTPException" \
                    and any(isinstance(a, ast.JoinedStr) or isinstance(a, ast.Constant) and isinstance(a.value, str)
                            for a in [*node.args[1:], *(k.value for k in node.keywords if k.arg == "detail")]):
                bad.append(f"{mod}.py:{node.lineno}: {ast.unparse(node)[:80]}")
    assert bad == []


def test_a_refusal_is_english_by_default_and_chinese_with_its_values():
    e = Refusal("hidden: at most {n} neurons per layer on this server, got {got}", n=8, got=[4, 40])
    assert str(e) == "hidden: at most 8 neurons per layer on this server, got [4, 40]"
    assert e.says("zh") == "hidden：本服务器每层最多 8 个神经元，收到的是 [4, 40]"
    assert e.says("en") == str(e)
    # a message's refusal holds the validator's own refusal, each in turn translated
    with pytest.raises(ProtocolError) as err:
        parse_message('{"type": "edit", "layer": 0, "kind": "weight", "row": 0, "value": 1e7}')
    assert str(err.value) == ("bad 'edit' message: value: must be a finite number of magnitude at most 1e6, "
                              "got 10000000.0")
    zh = said(err.value, "zh")
    assert "10000000.0" in zh and "1e6" in zh and "must" not in zh and "message" not in zh, zh


def test_validation_lines_say_what_config_error_message_says():
    for bad in ({"lr": 1000}, {"lr": "x", "hidden": [0]}, {"noise": True}):
        with pytest.raises(ValidationError) as err:
            RunConfig.model_validate(bad)
        assert str(problems(err.value)) == config_error_message(err.value)
    assert said(problems(err.value), "zh") != str(problems(err.value))


def test_the_session_answers_in_its_language():
    s = Session("t", ServerSettings(port=0, max_neurons=8))
    s.handle_text('{"type": "ui", "lang": "zh"}')
    s.handle_text('{"type": "config", "config": {"hidden": [4, 40]}}')
    s.handle_text('{"type": "edit", "layer": 9, "kind": "bias", "row": 0, "value": 1}')
    n = len(s.lab.trainer.model.linears)
    errors = [m["message"] for m in s.drain() if m["type"] == "error"]
    assert errors == ["hidden：本服务器每层最多 8 个神经元，收到的是 [4, 40]",
                      f"edit：第 9 层不存在；网络有 {n} 个线性层（0..{n - 1}，最后一层是输出层）"], errors
    s.handle_text('{"type": "ui", "lang": "en"}')
    s.handle_text('{"type": "edit", "layer": 9, "kind": "bias", "row": 0, "value": 1}')
    assert [m["message"] for m in s.drain() if m["type"] == "error"] == [
        f"edit: layer 9 does not exist; the network has {n} linear layers (0..{n - 1}, the last one is the output)"]
