"""The claim registry: id normalisation, errors become ERROR results, decide() sets the verdict."""

from __future__ import annotations

import pytest

from relulab.experiments import CLAIMS, Claim, ClaimResult, Measurement, Verdict, claim_id, run_claim


def _decide(m: dict) -> tuple[Verdict, list[str]]:
    return (Verdict.HOLDS, []) if m["x"] > 1 else (Verdict.FAILS, ["x too small"])


def _run_ok(quick=False, seed=0, device="cpu", progress=None):
    progress(0.5)
    return CLAIMS.get("C98").result({"x": seed}, [Measurement("x", seed)], seeds=[seed])


def _run_bad(quick=False, seed=0, device="cpu", progress=None):
    raise RuntimeError("boom")


@pytest.fixture
def fake_claims(monkeypatch):
    monkeypatch.setitem(CLAIMS._items, "C98", Claim("C98", "t", "ok claim", "x > 1", _run_ok, _decide))
    monkeypatch.setitem(CLAIMS._items, "C99", Claim("C99", "t", "bad claim", "x > 1", _run_bad, _decide))


def test_ids_normalise(fake_claims):
    assert claim_id("c98") == claim_id("C098") == "C98"
    with pytest.raises(ValueError, match="unknown claim 'C7x'"):
        claim_id("C7x")


def test_run_claim_times_and_reports_progress(fake_claims):
    seen = []
    r = run_claim("c98", quick=True, seed=3, progress=seen.append)
    assert isinstance(r, ClaimResult) and r.verdict is Verdict.HOLDS and r.quick and r.seconds >= 0
    assert seen == [0.5, 1.0]
    r = run_claim("C98", seed=1, progress=seen.append)
    assert r.verdict is Verdict.FAILS and r.caveats == ["x too small"] and not r.quick


def test_a_failing_claim_becomes_an_error_result(fake_claims):
    r = run_claim("C99")
    assert r.verdict is Verdict.ERROR and r.measurements == []
    assert r.error.startswith("RuntimeError: boom") and "test_registry.py" in r.error


def test_all_fourteen_claims_are_registered_with_a_rule():
    from relulab.experiments import claim_ids, get_claim

    assert claim_ids() == [f"C{i}" for i in range(1, 15)]
    for cid in claim_ids():
        c = get_claim(cid)
        assert c.rule and c.text and c.title and callable(c.decide)


# ---- every claim's rule is tested on numbers giving each verdict it can give ---------------------------------
# Each claim module experiments/cNN_name.py has its test module test_cNN_name.py here, holding CASES: a list of
# (numbers, {part key -- or "decide" for a claim without parts: the verdict those numbers must give}).

# parts that compare (an interval against a margin, a ratio against the run's own noise): they must be able to
# say "the experiment cannot tell", and be tested on numbers that do
COMPARATIVE = {"C7": {"cheaper_than_sigmoid", "cheaper_than_tanh"},
               "C9": {"variants_avoid", "variants_train", "digits_variants_avoid", "digits_variants_train"},
               "C11": {"as_well_overall", "as_well_digits"}}


def reachable(fn, seen: set | None = None) -> set[Verdict]:
    """The verdicts a rule function can return, read off its code: the ``Verdict`` members it (its nested
    code, the experiments' functions it calls or closes over) names."""
    import types

    seen = set() if seen is None else seen
    if id(fn) in seen:
        return set()
    seen.add(id(fn))
    names, codes = set(), [fn.__code__]
    while codes:
        code = codes.pop()
        names |= set(code.co_names)
        codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    out = {Verdict[n] for n in names if n in Verdict.__members__} if "Verdict" in names else set()
    for f in [fn.__globals__.get(n) for n in names] + [c.cell_contents for c in fn.__closure__ or ()]:
        if isinstance(f, types.FunctionType) and f.__module__.startswith("relulab.experiments."):
            out |= reachable(f, seen)
    return out


def test_reachable_reads_the_verdicts_off_the_code():
    from relulab.experiments import c07_speed, c09_dead_units

    assert reachable(_decide) == {Verdict.HOLDS, Verdict.FAILS}
    assert reachable(c07_speed.PARTS[0].decide) == {Verdict.HOLDS, Verdict.FAILS, Verdict.INCONCLUSIVE}
    digits = next(p for p in c09_dead_units.PARTS if p.key == "digits_never_recovers")  # through a wrapper
    assert reachable(digits.decide) == {Verdict.HOLDS, Verdict.FAILS, Verdict.INCONCLUSIVE}


