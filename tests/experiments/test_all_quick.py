"""`relulab claims --quick --out DIR`: every registered claim runs and lands in the report with its evidence."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from relulab.cli import app
from relulab.experiments import claim_ids


@pytest.mark.slow
def test_every_claim_quick_into_one_report(tmp_path):
    out = tmp_path / "report"
    res = CliRunner().invoke(app, ["claims", "--quick", "--out", str(out)])
    assert res.exit_code == 0, res.output
    d = json.loads((out / "claims.json").read_text())
    assert [c["id"] for c in d["claims"]] == claim_ids()
    page = (out / "index.html").read_text()
    for c in d["claims"]:
        assert c["error"] is None and c["verdict"] in ("holds", "holds with caveats", "does not hold here",
                                                       "inconclusive"), c
        assert c["command"].startswith(f"relulab claim {c['id']} --quick")
        assert c["rule"] and c["measurements"] and c["figures"], c["id"]
        assert all((out / f["path"]).stat().st_size > 1000 for f in c["figures"]), c["id"]
        assert f'id="{c["id"].lower()}"' in page
    assert page.count("<img ") == sum(len(c["figures"]) for c in d["claims"])
