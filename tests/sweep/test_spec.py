"""Sweep specs: expansion into RunConfigs, and every refusal -- each one line naming what was wrong."""

from __future__ import annotations

import json
import os

import pytest

from relulab.config import RunConfig
from relulab.sweep.options import parse_base, parse_grid
from relulab.sweep.spec import MAX_RUNS, SweepSpec, load_spec, run_key


def spec(**kw):
    return SweepSpec.from_dict({"base": {"epochs": 3}, **kw})


def test_product_of_axes_times_seeds_in_grid_order():
    s = spec(grid={"activation": ["relu", "tanh"], "hidden": [[3], "3,3"]}, seeds=2, data_seeds=2)
    cfgs = s.configs()
    assert len(cfgs) == s.size() == 2 * 2 * 2 * 2
    assert s.axes() == ["activation", "hidden", "data_seed", "weight_seed"]
    assert [(c.activation, c.hidden, c.data_seed, c.weight_seed) for c in cfgs[:3]] == [
        ("relu", (3,), "0", 0), ("relu", (3,), "0", 1), ("relu", (3,), "1", 0)]
    assert all(c.epochs == 3 for c in cfgs)
    assert len({run_key(c) for c in cfgs}) == 16


def test_duplicate_values_give_one_run_and_seeds_default_to_the_base():
    s = spec(grid={"lr": [0.1, 0.10, "0.1"]})
    assert [c.lr for c in s.configs()] == [0.1]
    assert SweepSpec.from_dict({"base": {"weight_seed": 7}}).configs() == [RunConfig(weight_seed=7)]


def test_run_key_hashes_the_whole_config():
    a = RunConfig(lr=0.1)
    assert run_key(a) == run_key(RunConfig.model_validate(json.loads(a.model_dump_json())))
    assert run_key(a) != run_key(a.model_copy(update={"data_seed": "1"}))
    assert run_key(a) != run_key(a.model_copy(update={"momentum": 0.5}))


@pytest.mark.parametrize(("d", "message"), [
    ({"grid": {"activaton": ["relu"]}}, "unknown axis 'activaton'; allowed: the RunConfig fields [dataset, "),
    ({"grid": {"activation": []}}, "empty axis 'activation'"),
    ({"grid": {"activation": ["relu", "swish"]}}, "axis 'activation': invalid value 'swish': "
                                                   "unknown activation 'swish'; choose one of"),
    ({"grid": {"lr": [0.1, -1]}}, "axis 'lr': invalid value -1: lr: Input should be greater than 0"),
    ({"grid": {"hidden": [[3], [3, 0]]}}, "axis 'hidden': invalid value (3, 0): hidden: `hidden` widths must be >= 1"),
    ({"grid": {"epochs": ["ten"]}}, "axis 'epochs': invalid value 'ten'"),
    ({"base": {"lrate": 0.1}}, "unknown base field 'lrate'"),
    ({"base": {"noise": 0.9}}, "base: noise: Input should be less than or equal to 0.5"),
    ({"grid": {"activation": ["relu", "relu,tanh"], "hidden": [[3], [3, 3]]}},
     "combination activation='relu,tanh', hidden=(3,): one activation per hidden layer"),
    ({"grid": {"weight_seed": [1, 2]}, "seeds": 3}, "axis 'weight_seed' and spec key 'seeds' both set"),
    ({"grid": {"data_seed": ["1"]}, "data_seeds": 2}, "axis 'data_seed' and spec key 'data_seeds' both set"),
    ({"grid": {"lr": [0.1, 0.2]}, "seeds": MAX_RUNS}, "the spec makes 2,000,000 runs; at most 1,000,000"),
])
def test_configs_refuses_a_bad_spec_with_one_line(d, message):
    with pytest.raises(ValueError) as err:
        SweepSpec.from_dict(d).configs()
    text = str(err.value)
    assert message in text and "\n" not in text


@pytest.mark.parametrize(("d", "message"), [
    ({"grids": {}}, "unknown spec key 'grids'; allowed: ['name', 'base', 'grid'"),
    ({"grid": {"lr": 0.1}}, "axis 'lr' must be a list of values or {uniform|loguniform: [LOW, HIGH]}, got 0.1"),
    ({"grid": ["lr"]}, "spec 'grid' must be a mapping"),
    ({"seeds": 0}, "spec 'seeds' must be at least 1, got 0"),
    ({"seeds": [0, "a"]}, "spec 'seeds' must list integers"),
    ({"seeds": True}, "spec 'seeds' must be a count or a list"),
    ({"data_seeds": []}, "spec 'data_seeds' must be a count >= 1 or a non-empty list"),
    ({"success": "high"}, "spec 'success' must be a number"),
    ({"metric": 3}, "spec 'metric' must be a metric name"),
])
def test_from_dict_refuses_a_malformed_spec(d, message):
    with pytest.raises(ValueError) as err:
        SweepSpec.from_dict(d)
    assert message in str(err.value)


