"""The perceptron mode's trainer: Rosenblatt's rule an epoch at a time, error rates as its history."""

from __future__ import annotations

import pytest
import torch

from relulab.config import RunConfig
from relulab.models.perceptron import train_perceptron
from relulab.training import PerceptronTrainer, load_run_json, save_run_json


def test_epochs_follow_the_perceptron_rule_exactly():
    tr = PerceptronTrainer(RunConfig(dataset="gauss", n_points=60, lr=0.5))
    for _ in range(4):
        tr.step_epoch()
    x, y = tr.x_train, tr.data.y_train
    ref = train_perceptron(x, y, lr=0.5, epochs=4)  # stops early only once an epoch has no mistake
    w = tr.model.linears[0].weight[0]
    if ref.epochs == 4:
        torch.testing.assert_close(w, ref.perceptron.weight, atol=0, rtol=0)
        assert float(tr.model.linears[0].bias[0]) == ref.perceptron.bias
    assert tr.epoch == 4 and tr.history.epoch == [0, 1, 2, 3, 4]


def test_history_is_the_error_rate_on_both_splits():
    tr = PerceptronTrainer(RunConfig(dataset="linsep", n_points=80))
    s = tr.history.last()
    assert s.epoch == 0 and s.train_acc == pytest.approx(1 - s.train_loss)
    # a zero unit says -1 everywhere (H(0) = 0): the error rate is the share of +1 labels
    assert s.train_loss == pytest.approx(float((tr.data.y_train > 0).double().mean()))
    for _ in range(30):
        s = tr.step_epoch()
    assert s.train_loss == 0.0, "linearly separable data: the rule converges"
    expected = float((tr.predict(tr.x_test) != tr.data.y_test).double().mean())
    assert s.test_loss == expected


def test_xor_is_never_solved():
    tr = PerceptronTrainer(RunConfig(dataset="xor4"))
    assert min(tr.step_epoch().train_loss for _ in range(20)) > 0


@pytest.mark.parametrize("dataset", ["reg-plane", "spiral3"])
def test_a_data_set_that_is_not_two_class_is_refused(dataset):
    with pytest.raises(ValueError, match="the perceptron needs a two-class data set, got"):
        PerceptronTrainer(RunConfig(dataset=dataset, loss="cross_entropy" if dataset == "spiral3" else "mse"))


def test_a_model_with_hidden_layers_is_refused():
    from relulab.training import build_model

    cfg = RunConfig(dataset="circle", hidden=(3,))
    with pytest.raises(ValueError, match="the perceptron is one unit"):
        PerceptronTrainer(cfg, model=build_model(cfg, PerceptronTrainer(cfg).data))


def test_to_run_saves_and_loads_back(tmp_path):
    tr = PerceptronTrainer(RunConfig(dataset="linsep", n_points=40, hidden=(4, 4)))
    tr.step_epoch()
    back = load_run_json(save_run_json(tr.to_run(), tmp_path / "run.json"))
    assert back.config.hidden == ()
    torch.testing.assert_close(back.model.linears[0].weight, tr.model.linears[0].weight)
    assert back.history.train_loss == tr.history.train_loss
