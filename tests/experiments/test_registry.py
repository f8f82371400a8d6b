"""The claim registry: id normalisation, errors become ERROR results, decide() sets the verdict."""

from __future__ import annotations

import pytest

from relulab.experiments import CLAIMS, Claim, ClaimResult, Measurement, Verdict, claim_id, run_claim


def _decide(m: dict) -> tuple[Verdict, list[str]]:
    return (Verdict.HOLDS, []) if m["x"] > 1 else (Verdict.FAILS, ["x too small"])


def _run_ok(quick=False, seed=0, device="cpu", progress=None):
    progress(0.5)
    return CLAIMS.get("C98").result({"x": seed}, [Measurement("x", seed)], seeds=[seed])


def _run_bad(quick=False, seed=0, device="cpu", progress=None):
    raise RuntimeError("boom")


@pytest.fixture
def fake_claims(monkeypatch):
    monkeypatch.setitem(CLAIMS._items, "C98", Claim("C98", "t", "ok claim", "x > 1", _run_ok, _decide))
    monkeypatch.setitem(CLAIMS._items, "C99", Claim("C99", "t", "bad claim", "x > 1", _run_bad, _decide))


def test_ids_normalise(fake_claims):
    assert claim_id("c98") == claim_id("C098") == "C98"
    with pytest.raises(ValueError, match="unknown claim 'C7x'"):
        claim_id("C7x")


def test_run_claim_times_and_reports_progress(fake_claims):
    seen = []
    r = run_claim("c98", quick=True, seed=3, progress=seen.append)
    assert isinstance(r, ClaimResult) and r.verdict is Verdict.HOLDS and r.quick and r.seconds >= 0
    assert seen == [0.5, 1.0]
    r = run_claim("C98", seed=1, progress=seen.append)
    assert r.verdict is Verdict.FAILS and r.caveats == ["x too small"] and not r.quick


def test_a_failing_claim_becomes_an_error_result(fake_claims):
    r = run_claim("C99")
    assert r.verdict is Verdict.ERROR and r.measurements == []
    assert r.error.startswith("RuntimeError: boom") and "test_registry.py" in r.error


def test_all_fourteen_claims_are_registered_with_a_rule():
    from relulab.experiments import claim_ids, get_claim

    assert claim_ids() == [f"C{i}" for i in range(1, 15)]
    for cid in claim_ids():
        c = get_claim(cid)
        assert c.rule and c.text and c.title and callable(c.decide)
