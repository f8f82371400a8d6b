"""``relulab activations``: table, JSON, gallery files, the C2 table, and exit 2 on bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from relulab.activations import activation_names, get_activation
from relulab.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["activations", *args])


def test_table_lists_every_activation_with_its_formula():
    r = invoke()
    assert r.exit_code == 0, r.output
    for name in activation_names():
        assert name in r.stdout
    assert "1[x > 0]" in r.stdout  # rich markup must not eat the step's "[x > 0]"
    assert "negative_slope=0.01" in r.stdout and "0, 6" in r.stdout


def test_json_is_the_registry():
    r = invoke("--json")
    assert r.exit_code == 0, r.output
    records = json.loads(r.stdout)
    assert [d["name"] for d in records] == activation_names()
    by = {d["name"]: d for d in records}
    assert by["relu"]["kinks"] == [0.0] and by["relu"]["range"] == [0.0, None]
    assert by["tanh"]["gain"] == pytest.approx(5 / 3) and by["tanh"]["zero_centred"] is True
    assert by["hardtanh"]["params"] == {"min_val": -1.0, "max_val": 1.0}
    for d in records:
        act = get_activation(d["name"])
        assert (d["formula"], d["piecewise_linear"], d["smooth"], d["monotone"]) == (
            act.latex, act.piecewise_linear, act.smooth, act.monotone)


def test_names_select_rows_and_aliases_resolve():
    r = invoke("linear", "relu", "--json")
    assert r.exit_code == 0, r.output
    assert [d["name"] for d in json.loads(r.stdout)] == ["identity", "relu"]


@pytest.mark.parametrize("suffix", [".png", ".svg", ".SVG"])
def test_plot_writes_the_gallery(tmp_path, suffix):
    out = tmp_path / f"gallery{suffix}"
    r = invoke("relu", "tanh", "--plot", str(out))
    assert r.exit_code == 0, r.output
    head = out.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in out.read_bytes()[:1000]
    assert f"wrote {out}" in r.stderr


def test_linearity_table_and_json():
    r = invoke("--linearity", "relu", "identity", "gelu")
    assert r.exit_code == 0, r.output
    assert "piecewise linear" in r.stdout and "smooth nonlinear" in r.stdout and "linear" in r.stdout
    r = invoke("--linearity", "--json", "--seed", "3")
    rows = json.loads(r.stdout)
    assert [d["name"] for d in rows] == activation_names() and all(d["agrees"] for d in rows)
    relu = next(d for d in rows if d["name"] == "relu")
    assert relu["classification"] == "piecewise linear" and relu["positive_homogeneity"] == 0.0
    assert relu["additivity"] > 0 and relu["oddness"] > 0


def test_bad_plot_suffix_exits_2_with_one_line(tmp_path):
    r = invoke("--plot", str(tmp_path / "gallery.pdf"))
    assert r.exit_code == 2
    assert r.stderr.strip().splitlines() == [
        f"error: --plot needs a file ending in .png or .svg, got {str(tmp_path / 'gallery.pdf')!r}"]
    assert not (tmp_path / "gallery.pdf").exists()


def test_plot_into_missing_directory_exits_2(tmp_path):
    r = invoke("--plot", str(tmp_path / "nope" / "g.png"))
    assert r.exit_code == 2 and "does not exist" in r.stderr and "Traceback" not in r.output


def test_unknown_name_exits_2_listing_the_choices():
    r = invoke("relu", "relux")
    assert r.exit_code == 2
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("error: unknown activation 'relux'; choose one of [") and "'leaky_relu'" in line


# ---- the table as text: formulas without LaTeX, the alias, the gain explained -------------------------
@pytest.mark.parametrize("name, text", [
    ("sigmoid", "1/(1 + e^-x)"), ("step", "1[x > 0]"), ("leaky_relu", "max(0, x) + a min(0, x)"),
    ("elu", "x if x > 0 else α(e^x - 1)"), ("softplus", "1/β ln(1 + e^(βx))"),
    ("celu", "max(0, x) + min(0, α(e^(x/α) - 1))"),
    ("softsign", "x/(1 + |x|)"), ("mish", "x tanh(ln(1 + e^x))"),
])
def test_formulas_render_as_text(name, text):
    from relulab.activations import get_activation
    from relulab.cli.activations import latex_to_text

    assert latex_to_text(get_activation(name).latex) == text


def test_no_latex_is_left_in_any_formula():
    from relulab.activations import activation_names, get_activation
    from relulab.cli.activations import latex_to_text

    for n in activation_names():
        assert not set(latex_to_text(get_activation(n).latex)) & set("\\{}"), n


def test_table_shows_the_alias_and_explains_gain():
    res = runner.invoke(app, ["activations"])
    assert res.exit_code == 0
    assert "identity = linear" in res.output and "gain: the factor He/Xavier" in res.output
    assert "\\frac" not in res.output and "\\max" not in res.output
    rec = {r["name"]: r for r in json.loads(runner.invoke(app, ["activations", "--json"]).stdout)}
    assert rec["identity"]["aliases"] == ["linear"] and rec["sigmoid"]["formula_text"] == "1/(1 + e^-x)"
