"""TensorFlow Playground links: the issue's link field by field, round trips, messy links."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from relulab.config import RunConfig
from relulab.playground_url import read_link


class _Link:
    """A link read into a config, as the CLI and the server do it."""

    def __init__(self, url: str) -> None:
        link = read_link(url)
        self.config, self.ui, self.notes = RunConfig(**link.fields), link.ui, link.notes


def parse_playground_url(url: str) -> _Link:
    return _Link(url)


def to_playground_url(cfg: RunConfig) -> str:
    return cfg.to_playground_url()

ISSUE_LINK = (
    "https://playground.tensorflow.org/#activation=relu&batchSize=10&dataset=circle&regDataset=reg-plane"
    "&learningRate=0.03&regularizationRate=0.001&noise=0&networkShape=3,3,3&seed=0.5&showTestData=false"
    "&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false"
    "&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false"
    "&hideText=false&regularization=L2"
)


def test_issue_link_field_by_field():
    link = parse_playground_url(ISSUE_LINK)
    c = link.config
    assert c.activation == "relu"
    assert c.batch_size == 10
    assert c.dataset == "circle" and c.problem == "classification"
    assert c.lr == 0.03
    assert c.reg_rate == 0.001
    assert c.regularization == "l2"
    assert c.noise == 0.0
    assert c.hidden == (3, 3, 3)
    assert c.data_seed == "0.5"
    assert c.train_ratio == 0.5
    assert c.feature_names() == ("x1", "x2")
    assert c.init == "playground" and c.loss == "mse" and c.optimizer == "sgd"
    assert link.ui == {"showTestData": False, "discretize": False, "collectStats": False, "hideText": False}
    assert link.notes == []


def test_round_trip_through_a_link():
    link = parse_playground_url(ISSUE_LINK)
    again = parse_playground_url(to_playground_url(link.config))
    assert again.config == link.config
    rich = RunConfig(dataset="reg-gauss", activation="leaky_relu", activation_params={"negative_slope": 0.2},
                     hidden=(), features=("x1", "x1x2", "sin_x2"), weight_seed=5, optimizer="adam",
                     loss="mse", epochs=42, noise=0.25, train_ratio=0.7, data_seed="abc")
    assert parse_playground_url(to_playground_url(rich)).config == rich
    fx = RunConfig(dataset="formula", formula="sin(2*x) + x^2/4 - e", hidden=(8,), activation="relu")
    assert parse_playground_url(to_playground_url(fx)).config == fx


def test_messy_links_are_accepted_with_notes():
    link = parse_playground_url("#activation=sigmoid&noise=80&percTrainData=5&colour=xyz")
    assert link.config.noise == 0.5 and link.config.train_ratio == 0.1
    text = " | ".join(link.notes)
    assert "noise=80 is outside 0..50: clamped to 50" in text
    assert "percTrainData=5 is outside 10..90: clamped to 10" in text
    assert "ignored keys" in text and "colour" in text
    assert "missing keys took the playground's defaults" in text
    assert "no seed in the link" in text
    assert link.config.hidden == (4, 2)  # the page's default shape


def test_regression_link_uses_reg_dataset_and_empty_shape_is_linear():
    c = parse_playground_url("#problem=regression&regDataset=reg-gauss&networkShape=&seed=1").config
    assert c.dataset == "reg-gauss" and c.hidden == ()


@pytest.mark.parametrize("url, needle", [
    ("", "not a playground link"),
    ("https://example.com/page", "not a playground link"),
    ("#learningRate=fast", "learningRate='fast' must be a number"),
    ("#noise=nan", "noise='nan' must be a finite number"),
    ("#problem=ranking", "problem='ranking'"),
    ("#regularization=L3", "regularization='L3'"),
    ("#batchSize=2.5", "batchSize='2.5' must be a whole number"),
])
def test_malformed_links_are_errors(url, needle):
    with pytest.raises(ValueError, match=None) as e:
        parse_playground_url(url)
    assert needle in str(e.value)


def test_unknown_activation_in_a_link_names_the_allowed_ones():
    with pytest.raises(ValidationError) as e:
        parse_playground_url("#activation=swish")
    assert "unknown activation 'swish'; choose one of" in str(e.value)


# ---- the link bugs of issue 10: each failed before the fix -------------------------------------------


def _keys(url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).fragment, keep_blank_values=True))


def test_identity_is_written_as_the_pages_linear():
    url = RunConfig(activation="identity").to_playground_url()
    assert _keys(url)["activation"] == "linear"  # the page reads "identity" as its default, tanh
    assert "relulab_activation" not in _keys(url)
    assert RunConfig.from_playground_url(url).activation == "identity"
    assert RunConfig.from_playground_url("#activation=linear&seed=1").activation == "identity"


def test_the_unused_one_of_dataset_and_reg_dataset_is_kept():
    link = read_link("#dataset=xor&regDataset=reg-gauss&problem=classification&seed=1")
    cfg = RunConfig(**link.fields)
    assert cfg.dataset == "xor" and link.page == {"regDataset": "reg-gauss"}
    back = _keys(cfg.to_playground_url(ui={**link.ui, **link.page}))
    assert back["dataset"] == "xor" and back["regDataset"] == "reg-gauss"
    link = read_link("#dataset=spiral&regDataset=reg-gauss&problem=regression&seed=1")
    back = _keys(RunConfig(**link.fields).to_playground_url(ui=link.page))
    assert back["dataset"] == "spiral" and back["regDataset"] == "reg-gauss" and back["problem"] == "regression"


@pytest.mark.parametrize("lr, reg_rate, noise, ratio", [
    (0.0123456789, 0.000123456789, 0.07, 0.29),
    (1e-7, 3.3333333333333335, 0.123456789, 0.7),
    (99.99999999999999, 0.1 + 0.2, 0.5, 0.55),  # lr and reg_rate are at most 100
])
def test_floats_round_trip_exactly(lr, reg_rate, noise, ratio):
    cfg = RunConfig(lr=lr, reg_rate=reg_rate, noise=noise, train_ratio=ratio, regularization="l2",
                    activation="leaky_relu", activation_params={"negative_slope": 0.0123456789})
    back = RunConfig.from_playground_url(cfg.to_playground_url())
    assert (back.lr, back.reg_rate, back.noise, back.train_ratio) == (lr, reg_rate, noise, ratio)
    assert back == cfg


def test_percentages_are_written_short():
    keys = _keys(RunConfig(noise=0.07, train_ratio=0.29).to_playground_url())
    assert keys["noise"] == "7" and keys["percTrainData"] == "29"  # not 7.000000000000001
    keys = _keys(RunConfig(noise=0.5, train_ratio=0.5).to_playground_url())
    assert keys["noise"] == "50" and keys["percTrainData"] == "50"  # not 5e+01


def test_a_link_without_regularization_gets_no_note():
    # The page writes no regularization key for "none": a page link never has one.
    page_link = ISSUE_LINK.replace("&regularization=L2", "")
    link = read_link(page_link)
    assert link.notes == [] and link.fields["regularization"] == "none"
    assert "regularization" not in _keys(RunConfig().to_playground_url())  # written as the page does


def test_cos_keys_of_the_page_switch_nothing_on():
    link = read_link(ISSUE_LINK.replace("cosX=false", "cosX=true").replace("cosY=false", "cosY=true"))
    assert RunConfig(**link.fields).feature_names() == ("x1", "x2")  # the page's network has no cos input
    assert any("cosX=true is ignored" in n and "cos_x1" in n for n in link.notes)
    assert any("cosY=true is ignored" in n for n in link.notes)


def test_booleans_read_as_the_page_reads_them():
    # state.ts: a key with a value is true unless the value is "false"; an empty value is no value
    c = RunConfig.from_playground_url("#seed=1&xSquared=1&x=&y=false&sinY=yes")
    assert c.feature_names() == ("x1", "x1sq", "sin_x2")


def test_relulab_extras_travel_under_keys_the_page_ignores():
    cfg = RunConfig(dataset="moons", hidden=(3, 2), activation=("relu", "elu"), features=("x1", "x2", "cos_x1"),
                    optimizer="adam", loss="bce", weight_seed=4)
    keys = _keys(cfg.to_playground_url())
    assert keys["relulab_activation"] == "relu,elu" and "activation" not in keys
    assert keys["relulab_dataset"] == "moons" and keys["dataset"] == "circle"
    assert keys["cos_x1"] == "true" and "cosX" not in keys
    assert keys["optimizer"] == "adam" and keys["loss"] == "bce" and keys["weight_seed"] == "4"
    assert RunConfig.from_playground_url(cfg.to_playground_url()) == cfg
    one = RunConfig(activation="leaky_relu", hidden=(3,))
    keys = _keys(one.to_playground_url())
    assert keys["relulab_activation"] == "leaky_relu" and "activation" not in keys
    assert read_link(one.to_playground_url()).notes == []
    assert RunConfig.from_playground_url(one.to_playground_url()) == one


def test_older_relulab_links_still_read():
    c = RunConfig.from_playground_url("#activation=relu,tanh&networkShape=3,2&dataset=moons&seed=1")
    assert c.activation == ("relu", "tanh") and c.dataset == "moons"


def test_ten_layers_of_eight_are_accepted():
    # The page loads any networkShape; 10 x 8 is the largest one the issue's users sent.
    shape = ",".join(["8"] * 10)
    c = RunConfig.from_playground_url(f"#networkShape={shape}&seed=1")
    assert c.hidden == (8,) * 10


# ---- link fidelity: both data sets, without the page state -------------------------------------------
# Links as people share them (the playground's own "share" output, the issue's classroom link, links of
# both problem types with a non-default data set of the other type, old links without some keys).
REAL_LINKS = [
    ISSUE_LINK,
    "#dataset=gauss&regDataset=reg-gauss",
    "#activation=relu&dataset=xor&networkShape=4&problem_hide=true&regularization_hide=true&dataset_hide=true"
    "&hideText=true",
    "#activation=tanh&batchSize=10&dataset=spiral&regDataset=reg-gauss&learningRate=0.03&regularizationRate=0"
    "&noise=0&networkShape=8,8,8,8,8,8&seed=0.86436&showTestData=false&discretize=false&percTrainData=50&x=true"
    "&y=true&xTimesY=true&xSquared=true&ySquared=true&cosX=false&sinX=true&cosY=false&sinY=true"
    "&collectStats=false&problem=classification&initZero=false&hideText=false",
    "#activation=sigmoid&batchSize=10&dataset=xor&regDataset=reg-gauss&learningRate=0.3&regularizationRate=0"
    "&noise=0&networkShape=3&seed=0.1&percTrainData=50&x=true&y=true&problem=regression",
    "#activation=linear&batchSize=3&dataset=circle&regDataset=reg-plane&learningRate=0.001&noise=15"
    "&networkShape=&seed=0.7&problem=regression&regularization=L1&regularizationRate=0.01",
    "#activation=relu&dataset=spiral&regDataset=reg-gauss&networkShape=4,2&seed=0.5&problem=classification"
    "&tutorial=dp-reducing-a-model&x_hide=true&y_hide=true&learningRate_hide=true",
    "#activation=relu&dataset=gauss&regDataset=reg-plane&problem=regression&seed=2",
]


@pytest.mark.parametrize("url", REAL_LINKS)
def test_a_real_link_round_trips_with_both_data_sets(url):
    from urllib.parse import parse_qsl

    given = dict(parse_qsl(url.split("#", 1)[1], keep_blank_values=True))
    link = read_link(url)
    cfg = RunConfig(**link.fields)
    hidden = {f"{n}_hide": True for n in link.hidden}
    back = _keys(cfg.to_playground_url(ui={**link.ui, **link.page, **hidden}))
    for key in ("dataset", "regDataset"):
        assert back[key] == given.get(key, {"dataset": "circle", "regDataset": "reg-plane"}[key]), key
    # with the config alone (the library: RunConfig.from_playground_url(...).to_playground_url()) as well
    alone = _keys(RunConfig.from_playground_url(url).to_playground_url())
    for key in ("dataset", "regDataset"):
        assert alone[key] == back[key], key
    assert RunConfig.from_playground_url(cfg.to_playground_url()) == cfg  # the config's own link reads back
    for key, value in given.items():  # every key the page knows comes back as it was given
        if key.endswith("_hide") or key in ("tutorial", "hideText") or key in back and key not in (
                "activation", "regularization", "problem", "seed"):
            assert back.get(key) == value or (value, back.get(key)) in {("false", None)}, (key, value, back.get(key))


def test_the_issues_reg_dataset_example_keeps_reg_gauss():
    url = RunConfig.from_playground_url("#dataset=gauss&regDataset=reg-gauss").to_playground_url()
    assert _keys(url)["regDataset"] == "reg-gauss" and _keys(url)["dataset"] == "gauss"
    cfg = RunConfig.from_playground_url("#problem=regression&dataset=xor&regDataset=reg-gauss")
    assert cfg.dataset == "reg-gauss" and cfg.other_dataset == "xor"
    assert _keys(cfg.to_playground_url())["dataset"] == "xor"
    assert RunConfig.from_playground_url(RunConfig().to_playground_url()) == RunConfig()  # default: None


def test_an_unknown_other_data_set_is_a_note_and_a_bad_one_in_a_config_is_refused():
    link = read_link("#dataset=xor&regDataset=reg-nope&seed=1")
    assert "other_dataset" not in link.fields
    assert any("regDataset='reg-nope' is not one of the page's data sets" in n for n in link.notes)
    with pytest.raises(ValidationError, match="other_dataset` must be one of the playground's data sets"):
        RunConfig(other_dataset="moons")


# ---- classroom links: every key of the page's state.ts, and relulab's own hide keys --------------------
from relulab.playground_url import HIDABLE, HIDABLE_CONTROLS, HIDABLE_FEATURES, RELULAB_HIDABLE  # noqa: E402

# TensorFlow Playground's src/state.ts: its State.PROPS, and the names its playground.ts may hide
STATE_TS_PROPS = ("activation", "regularization", "batchSize", "dataset", "regDataset", "learningRate",
                  "regularizationRate", "noise", "networkShape", "seed", "showTestData", "discretize",
                  "percTrainData", "x", "y", "xTimesY", "xSquared", "ySquared", "cosX", "sinX", "cosY", "sinY",
                  "collectStats", "tutorial", "problem", "initZero", "hideText")
STATE_TS_HIDABLE = ("showTestData", "discretize", "playButton", "stepButton", "resetButton", "learningRate",
                    "activation", "regularization", "regularizationRate", "problem", "dataset", "percTrainData",
                    "noise", "batchSize", "numHiddenLayers")
STATE_TS_FEATURES = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY", "cosX", "cosY")


def test_every_state_ts_key_is_known_and_none_is_ignored():
    url = "#" + "&".join(f"{k}=" + {"activation": "relu", "regularization": "L2", "dataset": "xor",
                                     "regDataset": "reg-gauss", "problem": "classification", "networkShape": "3",
                                     "seed": "0.3", "tutorial": "x"}.get(k, "1") for k in STATE_TS_PROPS)
    link = read_link(url)
    assert not [n for n in link.notes if n.startswith("ignored keys")], link.notes
    assert set(HIDABLE_CONTROLS) == set(STATE_TS_HIDABLE) and set(HIDABLE_FEATURES) == set(STATE_TS_FEATURES)


@pytest.mark.parametrize("name", HIDABLE)
def test_each_hide_key_hides_exactly_its_control_and_is_written_back(name):
    other = "noise" if name != "noise" else "batchSize"  # a hide key set to false hides nothing
    link = read_link(f"#activation=relu&seed=1&{name}_hide=true&{other}_hide=false")
    assert link.hidden == (name,)
    assert not [n for n in link.notes if n.startswith("ignored keys")]
    back = _keys(RunConfig(**link.fields).to_playground_url(ui={f"{n}_hide": True for n in link.hidden}))
    assert {k for k in back if k.endswith("_hide")} == {f"{name}_hide"} and back[f"{name}_hide"] == "true"


def test_hide_values_are_read_as_the_page_reads_them():
    # the page hides only for the exact value "true" (unlike its other booleans); hideText is a normal boolean
    link = read_link("#seed=1&x_hide=TRUE&y_hide=1&noise_hide=true&hideText=1")
    assert link.hidden == ("noise",) and link.ui["hideText"] is True
    assert read_link("#seed=1&hideText=false").ui["hideText"] is False
    odd = read_link("#seed=1&colour_hide=true")
    assert odd.hidden == () and any("colour_hide" in n for n in odd.notes)
    assert set(RELULAB_HIDABLE).isdisjoint(STATE_TS_HIDABLE)


def test_the_tutorial_key_is_kept_as_given():
    link = read_link("#seed=1&tutorial=dp-Reducing-A-Model")
    assert link.page == {"tutorial": "dp-Reducing-A-Model"}
    assert _keys(RunConfig(**link.fields).to_playground_url(ui=link.page))["tutorial"] == "dp-Reducing-A-Model"
