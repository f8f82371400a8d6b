"""``Run.save``: atomic (a failure mid-save leaves the previous content intact), never deletes a user's
files, replaces a previous run as a whole; ``load_run`` refuses a corrupt history with one line."""

from __future__ import annotations

import json

import pytest
import torch

from relulab.config import RunConfig
from relulab.training import load_run, train
from relulab.training import run as run_module
from relulab.training.run import RUN_FILES, check_run_dir


@pytest.fixture(scope="module")
def small_run():
    return train(RunConfig(dataset="xor", hidden=(3,), activation="relu", epochs=2, n_points=40))


def _state(path):
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


def test_save_writes_a_run_that_loads_back_and_leaves_no_temporary(small_run, tmp_path):
    d = small_run.save(tmp_path / "runs" / "a")  # parents created
    assert set(_state(d)) == {"config.json", "history.json", "model.pt"}
    assert load_run(d).config == small_run.config
    assert [p.name for p in (tmp_path / "runs").iterdir()] == ["a"]


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError])
def test_a_failure_during_save_leaves_the_previous_run_intact(small_run, tmp_path, monkeypatch, failure):
    d = small_run.save(tmp_path / "run")
    before = _state(d)

    def broken_save(obj, path, *a, **k):  # like SIGINT or a full disk half-way through model.pt
        with open(path, "wb") as f:
            f.write(b"trunc")
        raise failure("interrupted")

    monkeypatch.setattr(run_module.torch, "save", broken_save)
    other = train(RunConfig(dataset="xor", hidden=(5,), activation="tanh", epochs=1, n_points=40))
    with pytest.raises(failure):
        other.save(d)
    assert _state(d) == before
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # the temporary directory is gone


def test_a_failure_during_a_first_save_leaves_nothing(small_run, tmp_path):
    def boom(_tmp):
        raise RuntimeError("figure failed")

    with pytest.raises(RuntimeError):
        small_run.save(tmp_path / "new", extra=boom)
    assert list(tmp_path.iterdir()) == []


def test_a_previous_run_is_replaced_as_a_whole(small_run, tmp_path):
    d = tmp_path / "run"
    small_run.save(d, extra=lambda t: (t / "boundary.png").write_bytes(b"png"))
    (d / "data-train.csv").write_text("x1,x2,label\n")  # a file of the previous run only
    small_run.save(d)
    assert set(_state(d)) == {"config.json", "history.json", "model.pt"}


def test_extra_files_are_written_inside_the_run(small_run, tmp_path):
    d = small_run.save(tmp_path / "run", extra=lambda t: (t / "boundary.png").write_bytes(b"png"))
    assert (d / "boundary.png").read_bytes() == b"png"


@pytest.mark.parametrize("setup, needle", [
    (lambda p: p.write_text("mine"), "is not a directory"),
    (lambda p: (p.mkdir(), (p / "notes.txt").write_text("mine")), "not a relulab run (notes.txt)"),
    (lambda p: (p.mkdir(), (p / "config.json").write_text("{}"), (p / "model.pt").write_text(""),
                (p / "thesis.tex").write_text("mine")), "not a relulab run (thesis.tex)"),
    (lambda p: (p.mkdir(), (p / "history.json").write_text("{}")), "not a relulab run"),
])
def test_a_target_that_is_not_a_run_is_refused_and_kept(small_run, tmp_path, setup, needle):
    target = tmp_path / "t"
    setup(target)
    before = target.read_bytes() if target.is_file() else _state(target)
    with pytest.raises(ValueError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        small_run.save(target)
    assert (target.read_bytes() if target.is_file() else _state(target)) == before


def test_the_current_directory_is_refused(small_run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for target in ("", "."):
        with pytest.raises(ValueError, match="directory of its own"):
            check_run_dir(target)
    assert list(tmp_path.iterdir()) == []


def test_every_file_a_run_directory_may_hold_is_a_relulab_file():
    assert {"config.json", "history.json", "model.pt", "boundary.png"} <= RUN_FILES


@pytest.mark.parametrize("history, needle", [
    ("[1, 2]", "holds a JSON list"),
    ("{not json", "is not valid JSON"),
    ('{"epoch": [1, 2], "train_loss": [0.1]}', "does not hold a relulab history"),
    ('{"epoch": 1, "status": "completed"}', "does not hold a relulab history"),
    ('{"epoch": [], "bogus": []}', "does not hold a relulab history"),
    ("[" * 100_000 + "]" * 100_000, "is not valid JSON"),
])
def test_a_corrupt_history_is_one_line_of_error(small_run, tmp_path, history, needle):
    d = small_run.save(tmp_path / "run")
    (d / "history.json").write_text(history)
    with pytest.raises(ValueError, match=needle) as e:
        load_run(d)
    assert "\n" not in str(e.value)


def test_model_weights_survive_the_round_trip(small_run, tmp_path):
    d = small_run.save(tmp_path / "run")
    for (k, a), (_, b) in zip(small_run.model.state_dict().items(), load_run(d).model.state_dict().items(),
                              strict=True):
        assert torch.equal(a, b), k
    assert json.loads((d / "history.json").read_text())["status"] == small_run.status
