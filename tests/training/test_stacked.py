"""E models trained as one stack give the same numbers as E separate runs (float64, 1e-12)."""

from __future__ import annotations

import pytest
import torch

from relulab.config import RunConfig
from relulab.training import train
from relulab.training.engines import choose_engine, stack_key
from relulab.training.stacked import _datasets, train_group, train_many


def stackable(cfgs):
    return choose_engine(cfgs, _datasets(cfgs)).name.startswith("stack-")


def assert_same_as_alone(run, cfg, rtol=0.0):
    alone = train(cfg)
    assert (run.status, run.message) == (alone.status, alone.message)
    for p, q in zip(run.model.parameters(), alone.model.parameters(), strict=True):
        torch.testing.assert_close(p, q, atol=1e-12, rtol=rtol, equal_nan=True)
    assert run.history.epoch == alone.history.epoch
    for field in ("train_loss", "test_loss"):
        torch.testing.assert_close(torch.tensor(getattr(run.history, field)),
                                   torch.tensor(getattr(alone.history, field)), atol=1e-12, rtol=rtol, equal_nan=True)
    assert run.history.train_acc == alone.history.train_acc
    assert run.history.test_acc == alone.history.test_acc


MIXED = [dict(weight_seed=0, data_seed="0", lr=0.03, reg_rate=0.001, momentum=0.9),
         dict(weight_seed=1, data_seed="0", lr=0.1, reg_rate=0.001, momentum=0.5),
         dict(weight_seed=2, data_seed="7", lr=0.03, reg_rate=0.01, momentum=0.9),
         dict(weight_seed=3, data_seed="8", lr=0.05, reg_rate=0.0, momentum=0.0)]


@pytest.mark.parametrize("activation,params", [
    ("relu", {}), ("tanh", {}), ("sigmoid", {}), ("leaky_relu", {"negative_slope": 0.2}), ("identity", {}),
    ("prelu", {}), ("prelu", {"init": 0.1}), ("gelu", {}), ("silu", {}),
])
@pytest.mark.parametrize("engine", ["fused", "auto"])  # auto: the compiled engine where it applies
def test_stack_mixing_seeds_lr_reg_rate_and_data_equals_separate_runs(activation, params, engine):
    base = RunConfig(dataset="circle", hidden=(3, 3), n_points=80, epochs=5, activation=activation,
                     activation_params=params, regularization="l2", init="he",
                     engine="auto" if activation in ("prelu", "gelu", "silu") else engine)
    cfgs = [base.model_copy(update=m) for m in MIXED]
    assert len({stack_key(c) for c in cfgs}) == 1
    expected = "stack-" if activation in ("prelu", "gelu", "silu") or engine == "fused" else "compiled-lanes"
    assert choose_engine(cfgs, _datasets(cfgs)).name.startswith(expected)
    for cfg, run in zip(cfgs, train_group(cfgs), strict=True):
        assert_same_as_alone(run, cfg)


@pytest.mark.parametrize("kw", [
    dict(activation="relu", regularization="l2", reg_rate=0.001),
    dict(activation="tanh", optimizer="adam", lr=0.01, regularization="l1", reg_rate=0.01),
    dict(activation="leaky_relu", loss="cross_entropy", optimizer="momentum"),
    dict(activation="relu", loss="bce", optimizer="momentum", regularization="l1", reg_rate=0.003),
    dict(activation="tanh", dataset="reg-gauss"),
    dict(activation="relu", dataset="spiral3", loss="cross_entropy", optimizer="adam", lr=0.01),
    dict(activation="prelu", optimizer="adam", lr=0.01, regularization="l1", reg_rate=0.01, engine="auto",
         hidden=(12, 3)),
    dict(activation=("prelu", "tanh"), loss="bce", optimizer="momentum", engine="auto"),
])
def test_stack_equals_loop(kw):
    base = RunConfig(**{"dataset": "circle", "hidden": (3, 3), "n_points": 80, "epochs": 6, "engine": "fused", **kw})
    cfgs = [base.model_copy(update={"weight_seed": s}) for s in range(4)]
    assert stackable(cfgs)
    for cfg, run in zip(cfgs, train_many(cfgs), strict=True):
        assert_same_as_alone(run, cfg)


