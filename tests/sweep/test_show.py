"""A sweep in a notebook: its summary (``_repr_html_``) gives each group's numbers as the summary holds
them and embeds the success-rate figure as a PNG; a sweep's records say how they ended and summarise
over the fields that vary (not the seeds); hostile values are escaped."""

from __future__ import annotations

import html

from relulab.display import num
from relulab.sweep import SweepRecord, SweepRecords, summarize
from relulab.sweep.show import varying
from relulab.sweep.stats import GroupSummary, Summary
from tests.test_display import HOSTILE, pngs


def records() -> SweepRecords:
    accs = {"relu": [0.95, 0.97, 0.8], "identity": [0.5, 0.52, 0.49]}
    return SweepRecords(SweepRecord(f"{a}{s}", {"activation": a, "weight_seed": s, "lr": 0.03}, "completed", "",
                                    {"test_acc": v}) for a, vs in accs.items() for s, v in enumerate(vs))


def test_the_numbers_are_the_summarys():
    s = summarize(records(), by=["activation"], metric="test_acc", success=0.9)
    assert isinstance(s, Summary) and isinstance(s, list) and s.by == ("activation",)
    out = s._repr_html_()
    for g in s:
        cells = [g.group["activation"], g.n, g.mean, f"[{num(g.ci_low)}, {num(g.ci_high)}]", g.successes,
                 g.success_rate, f"[{num(g.wilson_low)}, {num(g.wilson_high)}]", g.diverged, g.errors]
        assert "<tr>" + "".join(f"<td>{html.escape(num(c))}</td>" for c in cells) + "</tr>" in out
    assert "success: test_acc &gt;= 0.9" in out
    (img,) = pngs(out)
    assert img.format == "PNG" and img.size[0] > 100 and img.size[1] > 100


def test_the_records_summarise_over_what_varies():
    recs = records()
    assert varying(recs) == ["activation"]  # weight_seed varies too, but repeats a setting
    out = recs._repr_html_()
    assert "Sweep: 6 runs" in out and "<p>6 completed</p>" in out and "by activation" in out
    assert len(pngs(out)) == 1


def test_hostile_values_are_escaped():
    g = GroupSummary({"dataset": HOSTILE}, 1, 1, 0.5, None, 0.5, 0.5, None, None, 0, 0.0, 0.0, 0.79, 0, 0)
    out = Summary([g], ["dataset"], "test_acc", 0.9)._repr_html_()
    assert "<script" not in out and html.escape(HOSTILE) in out and len(pngs(out)) == 1
