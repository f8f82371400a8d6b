"""The compiled engine gives the fused torch engine's numbers to 1e-12, and falls back where it must."""

from __future__ import annotations

import io
import math

import pytest
import torch
from numba.core import event

from relulab.config import RunConfig
from relulab.training import Trainer, train
from relulab.training.build import make_dataset
from relulab.training.compiled.kernels import ACTIVATIONS as ACTIVATION_KERNELS
from relulab.training.compiled.kernels import LOSSES as LOSS_KERNELS
from relulab.training.engines import choose_engine
from relulab.training.engines import lanes_unsupported as group_unsupported
from relulab.training.notice import CompileNotice
from relulab.training.stacked import train_group, train_models
from tests.training.runs_alike import assert_same_run

BASE = dict(dataset="circle", hidden=(3, 4), n_points=46, batch_size=7, epochs=6, lr=0.05)


def both(**kw):
    cfg = RunConfig(**{**BASE, **kw})
    compiled = train(cfg.model_copy(update={"engine": "compiled"}))
    fused = train(cfg.model_copy(update={"engine": "fused"}))
    return compiled, fused


@pytest.mark.parametrize("name", sorted(ACTIVATION_KERNELS))
def test_every_activation_equals_fused(name):
    params = {"negative_slope": 0.2, "alpha": 0.7, "beta": 1.5, "min_val": -0.5, "max_val": 0.8}
    assert_same_run(*both(activation=name, activation_params=params, init="he", regularization="l2",
                          reg_rate=0.01))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
@pytest.mark.parametrize("loss", ["mse", "bce", "cross_entropy"])
def test_optimizers_penalties_and_losses_equal_fused(optimizer, regularization, loss):
    assert_same_run(*both(activation="tanh", optimizer=optimizer, regularization=regularization, reg_rate=0.03,
                          loss=loss, momentum=0.8))


def test_l1_kills_and_freezes_the_same_links():
    cfg = RunConfig(**{**BASE, "activation": "relu", "regularization": "l1", "reg_rate": 0.3, "epochs": 12})
    a = Trainer(cfg.model_copy(update={"engine": "compiled"}))
    b = Trainer(cfg.model_copy(update={"engine": "fused"}))
    for _ in range(cfg.epochs):
        a.step_epoch()
        b.step_epoch()
    assert sum(int(d.sum()) for d in a.dead) > 0, "this rate kills some links"
    assert all(torch.equal(x, y) for x, y in zip(a.dead, b.dead, strict=True))
    assert all(torch.all(w[d] == 0) for w, d in zip([m.weight for m in a.model.linears], a.dead, strict=True))
    assert_same_run(a.to_run(), b.to_run())


@pytest.mark.parametrize("kw", [
    dict(dataset="spiral3", loss="cross_entropy", activation="relu"),          # k classes, argmax labels
    dict(dataset="reg-plane", activation="tanh", hidden=(5,)),                  # regression: no accuracy
    dict(dataset="sin", activation="elu", hidden=()),                           # a linear model, 1-D input
    dict(activation="relu", shuffle=True, batch_size=1),                        # reshuffled every epoch
    dict(activation="sigmoid", batch_size=1000),                                # one batch (full batch)
    dict(activation="relu", features=("x1", "x2", "x1sq", "x2sq", "x1x2")),      # more input features
])
def test_data_shapes_batches_and_problems_equal_fused(kw):
    assert_same_run(*both(**kw))


def test_divergence_stops_with_the_torch_message():
    compiled, fused = both(dataset="reg-plane", activation="relu", init="he", lr=30.0, epochs=40, hidden=(8, 8),
                           n_points=100)
    assert compiled.status == "diverged" and compiled.message.startswith("training diverged at epoch")
    assert compiled.message == fused.message
    assert compiled.history.epoch == fused.history.epoch


def test_target_loss_stops_like_fused():
    compiled, fused = both(activation="tanh", target_loss=0.2, epochs=200)
    assert compiled.status == "target_loss" and len(compiled.history.epoch) < 201
    assert_same_run(compiled, fused)


