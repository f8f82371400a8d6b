"""``Lab``: the playground's change semantics, against fresh trainers and the perceptron rule as oracles."""

from __future__ import annotations

import pytest
import torch

from relulab.config import RunConfig
from relulab.server import ServerSettings
from relulab.server.lab import Lab, next_seed
from relulab.training import Trainer


def params(lab: Lab) -> list[torch.Tensor]:
    return [p.detach().clone() for p in lab.trainer.model.parameters()]


@pytest.fixture
def lab() -> Lab:
    return Lab(RunConfig(activation="relu", hidden=(3,)), ServerSettings(max_layers=6, max_neurons=8))


def test_training_matches_a_plain_trainer(lab):
    ref = Trainer(lab.cfg)
    for _ in range(3):
        lab.step()
        ref.step_epoch()
    for a, b in zip(lab.trainer.model.parameters(), ref.model.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_hot_change_keeps_weights_epoch_and_history(lab):
    lab.step()
    before, hist = params(lab), list(lab.trainer.history.train_loss)
    lab.set_config(lab.cfg.model_copy(update={"lr": 0.3, "batch_size": 5, "optimizer": "adam"}))
    assert lab.trainer.epoch == 1 and lab.trainer.history.train_loss == hist
    assert all(torch.equal(a, b) for a, b in zip(before, params(lab), strict=True))
    assert lab.trainer.run.update.optimizer.spec.name == "adam" and lab.trainer.run.update.lr == 0.3
    lab.step()
    assert lab.trainer.epoch == 2


def test_structural_change_rebuilds_from_the_weight_seed(lab):
    lab.step()
    lab.set_config(lab.cfg.model_copy(update={"hidden": (2, 2)}))
    fresh = Trainer(lab.cfg)
    assert lab.trainer.epoch == 0
    assert all(torch.equal(a, b) for a, b in zip(lab.trainer.model.parameters(), fresh.model.parameters(), strict=True))


def test_reset_returns_to_the_same_initial_weights(lab):
    start = params(lab)
    for _ in range(3):
        lab.step()
    lab.reset()
    assert lab.trainer.epoch == 0 and len(lab.trainer.history.epoch) == 1
    assert all(torch.equal(a, b) for a, b in zip(start, params(lab), strict=True))


def test_new_weights_and_regenerate(lab):
    w0, x0 = params(lab)[0], lab.trainer.data.x_train.clone()
    lab.new_weights()
    assert lab.cfg.weight_seed == 1 and not torch.equal(params(lab)[0], w0)
    assert torch.equal(lab.trainer.data.x_train, x0)
    lab.regenerate()
    assert lab.cfg.data_seed == "1" and not torch.equal(lab.trainer.data.x_train, x0)
    assert next_seed("9") == "10"


def test_edit_sets_one_weight_and_the_output_bias(lab):
    lab.edit(0, "weight", 2, 1, 0.75)
    lab.edit(1, "bias", 0, None, -2.0)
    lins = lab.trainer.model.linears
    assert lins[0].weight[2, 1].item() == 0.75 and lins[1].bias[0].item() == -2.0
    x = lab.trainer.x_train[:5]  # the fused path sees the edit too
    torch.testing.assert_close(lab.trainer.logits(x), lab.trainer.model(x))


@pytest.mark.parametrize("args, fragment", [
    ((5, "weight", 0, 0, 1.0), "layer 5 does not exist"),
    ((0, "weight", 9, 0, 1.0), "has 3 units"),
    ((0, "weight", 0, 7, 1.0), "needs col in 0..1"),
    ((0, "weight", 0, None, 1.0), "needs col"),
])
def test_bad_edits(lab, args, fragment):
    with pytest.raises(ValueError, match=fragment):
        lab.edit(*args)


def test_server_limits(lab):
    for update, fragment in [({"hidden": (2,) * 7}, "at most 6 hidden layers"),
                             ({"hidden": (9,)}, "at most 8 neurons"), ({"n_points": 6000}, "at most 5000 points")]:
        with pytest.raises(ValueError, match=fragment):
            lab.set_config(lab.cfg.model_copy(update=update))
    assert lab.cfg.hidden == (3,)


def test_added_point_joins_the_training_set_without_a_reset(lab):
    lab.step()
    n = len(lab.trainer.data.x_train)
    lab.add_point((1.5, -2.0), -1.0)
    assert len(lab.trainer.data.x_train) == n + 1 and lab.trainer.epoch == 1
    assert lab.trainer.data.x_train[-1].tolist() == [1.5, -2.0] and lab.custom is not None
    with pytest.raises(ValueError, match="-1 or 1"):
        lab.add_point((0.0, 0.0), 0.5)
    lab.clear_points()
    assert lab.custom is None and len(lab.trainer.data.x_train) == n


def test_perceptron_mode(lab):
    lab.set_config(lab.cfg.model_copy(update={"dataset": "gauss"}))
    lab.set_perceptron(True)
    positives = float((lab.trainer.data.y_train > 0).double().mean())
    assert lab.model_cfg.hidden == () and lab.trainer.history.train_loss[0] == positives  # w = 0: all say -1
    for _ in range(5):
        lab.step()
    assert lab.trainer.history.test_loss[-1] < 0.1
    lab.set_config(lab.cfg.model_copy(update={"dataset": "reg-plane"}))
    assert not lab.perceptron
    with pytest.raises(ValueError, match="two-class"):
        lab.set_perceptron(True)


def test_a_refused_weight_seed_changes_nothing(lab):
    before, w = lab.cfg, params(lab)
    with pytest.raises(ValueError, match="weight_seed: allowed 0.."):
        lab.set_config(lab.cfg.model_copy(update={"weight_seed": 2**64 - 1}))
    assert lab.cfg == before and all(torch.equal(a, b) for a, b in zip(w, params(lab), strict=True))


def test_a_change_that_fails_to_build_commits_nothing(lab, monkeypatch):
    import relulab.server.lab as lab_module

    lab.step()
    before, trainer = lab.cfg, lab.trainer

    def broken(cfg, data):
        raise ValueError("cannot build")

    monkeypatch.setattr(lab_module, "build_model", broken)
    with pytest.raises(ValueError, match="cannot build"):
        lab.set_config(lab.cfg.model_copy(update={"hidden": (5,), "dataset": "xor"}))
    assert lab.cfg == before and lab.trainer is trainer and lab.trainer.epoch == 1


def test_default_limits_take_every_link_the_page_loads_within_the_cost_limit():
    lab = Lab(RunConfig(), ServerSettings())
    lab.set_config(RunConfig(hidden=(8,) * 10, activation="relu", n_points=1000))  # TF Playground renders 10x8
    assert len(lab.trainer.model.linears) == 11
    with pytest.raises(ValueError, match="cost: points x parameters x epochs per frame"):
        lab.set_speed(50)
    assert lab.speed == 1
    lab.set_speed(20)
    assert lab.speed == 20


def test_duplicate_features_are_refused(lab):
    with pytest.raises(ValueError, match="each feature at most once, got x1 more than once"):
        lab.set_config(lab.cfg.model_copy(update={"features": ("x1",) * 5000}))
    assert lab.cfg.features is None
