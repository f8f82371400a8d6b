"""Pictures: the heatmap and thumbnails are the network's own outputs on the grid, quantised as documented."""

from __future__ import annotations

import pytest
import torch

from relulab.config import RunConfig
from relulab.data import DATASETS
from relulab.server import ServerSettings
from relulab.server.lab import Lab
from relulab.server.pictures import line_range, plane_grid
from relulab.server.session import Session
from relulab.server.settings import page_datasets
from relulab.server.wire import decode, to_bytes

SETTINGS = ServerSettings(heatmap_resolution=20, thumbnail_stride=4, curve_resolution=30)


def test_grid_rows_run_from_the_top():
    g = plane_grid(-6.0, 6.0, 5)
    assert g[0].tolist() == [-6.0, 6.0] and g[4].tolist() == [6.0, 6.0] and g[-1].tolist() == [6.0, -6.0]


def test_heatmap_and_thumbnails_are_the_network_outputs():
    s = Session("t", SETTINGS, RunConfig(activation="relu", hidden=(3, 2)))
    s.advance(2)
    head, payload = decode(s.frame())
    res, tres = head["heat"]["res"], head["thumbs"]["res"]
    assert res == 20 and tres == 5 and head["epoch"] == 2
    run = s.lab.run()
    grid = plane_grid(-6.0, 6.0, res)
    expected = to_bytes(run.predict(grid)[:, 0])  # mse classification: tanh of the output
    (off, n) = head["payload"][0]
    assert payload[off:off + n] == expected
    with torch.no_grad():
        hidden = run.model.hidden_outputs(run.data.inputs(grid))
    sub = torch.arange(0, res, 4)
    unit = hidden[1][:, 1].reshape(res, res)[sub][:, sub]  # layer 2, unit 2 = thumbnail 2 + 3 + 1
    off, n = head["payload"][1 + 2 + 3 + 1]
    scale = head["thumbs"]["scale"][2 + 3 + 1]
    assert scale == round(max(1.0, float(unit.abs().max())), 3)
    assert payload[off:off + n] == to_bytes(unit, max(1.0, float(unit.abs().max())))
    assert head["weights"][2][0] == [round(w, 4) for w in run.model.linears[2].weight[0].tolist()]


def test_one_dimensional_mode_sends_the_curve():
    s = Session("t", SETTINGS, RunConfig(dataset="abs", hidden=(4,), activation="relu"))
    head, _ = decode(s.frame())
    assert head["mode"] == "line" and len(head["line"]["x"]) == 30
    lo, hi = line_range(-4.0, 4.0)
    assert (head["line"]["lo"], head["line"]["hi"]) == (lo, hi) == (-8.0, 8.0)
    x = torch.tensor(head["line"]["x"], dtype=torch.float64)[:, None]
    torch.testing.assert_close(torch.tensor(head["line"]["y"], dtype=torch.float64),
                               s.lab.run().predict(x)[:, 0], atol=1e-4, rtol=0)
    assert sorted(head["regions"]["kinks"]) == head["regions"]["kinks"]


def test_classes_mode_for_softmax():
    lab_cfg = RunConfig(dataset="spiral3", loss="cross_entropy", activation="relu", hidden=(4,))
    s = Session("t", SETTINGS, lab_cfg)
    head, payload = decode(s.frame())
    assert head["heat"]["kind"] == "classes" and head["heat"]["classes"] == 3
    off, n = head["payload"][0]
    expected = s.lab.run().predict(plane_grid(-6.0, 6.0, 20)).argmax(1).to(torch.uint8)
    assert payload[off:off + n] == expected.numpy().tobytes()
    assert len(head["confusion"]["matrix"]) == 3


