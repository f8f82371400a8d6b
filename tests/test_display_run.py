"""A Run in a notebook (``_repr_html_``): its numbers as the run holds them, its history drawn point for
point, its prediction image matching what the model predicts, every string escaped."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest
import torch

from relulab.config import RunConfig
from relulab.display import num
from relulab.display.run import GRID
from relulab.training import train
from tests.test_display import HOSTILE, SVG, path_points, pngs, svgs


@pytest.fixture(scope="module")
def run():
    return train(RunConfig(dataset="circle", hidden=(4,), activation="relu", epochs=12, engine="autograd"))


def test_the_numbers_are_the_runs(run):
    out = run._repr_html_()
    last = run.history.last()
    row = "".join(f"<td>{html.escape(num(v))}</td>" for v in (run.status, last.epoch, last.train_loss,
                                                                  last.test_loss, last.train_acc, last.test_acc))
    assert f"<tr>{row}</tr>" in out
    assert f"<td>lr</td><td>{num(run.config.lr)}</td>" in out and f"epoch {last.epoch}" in out


def test_the_curves_have_one_point_per_epoch(run):
    charts = {s.find(f"{SVG}title").text: s for s in svgs(run._repr_html_())}
    assert set(charts) == {"loss", "accuracy", "prediction and training points"}
    for name in ("loss", "accuracy"):
        paths = charts[name].findall(f"{SVG}path")
        assert [p.find(f"{SVG}title").text for p in paths] == ["train", "test"]
        assert [path_points(p) for p in paths] == [len(run.history.epoch)] * 2  # epochs 0..12


def test_the_prediction_image_shows_what_the_model_predicts(run):
    out = run._repr_html_()
    (img,) = pngs(out)
    img = img.convert("RGB")
    assert img.size == (GRID, GRID)
    lo, hi = run.data.domain
    checked = 0
    for r in range(0, GRID, 7):
        for c in range(0, GRID, 7):
            u, v = lo + c * (hi - lo) / (GRID - 1), hi - r * (hi - lo) / (GRID - 1)  # top row: v = hi
            z = float(torch.tanh(run.logits(torch.tensor([[u, v]], dtype=torch.float64))[0, 0]))
            red, _, blue = img.getpixel((c, r))
            if abs(z) > 0.2:
                checked += 1
                assert (blue > red) == (z > 0), (u, v, z, red, blue)  # blue: class +1, orange: class -1
    assert checked > 10
    assert out.count("<circle") == min(400, len(run.data.x_train))


def test_a_hostile_message_is_escaped(run):
    out = dataclasses.replace(run, message=HOSTILE, note=HOSTILE, engine_reason=HOSTILE)._repr_html_()
    assert "<script" not in out and out.count(html.escape(HOSTILE)) == 3


def test_a_regression_run_has_no_accuracy_curve():
    run = train(RunConfig(dataset="reg-plane", hidden=(3,), epochs=3, engine="autograd"))
    titles = [s.find(f"{SVG}title").text for s in svgs(run._repr_html_())]
    assert titles == ["loss", "prediction and training points"]
    assert not re.search(r"<td>\s*</td>", run._repr_html_())