def _test_module(cid: str):
    import importlib
    import sys

    from relulab.experiments import get_claim

    name = sys.modules[get_claim(cid).run.__module__].__name__.rsplit(".", 1)[1]
    try:
        return importlib.import_module(f".test_{name}", __package__)
    except ModuleNotFoundError:
        pytest.fail(f"{cid}: no test module tests/experiments/test_{name}.py mirroring experiments/{name}.py")


@pytest.mark.parametrize("cid", [f"C{i}" for i in range(1, 15)])
def test_every_verdict_of_every_part_is_tested(cid):
    from relulab.experiments import get_claim

    claim = get_claim(cid)
    cases = getattr(_test_module(cid), "CASES", None)
    assert cases, f"{cid}: its test module has no CASES (numbers giving each verdict of each part)"
    rules = {p.key: p.decide for p in claim.parts} or {"decide": claim.decide}
    covered: dict[str, set] = {k: set() for k in rules}
    for m, want in cases:
        for key, verdict in want.items():
            got, reasons = rules[key](m)
            assert got is verdict, (cid, key, m)
            assert bool(reasons) == (got is not Verdict.HOLDS), (cid, key, "a verdict other than holds says why")
            covered[key].add(verdict)
    for key in COMPARATIVE.get(cid, ()):
        assert Verdict.INCONCLUSIVE in reachable(rules[key]), f"{cid}.{key} compares but cannot say inconclusive"
    missing = {k: sorted(v.value for v in reachable(fn) - covered[k]) for k, fn in rules.items()}
    assert not {k: v for k, v in missing.items() if v}, f"{cid}: verdicts no case gives: {missing}"


def test_the_check_sees_every_registered_claim():
    from relulab.experiments import claim_ids

    assert claim_ids() == [f"C{i}" for i in range(1, 15)]  # the parametrisation above


# ---- one dialect ------------------------------------------------------------------------------------------
def test_claim_modules_speak_one_dialect():
    """Each claim module registers its id, title and text from its ID, TITLE and TEXT constants (the id literal
    written once), draws every figure through relulab.viz (no matplotlib of its own) and has a module doc."""
    import ast
    import inspect
    import re
    import sys

    from relulab.experiments import claim_ids, get_claim

    for cid in claim_ids():
        claim = get_claim(cid)
        mod = sys.modules[claim.run.__module__]
        src = inspect.getsource(mod)
        assert (claim.id, claim.title, claim.text) == (mod.ID, mod.TITLE, mod.TEXT), cid
        assert re.findall(r"""["']C\d+["']""", src) == [f'"{cid}"'], f"{cid}: the id literal repeated"
        assert "register_claim(ID, TITLE, TEXT" in src and "CLAIMS.get(ID)" in src, cid
        imports = [n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Import | ast.ImportFrom)]
        assert not any("matplotlib" in (getattr(n, "module", None) or "") or
                       any("matplotlib" in a.name for a in n.names) for n in imports), f"{cid} imports matplotlib"
        assert "plt." not in src and ".subplots(" not in src, f"{cid} draws a figure itself"
        assert mod.__doc__ and mod.__doc__.startswith(f"{cid}:"), cid
        assert "key=" in src, f"{cid}: no key number chosen for it (the report would show its first measurement)"


def test_paired_comparisons_are_the_sweep_layers_own():
    """C9 and C11 compare relu with its variants through relulab.sweep.paired (the function `sweep show
    --compare` uses too); no module of the experiments layer computes an interval or a correction itself."""
    import re
    from pathlib import Path

    from relulab.experiments import c09_dead_units as c9
    from relulab.experiments import c11_variants_sweep as c11
    from relulab.sweep import matching, paired

    assert c9.compare_pairs is paired.compare_pairs is matching.compare_pairs
    assert c11.compare_paired is paired.compare_paired and c11.MARGIN == c9.MARGIN == paired.MARGIN == 0.05
    for path in sorted(Path(c9.__file__).parent.glob("*.py")):
        src = path.read_text()
        assert not re.search(r"def (newcombe|wilson|holm|bootstrap)|bootstrap_means\(|quantile\(|inv_cdf\(|"
                             r"percentile\(", src, re.I), f"{path.name} computes an interval of its own"
