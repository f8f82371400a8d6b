"""The shipped claims.json of a full run, read defensively (old and new formats, missing pieces)."""

from __future__ import annotations

import json

from relulab.experiments import claim_ids
from relulab.lessons import LESSONS, get_lesson
from relulab.lessons.verdicts import SHIPPED, measured


def test_the_shipped_run_is_a_full_run_with_every_lessons_claim():
    data = json.loads(SHIPPED.read_text())
    assert data["meta"]["mode"] == "full" and data["meta"]["generated"]
    for name in LESSONS.names():
        for cid in get_lesson(name).claims:
            m = measured(cid)
            assert m is not None and m["verdict"] and m["generated"] and m["machine"], cid
    assert {c["id"] for c in data["claims"]} == set(claim_ids())


def test_old_and_odd_claims_files(tmp_path):
    old = tmp_path / "old.json"  # before claims had parts or a key number
    old.write_text(json.dumps({"meta": {"generated": "2026-01-01 10:00 UTC", "mode": "full", "machine": "x86_64"},
                               "claims": [{"id": "C3", "verdict": "holds",
                                           "measurements": [{"name": "relu acc", "value": 0.97, "unit": ""}]}]}))
    m = measured("C3", old)
    assert m["verdict"] == "holds" and m["key"] == "relu acc: 0.97" and m["parts"] == [] and "x86_64" in m["machine"]
    assert measured("C4", old) is None
    for bad in ("not json", "[1, 2]", json.dumps({"claims": [1, None, {"id": "C3", "parts": [3]}]})):
        f = tmp_path / "bad.json"
        f.write_text(bad)
        m = measured("C3", f)
        assert m is None or (m["parts"] == [] and m["verdict"] == "")
    assert measured("C3", tmp_path / "missing.json") is None
