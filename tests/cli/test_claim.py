"""`relulab claim` / `relulab claims`: one claim, a report of several, errors as entries, bad ids exit 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from relulab.cli import app
from relulab.experiments import CLAIMS, Claim, Verdict

runner = CliRunner()


def test_claim_json_reports_the_numbers_and_the_verdict():
    res = runner.invoke(app, ["claim", "c010", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["id"] == "C10" and d["verdict"] == "holds"
    values = {m["name"]: m["value"] for m in d["measurements"]}
    assert values["elu([-1.0, 2.0, -3.0, 4.0])"] == [-0.6321, 2.0, -0.9502, 4.0]
    assert d["rule_inputs"] == {"mismatches": {"relu": [], "leaky_relu": [], "elu": []}}


def test_claim_text_and_out(tmp_path):
    res = runner.invoke(app, ["claim", "C1", "--quick", "--seed", "2", "--out", str(tmp_path / "c1")])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("C1  holds") and "seeds: 2000, 2001, 2002" in res.stdout
    d = json.loads((tmp_path / "c1" / "result.json").read_text())
    assert d["quick"] is True and (tmp_path / "c1" / d["figures"][0]["path"]).is_file()
    assert (tmp_path / "c1" / "index.html").is_file()


@pytest.mark.slow
@pytest.mark.parametrize(("cid", "keys"), [
    ("C5", {"does_not_extrapolate": "measured", "affine_beyond_kink": "theorem, checked numerically",
            "straight_outside": "measured"}),
    ("C6", {f"tanh_vanishes_{i}": "measured" for i in ("torch", "xavier", "he")})])
def test_claim_json_shows_each_part_with_its_own_verdict(cid, keys):
    """C5's "does not extrapolate" and "a straight line outside" are two parts, each judged by its own rule on
    its own numbers; C6 judges tanh (per init) beside sigmoid and relu. The claim's verdict follows from them."""
    from relulab.experiments import get_claim
    from relulab.experiments.parts import combine
    from relulab.experiments.result import Kind, Part

    res = runner.invoke(app, ["claim", cid, "--quick", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    parts = {p["key"]: p for p in d["parts"]}
    assert {k: parts[k]["kind"] for k in keys} == keys
    rules = {p.key: p for p in get_claim(cid).parts}
    for key in keys:  # each verdict is its own rule's, on the numbers the part shows
        assert parts[key]["numbers"] and parts[key]["verdict"] == rules[key].decide(d["rule_inputs"])[0].value
    judged = [Part(p["key"], p["statement"], Kind(p["kind"]), p["rule"], Verdict(p["verdict"]), tuple(p["reasons"]))
              for p in d["parts"]]
    assert d["verdict"] == combine(judged)[0].value and d["command"] == f"relulab claim {cid} --quick"


def test_part_shows_one_part_of_a_claim_in_parts():
    res = runner.invoke(app, ["claim", "C2", "--quick", "--part", "not_additive", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert (d["id"], d["key"], d["verdict"]) == ("C2", "not_additive", "holds")
    assert d["kind"] == "theorem, checked numerically"
    assert d["command"] == "relulab claim C2 --quick --part not_additive" and d["numbers"]["relu_additivity"] > 1e-6
    res = runner.invoke(app, ["claim", "C2", "--quick", "--part", "not_homogeneous"])
    assert res.exit_code == 0 and res.stdout.startswith("C2.not_homogeneous  holds with caveats")
    assert "the whole claim: holds with caveats (relulab claim C2 --quick)" in res.stdout


@pytest.mark.parametrize("args", [["claim", "C99"], ["claim", "X4"], ["claims", "--only", "C1,C15"],
                                  ["claims", "--only", ","], ["claim", "C1", "--device", "tpu"],
                                  ["claim", "C2", "--part", "nope"], ["claim", "C10", "--part", "x"]])
def test_bad_input_is_one_line_and_exit_2(args, tmp_path):
    res = runner.invoke(app, [*args, *(["--out", str(tmp_path / "r")] if args[0] == "claims" else [])])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert not (tmp_path / "r").exists()


def _boom(quick=False, seed=0, device="cpu", progress=None):
    raise RuntimeError("the experiment broke")


def test_a_failing_claim_is_an_error_entry_and_the_others_still_run(tmp_path, monkeypatch):
    c2 = CLAIMS.get("C2")
    monkeypatch.setitem(CLAIMS._items, "C2", Claim("C2", c2.title, c2.text, c2.rule, _boom, c2.decide))
    out = tmp_path / "report"
    res = runner.invoke(app, ["claims", "--quick", "--only", "C10,c2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    d = json.loads((out / "claims.json").read_text())
    assert [c["id"] for c in d["claims"]] == ["C10", "C2"]
    assert d["verdicts"] == {"C10": "holds", "C2": "error"}
    assert d["claims"][1]["error"].startswith("RuntimeError: the experiment broke")
    assert "the experiment broke" in (out / "index.html").read_text()
    res = runner.invoke(app, ["claim", "C2"])
    assert res.exit_code == 1 and "error: RuntimeError: the experiment broke" in res.stdout
    assert Verdict.ERROR.value in res.stdout


def test_the_report_and_the_text_render_in_chinese(tmp_path):
    r = runner.invoke(app, ["claims", "--quick", "--only", "C1,C13", "--lang", "zh", "--out", str(tmp_path / "r")])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in page and "<h1>relulab：论断及其测量</h1>" in page
    assert "线性层坍缩" in page and "感知机与 XOR" in page and "规则：" in page and "复现：" in page
    assert ">成立<" in page and "Rule:" not in page and "Reproduce:" not in page
    assert "relulab claim C1" in page  # commands stay as they are
    r = runner.invoke(app, ["claim", "C1", "--quick", "--lang", "zh"])
    assert r.exit_code == 0 and "成立" in r.output, r.output
    bad = runner.invoke(app, ["claims", "--quick", "--only", "C1", "--lang", "fr", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "unknown language 'fr'" in bad.output
