"""Claims in parts: the combining rule on every mix of verdicts, judging, registering, and rendering."""

from __future__ import annotations

import json

import pytest

from relulab.experiments import ClaimResult, Measurement, Verdict
from relulab.experiments.parts import PARTS_RULE, PartRule, combine, decide_parts, rule_text
from relulab.experiments.registry import CLAIMS, Claim, command, register_claim
from relulab.experiments.result import Kind, Part

H, C, F, I, E = Verdict.HOLDS, Verdict.CAVEATS, Verdict.FAILS, Verdict.INCONCLUSIVE, Verdict.ERROR


def _part(key: str, v: Verdict, kind: Kind = Kind.MEASURED) -> Part:
    return Part(key, f"statement {key}", kind, f"rule {key}", v, () if v is H else (f"because {key}",), {"x": 1})


@pytest.mark.parametrize(("verdicts", "want"), [
    ((H,), H), ((H, H, H), H), ((C,), C), ((F,), F), ((I,), I), ((I, I), I),
    ((H, F), C), ((H, I), C), ((C, F), C), ((H, C), C), ((F, I), F), ((F, F), F), ((H, E), E), ((F, I, I), F)])
def test_combine_follows_the_stated_rule(verdicts, want):
    parts = [_part(f"p{i}", v) for i, v in enumerate(verdicts)]
    got, reasons = combine(parts)
    assert got is want
    # one reason per part that does not hold, naming it, its kind and its own first reason
    assert reasons == [f"p{i} (measured): {v.value} -- because p{i}" for i, v in enumerate(verdicts) if v is not H]


def test_combine_needs_parts():
    with pytest.raises(ValueError, match="at least one part"):
        combine([])


def _rules() -> list[PartRule]:
    return [PartRule("big", "x is big", "x > 10", lambda m: (H, []) if m["x"] > 10 else (F, ["x is small"]), ("x",)),
            PartRule("sum", "x + y = y + x", "commutes", lambda m: (H, []), ("x", "y"), Kind.THEOREM)]


def test_judge_keeps_only_its_inputs_and_refuses_missing_numbers():
    big, theorem = _rules()
    p = big.judge({"x": 3, "y": 4, "z": 5})
    assert (p.verdict, p.reasons, p.numbers) == (F, ("x is small",), {"x": 3})
    assert theorem.judge({"x": 1, "y": 2}).kind is Kind.THEOREM
    with pytest.raises(KeyError, match=r"part 'sum' needs the numbers \['y'\]"):
        theorem.judge({"x": 1})


def test_a_claim_in_parts_takes_its_rule_and_verdict_from_them():
    rules = _rules()
    assert rule_text(rules).startswith(PARTS_RULE) and "[big] x > 10." in rule_text(rules)
    assert decide_parts(rules)({"x": 3, "y": 1})[0] is C and decide_parts(rules)({"x": 30, "y": 1})[0] is H
    claim = Claim("C0", "t", "text", rule_text(rules), lambda **k: None, decide_parts(rules), tuple(rules))
    r = claim.result({"x": 3, "y": 1}, [Measurement("x", 3)])
    assert r.verdict is C and [p.key for p in r.parts] == ["big", "sum"] and r.caveats[0].startswith("big")
    assert r.rule_inputs == {"x": 3, "y": 1}


def test_register_claim_takes_rule_and_decide_or_parts_not_both():
    with pytest.raises(ValueError, match="either rule and decide, or parts"):
        register_claim("C98", "t", "x", "rule", lambda m: (H, []), parts=_rules())
    with pytest.raises(ValueError, match="either rule and decide, or parts"):
        register_claim("C98", "t", "x")
    assert "C98" not in CLAIMS


def test_command_reproduces_the_run():
    assert command("C5") == "relulab claim C5"
    assert command("C5", quick=True, seed=3, device="cuda") == "relulab claim C5 --quick --seed 3 --device cuda"


def _parted() -> ClaimResult:
    return ClaimResult("C0", "claim", C, "r", [Measurement("m", 1.0)], command="relulab claim C0 --quick",
                       parts=[_part("alpha", H), _part("beta", I, Kind.THEOREM)])


def test_parts_show_in_text_json_and_html():
    r = _parted()
    text = r.to_text()
    assert "part beta [theorem, checked numerically]: inconclusive -- statement beta" in text
    assert "reproduce: relulab claim C0 --quick" in text
    d = json.loads(r.to_json())
    assert [(p["key"], p["kind"], p["verdict"]) for p in d["parts"]] == [
        ("alpha", "measured", "holds"), ("beta", "theorem, checked numerically", "inconclusive")]
    assert d["command"] == "relulab claim C0 --quick" and d["parts"][1]["reasons"] == ["because beta"]
    assert d["key_number"] == "alpha: holds, beta: inconclusive"  # no key chosen: the parts' verdicts
    html = r.to_html()
    assert html.count('class="part"') == 2 and 'class="verdict inconclusive"' in html
    assert "<code>relulab claim C0 --quick --part beta</code>" in html


def test_key_number_is_the_claims_own_choice():
    r = _parted()
    r.key = "ratio 85x"
    assert r.key_number() == "ratio 85x" and r.to_dict()["key_number"] == "ratio 85x"
    plain = ClaimResult("C0", "claim", H, "r", [Measurement("first", 2.0, "s")])
    assert plain.key_number() == "first: 2 s"