def test_panels_regions_refusal_and_collapse():
    s = Session("t", SETTINGS, RunConfig(activation="tanh"))
    head, _ = decode(s.frame())
    assert "tanh is smooth" in head["regions"]["refused"]
    s.handle_text('{"type": "config", "config": {"activation": "identity", "hidden": [3, 3]}}')
    head, _ = decode(s.frame())
    c = head["collapse"]
    assert head["regions"]["count"] == 1 and c["layers"] == 3 and c["rank"] == 1
    x = torch.tensor([[1.0, -2.0]], dtype=torch.float64)  # oracle: the network itself
    y = s.lab.trainer.model(x)[0, 0].item()
    assert abs(c["weight"][0][0] * 1.0 + c["weight"][0][1] * -2.0 + c["bias"][0] - y) < 1e-4
    s.handle_text('{"type": "config", "config": {"activation": "relu", "features": ["x1", "x1sq"]}}')
    head, _ = decode(s.frame())
    assert "bend" in head["regions"]["refused"]


def test_region_overlay_polygons_tile_the_square():
    s = Session("t", SETTINGS, RunConfig(activation="relu", hidden=(4,)))
    s.handle_text('{"type": "ui", "regions": true}')
    head, _ = decode(s.frame())
    r = head["regions"]
    assert len(r["polygons"]) == r["count"] and r["bounds"]["first_layer"] == 11

    def area(p):
        xs, ys = p[0::2], p[1::2]
        return 0.5 * abs(sum(xs[i] * ys[(i + 1) % len(xs)] - xs[(i + 1) % len(xs)] * ys[i] for i in range(len(xs))))

    assert abs(sum(area(p) for p in r["polygons"]) - 144.0) < 1e-2
    assert head["region_history"][-1] == [0, r["count"]]
    from relulab.analysis.regions import local_complexity, regions

    lc = local_complexity(regions(s.lab.trainer.model, s.lab.trainer.data.domain), s.lab.trainer.data.x_train)
    assert r["local_complexity"] == {"mean": round(lc.mean, 3), "radius": round(lc.radius, 4)}


def test_regions_over_max_region_units_are_refused_with_the_limit():
    s = Session("t", SETTINGS.model_copy(update={"max_region_units": 6}), RunConfig(activation="relu", hidden=(4, 3)))
    head, _ = decode(s.frame())
    assert head["regions"]["refused"].startswith("No live regions for 7 hidden units: this server computes them for "
                                                 "at most 6")


def test_diagnostics_flag_a_dead_unit():
    lab = Lab(RunConfig(activation="relu", hidden=(3,)), SETTINGS)
    lab.edit(0, "bias", 1, None, -100.0)  # unit 1 can never fire on points in [-6, 6]^2
    s = Session("t", SETTINGS)
    s.lab = lab
    head, _ = decode(s.frame())
    d = head["diagnostics"]
    assert d["layers"][0]["dead"] == [1] and d["dead_total"] == 1 and len(d["weight_grad_norms"]) == 2


def test_prelu_slopes_are_sent_as_they_learn():
    s = Session("t", SETTINGS, RunConfig(activation=("prelu", "relu"), hidden=(3, 2), lr=0.3))
    head, _ = decode(s.frame())
    assert head["prelu"][0] == [0.25, 0.25, 0.25] and head["prelu"][1] is None
    s.advance(5)
    head, _ = decode(s.frame())
    learned = s.lab.trainer.model[1].weight.detach().tolist()
    assert head["prelu"][0] == [round(a, 4) for a in learned] and head["prelu"][0] != [0.25] * 3


@pytest.mark.parametrize("name", sorted(page_datasets()))  # digits (64-D) is refused: test_settings
def test_every_data_set_gives_frames(name):
    spec = DATASETS.get(name)
    loss = "cross_entropy" if spec.num_classes > 2 else "mse"
    extra = {"formula": "sin(2*x)"} if name == "formula" else {}
    s = Session("t", SETTINGS, RunConfig(dataset=name, loss=loss, activation="relu", hidden=(3,), n_points=40
                                         if spec.holdout else None, **extra))
    s.handle_text('{"type": "ui", "regions": true}')
    s.advance(2)
    head, payload = decode(s.frame())
    assert head["epoch"] == 2 and not [m for m in s.drain() if m["type"] == "error"]
    assert head["mode"] == ("line" if spec.input_dim == 1 else "plane")
    assert head["regions"]["count"] >= 1 and sum(n for _, n in head["payload"]) == len(payload)