def test_playground_edits_between_epochs_are_trained_on():
    cfg = RunConfig(**{**BASE, "activation": "relu"})
    trainers = [Trainer(cfg.model_copy(update={"engine": e})) for e in ("compiled", "fused")]
    for t in trainers:
        t.step_epoch()
        with torch.no_grad():
            t.model.linears[1].weight[0, 1] = 0.75
        t.step_epoch()
    assert_same_run(*(t.to_run() for t in trainers))


@pytest.mark.parametrize(("kw", "engine"), [
    (dict(activation="relu"), "compiled"),
    (dict(activation="relu", optimizer="adam"), "fused"),
    (dict(activation="relu", dtype="float32"), "fused"),
    (dict(activation="prelu"), "autograd"),
    (dict(activation="gelu"), "autograd"),
    (dict(activation="relu", hidden=(256, 256)), "fused"),  # large: torch's matmuls win
])
def test_auto_picks_compiled_only_where_it_applies(kw, engine):
    assert Trainer(RunConfig(**{**BASE, **kw})).engine == engine


@pytest.mark.parametrize(("kw", "words"), [
    (dict(optimizer="adam"), "optimizers ['sgd', 'momentum'], got 'adam'"),
    (dict(dtype="float32"), "float64, got dtype 'float32'"),
    (dict(activation="gelu"), "got ['gelu']"),
])
def test_compiled_refuses_what_it_cannot_train(kw, words):
    with pytest.raises(ValueError, match="engine 'compiled' cannot train this run") as e:
        Trainer(RunConfig(**{**BASE, **kw, "engine": "compiled"}))
    assert words in str(e.value) and "use 'auto'" in str(e.value)


def test_the_loss_table_covers_every_loss_and_problem():
    from relulab.objectives import LOSSES

    for name, loss in LOSSES.items():
        for problem in loss.problems:
            assert (name, problem == "classification") in LOSS_KERNELS


# ---- many models at once ----------------------------------------------------------------------------


def test_many_models_equal_their_runs_one_by_one():
    base = RunConfig(**{**BASE, "activation": "tanh", "regularization": "l2", "reg_rate": 0.002})
    cfgs = [base.model_copy(update=u) for u in (
        {"weight_seed": 1}, {"weight_seed": 2, "lr": 0.2}, {"weight_seed": 3, "optimizer": "momentum"},
        {"weight_seed": 4, "regularization": "l1", "reg_rate": 0.05}, {"weight_seed": 5, "batch_size": 3},
        {"weight_seed": 6, "data_seed": "7", "init": "xavier"}, {"weight_seed": 7, "target_loss": 0.9},
        {"weight_seed": 8, "lr": 60.0, "init": "he"},
    )]
    assert group_unsupported(cfgs, [make_dataset(c) for c in cfgs]) is None
    runs = train_models(cfgs)
    for cfg, run in zip(cfgs, runs, strict=True):
        assert_same_run(run, train(cfg.model_copy(update={"engine": "fused"})))
    assert {r.status for r in runs} >= {"completed", "target_loss"}


def test_many_models_take_one_data_set_each_and_report_progress():
    base = RunConfig(**{**BASE, "activation": "relu", "epochs": 5})
    cfgs = [base.model_copy(update={"weight_seed": s, "data_seed": str(s % 2)}) for s in range(4)]
    datas = [make_dataset(c) for c in cfgs]
    seen = []
    runs = train_models(cfgs, datas, on_epoch=seen.append)
    assert sum(seen) == pytest.approx(base.epochs)
    for cfg, data, run in zip(cfgs, datas, runs, strict=True):
        assert run.data is data
        assert_same_run(run, train(cfg.model_copy(update={"engine": "fused"}), data=data))


