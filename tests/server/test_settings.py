"""``ServerSettings``: the Host allow-list and the one check of every limit."""

from __future__ import annotations

import pytest

from relulab.config import RunConfig
from relulab.server import ServerSettings
from relulab.server.settings import parameter_count


def test_allowed_hosts():
    assert ServerSettings().allowed_hosts() == {"localhost", "127.0.0.1", "::1"}
    assert "lab.school.example" in ServerSettings(host="lab.school.example").allowed_hosts()
    s = ServerSettings(host="0.0.0.0", allow_hosts=("Lab.Example", "[fe80::1]"))
    assert s.allowed_hosts() == {"localhost", "127.0.0.1", "::1", "lab.example", "fe80::1"}


def test_parameter_count_matches_the_built_model():
    from relulab.training import build_model, make_dataset

    for cfg in [RunConfig(), RunConfig(hidden=(8,) * 10, features=("x1", "x2", "x1sq")),
                RunConfig(dataset="spiral3", loss="cross_entropy", hidden=(5,))]:
        model = build_model(cfg, make_dataset(cfg))
        outputs = model.linears[-1].out_features
        assert parameter_count(cfg, outputs) == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("cfg, points, speed, fragment", [
    (RunConfig(hidden=(2,) * 17), 500, 1, "at most 16 hidden layers"),
    (RunConfig(hidden=(33,)), 500, 1, "at most 32 neurons"),
    (RunConfig().model_copy(update={"features": ("x1", "x1", "x2")}), 500, 1, "x1 more than once"),  # unvalidated
    (RunConfig(), 5001, 1, "at most 5000 points"),
    (RunConfig(), 500, 51, "at most 50 epochs per frame"),
    (RunConfig(hidden=(32,) * 16), 5000, 1, "cost:"),
    (RunConfig().model_copy(update={"weight_seed": 2**64 - 1}), 500, 1, "weight_seed"),
    (RunConfig(dataset="digits", loss="cross_entropy", hidden=(2,)), 100, 1,
     r"dataset: the playground draws 1-D and 2-D data, 'digits' has 64-D points; train it with `relulab train"),
])
def test_check_refuses_with_one_line(cfg, points, speed, fragment):
    with pytest.raises(ValueError, match=fragment) as e:
        ServerSettings().check(cfg, points=points, epochs_per_frame=speed)
    assert "\n" not in str(e.value)