@pytest.mark.parametrize("optimizer,regularization", [("sgd", "l1"), ("momentum", "l2"), ("adam", "l2")])
def test_per_model_lr_momentum_and_reg_rate_with_every_optimizer(optimizer, regularization):
    base = RunConfig(dataset="xor", hidden=(4,), activation="tanh", n_points=60, epochs=4, optimizer=optimizer,
                     regularization=regularization, batch_size=7, engine="fused")
    cfgs = [base.model_copy(update=m) for m in MIXED]
    for cfg, run in zip(cfgs, train_group(cfgs), strict=True):
        assert_same_as_alone(run, cfg)


def test_configs_that_differ_beyond_the_per_model_fields_run_one_by_one():
    a = RunConfig(dataset="xor", hidden=(2,), epochs=2, n_points=40)
    cfgs = [a, a.model_copy(update={"batch_size": 5})]
    assert not stackable(cfgs)
    runs = train_many(cfgs)
    assert [r.config.batch_size for r in runs] == [10, 5]
    with pytest.raises(ValueError, match="share one stack_key; got 2 groups"):
        train_group(cfgs)


@pytest.mark.parametrize("field,value", [
    ("dataset", "xor"), ("hidden", (3,)), ("activation", "tanh"), ("batch_size", 5), ("epochs", 3),
    ("features", ("x1", "x2", "x1x2")), ("n_points", 60), ("loss", "bce"), ("optimizer", "adam"),
    ("regularization", "l1"), ("dtype", "float32"), ("noise", 0.1), ("init", "he"), ("shuffle", True),
    ("activation_params", {"negative_slope": 0.3}),
])
def test_shape_and_semantics_fields_split_groups(field, value):
    a = RunConfig(dataset="circle", hidden=(3, 3), activation="relu", epochs=2, n_points=40)
    assert stack_key(a) != stack_key(a.model_copy(update={field: value}))
    hash(stack_key(a))


@pytest.mark.parametrize("field,value", [("weight_seed", 5), ("data_seed", "3"), ("lr", 0.2), ("reg_rate", 0.1),
                                         ("momentum", 0.1)])
def test_per_model_fields_share_a_key(field, value):
    a = RunConfig(dataset="circle", hidden=(3, 3), epochs=2, n_points=40)
    assert stack_key(a) == stack_key(a.model_copy(update={field: value}))


def test_train_many_keeps_the_order_of_mixed_groups():
    a = RunConfig(dataset="xor", hidden=(2,), epochs=2, n_points=40)
    cfgs = [a, a.model_copy(update={"hidden": (3,)}), a.model_copy(update={"weight_seed": 4}),
            a.model_copy(update={"activation": "prelu"})]
    runs = train_many(cfgs)
    assert [r.config for r in runs] == cfgs
    for cfg, run in zip(cfgs, runs, strict=True):
        assert_same_as_alone(run, cfg)


@pytest.mark.parametrize("activation", ["relu", "prelu"])
def test_on_epoch_adds_up_to_the_groups_epochs(activation):
    base = RunConfig(dataset="xor", hidden=(2,), epochs=3, n_points=40, activation=activation)
    seen = []
    train_group([base.model_copy(update={"weight_seed": s}) for s in range(3)], on_epoch=seen.append)
    assert sum(seen) == pytest.approx(3)