@pytest.mark.parametrize(("update", "words"), [
    ({"hidden": (2,)}, "these differ in ['hidden']"),
    ({"shuffle": True}, "shuffled runs"),
    ({"optimizer": "adam"}, "got 'adam'"),
])
def test_many_models_refuse_mixed_groups(update, words):
    base = RunConfig(**BASE)
    cfgs = [base, base.model_copy(update=update)]
    assert words in (group_unsupported(cfgs, [make_dataset(c) for c in cfgs]) or "")
    with pytest.raises(ValueError, match="cannot train these runs together"):
        train_models(cfgs)


def test_compile_notice_names_relulab_compiles_only_once():
    out = io.StringIO()
    notice = CompileNotice(out)

    def fire(module: str) -> None:
        fn = type("F", (), {"__module__": module})
        disp = type("D", (), {"py_func": fn})()
        notice.on_start(event.Event("numba:compile", event.EventStatus.START, data={"dispatcher": disp}))

    fire("someone.else")
    assert out.getvalue() == ""
    fire("relulab.training.compiled.loops")
    fire("relulab.analysis.regions.kernels")
    assert out.getvalue().count("compiling") == 1


def test_nan_history_for_an_empty_test_split_is_none():
    run = train(RunConfig(dataset="xor4", hidden=(2,), activation="tanh", epochs=3, engine="compiled"))
    assert not any(math.isnan(v) for v in run.history.train_loss)


def test_train_group_takes_the_compiled_engine_for_small_plain_groups():
    base = RunConfig(**{**BASE, "activation": "relu", "optimizer": "momentum"})
    cfgs = [base.model_copy(update={"weight_seed": s, "lr": 0.01 * (s + 1), "data_seed": str(s % 2)})
            for s in range(4)]
    datas = [make_dataset(c) for c in cfgs]
    assert choose_engine(cfgs, datas).name == "compiled-lanes"
    assert choose_engine([c.model_copy(update={"hidden": (256, 256)}) for c in cfgs], datas).name == "stack-batched"
    many = [base.model_copy(update={"weight_seed": s}) for s in range(1000)]
    assert choose_engine(many, [datas[0]] * 1000).name == "compiled-lanes"  # the lanes kernel: any number of models
    assert choose_engine(cfgs[:1], datas[:1]).name == "compiled"  # one run alone: the single-run loop
    (alone,) = train_group(cfgs[:1])
    assert_same_run(alone, train(cfgs[0]), tol=0.0)
    wide = [c.model_copy(update={"hidden": (32, 32)}) for c in cfgs]  # 1,201 parameters: torch's matmuls
    assert "more than 1000 parameters" in group_unsupported(wide, datas)
    assert choose_engine(wide, datas).name == "stack-batched"
    for cfg, run in zip(cfgs, train_group(cfgs), strict=True):
        assert_same_run(run, train(cfg.model_copy(update={"engine": "fused"})))


@pytest.mark.parametrize("kw", [dict(), dict(target_loss=0.2, epochs=200),
                                dict(dataset="reg-plane", activation="relu", init="he", lr=30.0, epochs=40,
                                     hidden=(8, 8), n_points=100)])
def test_whole_run_in_kernel_calls_equals_epoch_by_epoch(kw):
    cfg = RunConfig(**{**BASE, "activation": "tanh", **kw})
    seen = []
    stepped = train(cfg, on_step=lambda tr, stats: seen.append(stats.epoch))  # a callback: epoch by epoch
    whole = train(cfg)                                                         # none: a few kernel calls
    assert seen == stepped.history.epoch[1:len(seen) + 1]
    assert_same_run(whole, stepped, tol=0.0)


def test_numba_loads_only_when_a_compiled_run_starts():
    import subprocess
    import sys

    code = ("import sys, relulab, relulab.training, relulab.training.stacked, relulab.analysis.regions\n"
            "assert 'numba' not in sys.modules, 'numba imported eagerly'\n"
            "from relulab.config import RunConfig\n"
            "relulab.training.Trainer(RunConfig(hidden=(2,), epochs=1, n_points=20))\n"
            "assert 'numba' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)
