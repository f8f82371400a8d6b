"""The trainer: fused gradients = autograd, engines agree, divergence, target loss, determinism, L1."""

from __future__ import annotations

import math

import pytest
import torch

from relulab.activations import activation_names, get_activation
from relulab.config import RunConfig
from relulab.objectives import LOSSES
from relulab.training import Trainer, train
from relulab.training.engines import closed_form


def _cfg(**kw) -> RunConfig:
    base = dict(dataset="circle", hidden=(4, 3), activation="relu", epochs=3, n_points=60)
    return RunConfig(**{**base, **kw})


FUSABLE = [n for n in activation_names() if closed_form([get_activation(n)])]


@pytest.mark.parametrize("act", FUSABLE)
@pytest.mark.parametrize("loss", ["mse", "bce", "cross_entropy"])
def test_fused_gradients_equal_autograd(act, loss):
    tr = Trainer(_cfg(activation=act, loss=loss, init="he", engine="fused"))
    assert tr.engine == "fused"
    x, t = tr.x_train[:10], tr.t_train[:10]
    grads = tr.run.net.gradients(x, t, tr.loss, True)
    tr.model.zero_grad()
    tr.loss.value(tr.model(x), t, True).mean().backward()
    lin = tr.model.linears
    expected = [m.weight.grad for m in lin] + [m.bias.grad for m in lin]
    for g, e in zip(grads, expected, strict=True):
        # rtol 1e-7: PyTorch's hardsigmoid backward uses a float32 constant 1/6
        torch.testing.assert_close(g, e, atol=1e-12, rtol=1e-7)


@pytest.mark.parametrize("loss", ["mse", "bce", "cross_entropy"])
def test_loss_gradient_formula_matches_autograd(loss, generator):
    spec = LOSSES.get(loss)
    k = 3 if loss == "cross_entropy" else 2
    out = spec.out_dim(k)
    z = torch.randn(7, out, dtype=torch.float64, generator=generator, requires_grad=True)
    y = torch.randint(0, k, (7,), generator=generator) if loss == "cross_entropy" else \
        torch.where(torch.rand(7, generator=generator) > 0.5, 1.0, -1.0).double()
    t = spec.targets(y, k)
    (g,) = torch.autograd.grad(spec.value(z, t, True).sum(), z)
    torch.testing.assert_close(spec.grad(z.detach(), t, True), g)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("reg", ["none", "l1", "l2"])
def test_fused_and_autograd_engines_train_to_the_same_weights(optimizer, reg):
    kw = dict(optimizer=optimizer, regularization=reg, reg_rate=0.01, lr=0.05, epochs=5)
    a = train(_cfg(engine="fused", **kw))
    b = train(_cfg(engine="autograd", **kw))
    for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True):
        torch.testing.assert_close(p, q, atol=1e-11, rtol=0)
    assert a.history.test_loss == pytest.approx(b.history.test_loss, abs=1e-11)


def test_prelu_trains_with_autograd_and_its_slopes_learn():
    run = train(_cfg(activation="prelu", epochs=5, lr=0.1))
    slopes = [m.weight for m in run.model if isinstance(m, torch.nn.PReLU)]
    assert len(slopes) == 2 and slopes[0].shape == (4,)
    assert not torch.allclose(slopes[0], torch.full((4,), 0.25, dtype=torch.float64))


def test_same_config_same_numbers_and_other_seed_differs():
    a, b = train(_cfg()), train(_cfg())
    c = train(_cfg(weight_seed=1))
    assert a.history.train_loss == b.history.train_loss
    assert a.history.train_loss != c.history.train_loss


def test_divergence_stops_with_a_clear_message():
    run = train(_cfg(dataset="reg-plane", lr=50.0, epochs=50, hidden=(8, 8), activation="relu", init="he"))
    assert run.status == "diverged"
    assert "diverged at epoch" in run.message and "lr=50.0" in run.message
    assert len(run.history.epoch) < 51
    assert not math.isfinite(run.history.train_loss[-1])


def test_target_loss_stops_early():
    run = train(_cfg(epochs=500, target_loss=0.2, lr=0.1, hidden=(8,)))
    assert run.status == "target_loss"
    assert run.history.train_loss[-1] <= 0.2 and run.history.epoch[-1] < 500


def test_l1_zeroes_weights_that_cross_zero_and_keeps_them_dead():
    tr = Trainer(_cfg(regularization="l1", reg_rate=0.3, lr=0.1, epochs=20))
    for _ in range(20):
        tr.step_epoch()
    dead = torch.cat([d.flatten() for d in tr.dead])
    weights = torch.cat([m.weight.detach().flatten() for m in tr.model.linears])
    assert dead.any(), "a strong L1 kills links"
    assert torch.all(weights[dead] == 0)


def test_callbacks_are_called_every_epoch():
    seen = []
    train(_cfg(epochs=4), on_step=[lambda tr, s: seen.append(s.epoch), lambda tr, s: None])
    assert seen == [1, 2, 3, 4]


def test_history_has_accuracy_for_classification_and_none_for_regression():
    assert train(_cfg()).history.test_acc[-1] is not None
    assert train(_cfg(dataset="reg-gauss")).history.test_acc[-1] is None


def test_k_class_spiral_with_cross_entropy_learns_something():
    names = [n for n in __import__("relulab.data", fromlist=["DATASETS"]).DATASETS.names()]
    k_class = next(n for n in names if n.startswith("spiral") and n != "spiral")
    run = train(RunConfig(dataset=k_class, loss="cross_entropy", hidden=(16, 16), activation="relu",
                          optimizer="adam", lr=0.01, epochs=30, init="he"))
    k = run.data.num_classes
    assert k >= 3
    assert run.history.train_acc[-1] > 1.5 / k


@pytest.mark.parametrize("engine", ["compiled", "fused"])
def test_continue_from_goes_on_from_the_history_and_keeps_frozen_links(engine):
    cfg = RunConfig(dataset="xor", hidden=(4,), epochs=6, n_points=60, regularization="l1", reg_rate=0.3,
                    lr=0.3, engine=engine)
    first = Trainer(cfg)
    for _ in range(3):
        first.step_epoch()
    assert any(bool(d.any()) for d in first.dead)  # a strong L1 froze some links
    second = Trainer(cfg.model_copy(update={"lr": 0.1}), data=first.data, model=first.model)
    frozen = [d.clone() for d in first.dead]
    assert not any(bool(d.any()) for d in second.dead)  # a new trainer starts with none frozen
    second.continue_from(first.history, first.dead)
    assert second.epoch == 3 and second.history is first.history
    assert all(torch.equal(a, b) for a, b in zip(second.dead, frozen, strict=True))
    stats = second.step_epoch()
    assert stats.epoch == 4 and second.history.epoch == [0, 1, 2, 3, 4]
    for d, w in zip(frozen, [m.weight for m in second.model.linears], strict=True):
        assert bool((w.detach()[d] == 0).all())  # what was frozen stays zero