def test_a_diverging_member_is_reported_and_does_not_disturb_the_others():
    base = RunConfig(dataset="reg-plane", hidden=(8, 8), activation="relu", init="he", lr=6.0, epochs=30,
                     n_points=100, regularization="l2", reg_rate=0.01, engine="fused")
    cfgs = [base.model_copy(update={"weight_seed": s, "lr": 6.0 if s % 2 else 0.01}) for s in range(8)]
    runs = train_group(cfgs)
    assert {r.status for r in runs} == {"completed", "diverged"}, "this lr makes some seeds diverge, not all"
    for cfg, run in zip(cfgs, runs, strict=True):
        assert_same_as_alone(run, cfg, rtol=1e-12)  # lr 6 blows some weights up to 1e10 before they diverge
        if run.status == "diverged":
            assert "lr=6.0" in run.message and "reg_rate=0.01" in run.message


@pytest.mark.parametrize("hidden", [(3, 3), (12, 9)])
@pytest.mark.parametrize("batch_size", [7, 40])
def test_narrow_and_wide_stack_layouts_with_shared_and_per_model_data(hidden, batch_size):
    """Nets up to 8 wide train with the model axis last, wider ones with batched matmuls; batches above
    32 points take the other gradient formula; both layouts with shared and per-model data."""
    base = RunConfig(dataset="spiral", hidden=hidden, activation="tanh", n_points=120, epochs=3,
                     batch_size=batch_size, features=("x1", "x2", "sin_x1"), regularization="l2", reg_rate=0.01,
                     engine="fused")
    for seeds in (["0", "0", "0"], ["0", "4", "9"]):
        cfgs = [base.model_copy(update={"weight_seed": s, "data_seed": d, "lr": 0.03 * (s + 1)})
                for s, d in enumerate(seeds)]
        assert choose_engine(cfgs, _datasets(cfgs)).name.startswith("stack-")
        for cfg, run in zip(cfgs, train_group(cfgs), strict=True):
            assert_same_as_alone(run, cfg)


def test_narrow_stack_gradients_equal_the_fused_stack(generator):
    from relulab.activations import get_activation
    from relulab.models import init_stack
    from relulab.objectives import LOSSES
    from relulab.training.fused import FusedNet
    from relulab.training.narrow import NarrowStack

    acts = [(get_activation("sigmoid"), {}), (get_activation("leaky_relu"), {"negative_slope": 0.1})]
    ws, bs = init_stack((2, 4, 3, 3), ("sigmoid", "leaky_relu"), {}, "he", [0, 1, 2, 3])
    wide, narrow = FusedNet(ws, bs, acts), NarrowStack.from_model_first(ws, bs, acts)
    loss = LOSSES.get("cross_entropy")
    for x, t in ((torch.randn(9, 2, dtype=torch.float64, generator=generator), torch.arange(9) % 3),
                 (torch.randn(4, 9, 2, dtype=torch.float64, generator=generator), torch.arange(36).view(4, 9) % 3)):
        expected = wide.gradients(x, t, loss, True)
        got = narrow.gradients(narrow.inputs(x), t, loss, True)
        got = [g.permute(2, 0, 1) for g in got[:3]] + [g.permute(1, 0) for g in got[3:]]
        for g, e in zip(got, expected, strict=True):
            torch.testing.assert_close(g, e, atol=1e-14, rtol=0)
        torch.testing.assert_close(narrow.logits(narrow.inputs(x)), wide.logits(x), atol=1e-14, rtol=0)


def test_prelu_slopes_are_learned_per_model_and_unit_in_the_stack():
    base = RunConfig(dataset="xor", hidden=(4,), activation="prelu", epochs=5, lr=0.1, n_points=60)
    cfgs = [base.model_copy(update={"weight_seed": s}) for s in range(3)]
    assert choose_engine(cfgs, _datasets(cfgs)).name.startswith("stack-")
    slopes = [next(m for m in r.model if isinstance(m, torch.nn.PReLU)).weight for r in train_group(cfgs)]
    assert all(s.shape == (4,) and not torch.allclose(s, torch.full((4,), 0.25, dtype=torch.float64)) for s in slopes)
    assert not torch.equal(slopes[0], slopes[1])
    fused = [c.model_copy(update={"engine": "fused"}) for c in cfgs]
    assert choose_engine(fused, _datasets(fused)).name == "sequential"  # as train(): 'fused' refuses PReLU
