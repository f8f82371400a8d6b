"""relulab.sweep.selection: labels, axes, the filter (and its bad input), the grid against stats.summarize, CSV."""

from __future__ import annotations

import csv
import io
import itertools

import pytest

from relulab.sweep.records import SweepRecord
from relulab.sweep.selection import Selection, axes, csv_text, grid, label, metrics, values
from relulab.sweep.stats import wilson


def rec(i: int, act: str, hidden: list[int], acc: float | None, status: str = "completed") -> SweepRecord:
    return SweepRecord(f"{i:032x}", {"activation": act, "hidden": hidden, "lr": 0.1, "weight_seed": i % 3},
                       status, "", {} if acc is None else {"test_acc": acc, "test_loss": 1 - acc})


RECORDS = [rec(i, a, h, acc) for i, ((a, h), acc) in enumerate(
    zip(list(itertools.product(["relu", "tanh"], [[3], [8, 8], [10]])) * 2,
        [0.95, 0.5, 0.91, 0.3, 0.99, 0.7, 0.2, 0.92, 0.93, 0.94, 0.1, 0.9], strict=True))]


def test_labels_and_axes_in_numeric_order():
    assert (label([8, 8]), label((3,)), label(0.1), label("relu")) == ("8,8", "3", "0.1", "relu")
    ax = axes(RECORDS)
    assert ax == {"activation": ["relu", "tanh"], "hidden": ["3", "8,8", "10"], "weight_seed": ["0", "1", "2"]}
    assert "lr" not in ax and values(RECORDS)["lr"] == ["0.1"]  # one value: a field, not an axis
    assert list(axes(RECORDS, order=["weight_seed", "hidden"])) == ["weight_seed", "hidden", "activation"]
    assert metrics(RECORDS) == ["test_acc", "test_loss"]


def test_filter_by_values_and_range_against_a_plain_loop():
    sel = Selection.parse(["activation=relu", "hidden=3", "hidden=10", "test_acc=0.9:", "lr=0.1"], RECORDS)
    want = [r.key for r in RECORDS if r.config["activation"] == "relu" and r.config["hidden"] in ([3], [10])
            and r.metrics["test_acc"] >= 0.9]
    assert [r.key for r in sel.apply(RECORDS)] == want and len(want) == 3
    low = Selection.parse(["test_accuracy=:0.5"], RECORDS).apply(RECORDS)  # an alias, an open low end
    assert sorted(r.metrics["test_acc"] for r in low) == [0.1, 0.2, 0.3, 0.5]
    no_metric = [*RECORDS, rec(99, "relu", [3], None, status="error")]
    assert len(Selection.parse(["test_acc=0:1"], no_metric).apply(no_metric)) == len(RECORDS)


@pytest.mark.parametrize(("terms", "message"), [
    (["activation"], "a filter is FIELD=VALUE or METRIC=LOW:HIGH, got 'activation'"),
    (["activation=gelu"], "filter activation: no run has the value 'gelu'; allowed: relu, tanh"),
    (["activaton=relu"], "filter: unknown field 'activaton'; allowed: the config fields"),
    (["test_acc=0.5"], "filter test_acc: a range is LOW:HIGH (either may be empty), got '0.5'"),
    (["test_acc=a:b"], "filter test_acc: a range is LOW:HIGH"),
    (["test_acc=0.9:0.1"], "filter test_acc: the range '0.9:0.1' is empty; LOW must be <= HIGH"),
    (["test_acc=nan:1"], "filter test_acc: the range 'nan:1' is empty"),
    (["hidden=3"] * 201, "at most 200 filter terms, got 201"),
])
def test_bad_filters_are_one_line_messages(terms, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")) as e:
        Selection.parse(terms, RECORDS)
    assert "\n" not in str(e.value)


def test_grid_cells_are_the_success_counts_with_wilson_intervals():
    cells = grid(RECORDS, "hidden", "activation", metric="test_acc", success=0.9, order=axes(RECORDS))
    assert len(cells) == 6
    for c in cells:
        accs = [r.metrics["test_acc"] for r in RECORDS if label(r.config["hidden"]) == c["x"]
                and r.config["activation"] == c["y"]]
        k = sum(a >= 0.9 for a in accs)
        assert (c["n"], c["successes"]) == (len(accs), k)
        assert (c["wilson_low"], c["wilson_high"]) == pytest.approx(wilson(k, len(accs)))
        assert c["mean"] == pytest.approx(sum(accs) / len(accs))
    loss = grid(RECORDS, "hidden", "activation", metric="test_loss", success=0.1, order=axes(RECORDS))
    assert sum(c["successes"] for c in loss) == sum(r.metrics["test_loss"] <= 0.1 for r in RECORDS)


@pytest.mark.parametrize(("x", "y", "metric", "message"), [
    ("hidden", "hidden", "test_acc", "the grid needs two different axes, got 'hidden' twice"),
    ("lr", "hidden", "test_acc", "unknown axis 'lr'; axes of this sweep: activation, hidden, weight_seed"),
    ("hidden", "activation", "accuracy", "unknown metric 'accuracy'"),
])
def test_bad_grid_requests(x, y, metric, message):
    with pytest.raises(ValueError, match="^" + message):
        grid(RECORDS, x, y, metric=metric, success=0.9, order=axes(RECORDS))


def test_csv_has_one_line_per_run_with_exact_numbers():
    rows = list(csv.DictReader(io.StringIO(csv_text(RECORDS[:4]))))
    assert [r["key"] for r in rows] == [r.key for r in RECORDS[:4]]
    for row, r in zip(rows, RECORDS[:4], strict=True):
        assert float(row["test_acc"]) == r.metrics["test_acc"] and row["hidden"] == label(r.config["hidden"])
        assert row["status"] == "completed" and int(row["weight_seed"]) == r.config["weight_seed"]
    gap = list(csv.DictReader(io.StringIO(csv_text([RECORDS[0], rec(5, "relu", [3], None, "error")]))))
    assert (gap[1]["status"], gap[1]["test_acc"], gap[1]["test_loss"]) == ("error", "", "")
