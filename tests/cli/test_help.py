"""Help that teaches: every run option says what it is, its default and (for names) the allowed values,
all generated from RunConfig and the registries; flags are flags; output fits 80 columns."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from relulab.activations import activation_names
from relulab.cli import app
from relulab.cli.common import choices, option_help
from relulab.config import REGISTRIES, RunConfig
from relulab.data import DATASETS

runner = CliRunner()


def _help(*cmd: str) -> str:
    res = runner.invoke(app, [*cmd, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert res.exit_code == 0, res.output
    return res.output


@pytest.mark.parametrize("field", list(RunConfig.model_fields))
def test_every_run_field_has_a_description_default_and_choices(field):
    text = option_help(field)
    assert RunConfig.model_fields[field].description, f"RunConfig.{field} has no description"
    assert "Default: " in text
    allowed = {"dataset": DATASETS.names(), "activation": activation_names(), **{k: r.names() for k, r in
                                                                                REGISTRIES.items()}}
    for name in allowed.get(field, []):
        assert name in text


def test_literal_fields_list_their_values_and_aliases_are_marked():
    assert choices("engine")[0] == "auto" and "fused" in choices("engine")
    assert choices("dtype") == ["float32", "float64"]
    assert "linear (= identity)" in choices("activation")
    assert choices("lr") is None


def test_train_help_shows_descriptions_defaults_and_choices_within_80_columns():
    text = _help("train")
    flat = " ".join(text.split())
    for needle in ("--dataset <str> data set to train on. Default: circle. One of: circle, xor",
                   "--lr <float> learning rate (above 0, at most 100). Default: 0.03.",
                   "--hidden <str>", "Default: 4,2.",
                   "--engine <str>", "--shuffle / --no-shuffle", "Default: --no-shuffle."):
        assert needle in flat, needle
    assert "<bool>" not in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_regions_run_says_directory_or_run_json():
    assert "an exported run.json" in " ".join(_help("regions").split())


def test_top_level_help_lists_whole_command_summaries():
    text = _help()
    flat = " ".join(text.split())
    for whole in ("report test accuracy and loss.", "or name the layer that breaks linearity."):
        assert whole in flat  # not cut at 45 characters