def test_load_spec_yaml_json_and_their_errors(tmp_path):
    y = tmp_path / "s.yaml"
    y.write_text("base: {epochs: 2}\ngrid:\n  hidden: [[3], [8, 8]]\nseeds: 2\nsuccess: 0.8\n")
    s = load_spec(y)
    assert [c.hidden for c in s.configs()] == [(3,), (3,), (8, 8), (8, 8)] and s.success == 0.8
    j = tmp_path / "s.json"
    j.write_text(json.dumps(s.to_dict()))
    assert load_spec(j).configs() == s.configs()
    (tmp_path / "bad.yaml").write_text("grid: [unclosed\n")
    with pytest.raises(ValueError, match="is not valid YAML"):
        load_spec(tmp_path / "bad.yaml")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ValueError, match="is not valid JSON"):
        load_spec(tmp_path / "bad.json")
    (tmp_path / "list.yaml").write_text("- 1\n")
    with pytest.raises(ValueError, match="a sweep spec is a mapping"):
        load_spec(tmp_path / "list.yaml")
    with pytest.raises(FileNotFoundError, match="no sweep spec at"):
        load_spec(tmp_path / "missing.yaml")


def test_c11_spec_is_the_claim():
    from tests.conftest import REPO

    s = load_spec(REPO / "examples" / "sweeps" / "c11.yaml")
    cfgs = s.configs()
    assert len(cfgs) == 8 * 3 * 2 * 3 * 2 * 20
    c = cfgs[0]
    assert (c.init, c.optimizer, c.lr, c.batch_size, c.epochs, c.regularization, c.noise, c.data_seed) == (
        "playground", "sgd", 0.03, 10, 500, "none", 0.0, "1")
    assert {len(c.hidden) for c in cfgs} == {1, 2, 3} and {max(c.hidden) for c in cfgs} == {3, 8}
    assert {c.lr for c in cfgs} == {0.03, 1.0}
    assert s.metric == "test_acc" and s.success == 0.9


def test_command_line_spellings():
    assert parse_grid("hidden=3,3,3:8,8") == ("hidden", ("3,3,3", "8,8"))
    assert parse_grid("activation=relu,tanh:tanh,relu") == ("activation", ("relu,tanh", "tanh,relu"))
    assert parse_grid("features=x1,x2:x1,x2,x1x2") == ("features", (("x1", "x2"), ("x1", "x2", "x1x2")))
    assert parse_grid("lr=0.1,0.3") == ("lr", ("0.1", "0.3"))
    assert parse_base(['{"lr": 0.1, "hidden": [3]}', "epochs=5", "activation_params=negative_slope=0.2"]) == {
        "lr": 0.1, "hidden": [3], "epochs": "5", "activation_params": {"negative_slope": 0.2}}
    s = SweepSpec().merged(base=parse_base(["epochs=5"]), grid=dict([parse_grid("lr=0.1,0.3")]), seeds=2)
    assert [(c.lr, c.epochs, c.weight_seed) for c in s.configs()] == [(0.1, 5, 0), (0.1, 5, 1), (0.3, 5, 0),
                                                                      (0.3, 5, 1)]


@pytest.mark.parametrize(("fn", "arg", "message"), [
    (parse_grid, "activation", "--grid wants FIELD=VALUE1,VALUE2"),
    (parse_grid, "=relu", "--grid wants FIELD=VALUE1,VALUE2"),
    (parse_grid, "activation=", "empty axis 'activation'"),
    (parse_base, ["lr"], "--base wants a JSON object or FIELD=VALUE"),
    (parse_base, ["{not json"], "--base is not a valid JSON object"),
    (parse_base, ["[1, 2]"], "--base wants a JSON object or FIELD=VALUE"),
    (parse_base, ["activation_params=slope"], "activation_params wants name=value pairs"),
])
def test_command_line_spellings_refused(fn, arg, message):
    with pytest.raises(ValueError) as err:
        fn(arg)
    assert message in str(err.value)


def _alias_bomb(where: str) -> str:
    levels = ['&l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"&l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
    return f"{where}: [{', '.join(levels)}]\nseeds: 2\n"


@pytest.mark.parametrize("where", ["name", "base: {features", "grid: {hidden"])
def test_an_alias_bomb_is_refused_before_it_is_walked(tmp_path, where):
    text = _alias_bomb(where)
    if "{" in where:
        text = text.replace("\nseeds", "}\nseeds")
    assert len(text.encode()) < 1000
    (tmp_path / "bomb.yaml").write_text(text)
    with pytest.raises(ValueError, match=r"the spec expands to more than 2,000,000 values \(YAML aliases count"):
        load_spec(tmp_path / "bomb.yaml")


def test_spec_files_are_bounded_and_regular(tmp_path):
    from relulab.sweep.spec import MAX_SPEC_BYTES

    big = tmp_path / "big.yaml"
    with big.open("w") as f:
        f.write("seeds: 2\nname: x\n# " + "x" * MAX_SPEC_BYTES + "\n")
    with pytest.raises(ValueError, match="is larger than 16 MB; allowed: at most 16 MB"):
        load_spec(big)
    os.mkfifo(tmp_path / "fifo.yaml")
    with pytest.raises(ValueError, match=r"is not a regular file \(a pipe or a device\?\)"):
        load_spec(tmp_path / "fifo.yaml")
    with pytest.raises(ValueError, match="is a directory"):
        load_spec(tmp_path)
    (tmp_path / "deep.json").write_text('{"name": ' + "[" * 100 + "]" * 100 + "}")
    with pytest.raises(ValueError, match="nested more than 32 levels deep"):
        load_spec(tmp_path / "deep.json")
    with pytest.raises(ValueError, match="spec 'name' must be a text of at most 200 characters"):
        SweepSpec.from_dict({"name": "n" * 201})
    with pytest.raises(ValueError, match="spec 'name' must be a text of at most 200 characters, got \\[1, 2\\]"):
        SweepSpec.from_dict({"name": [1, 2]})
