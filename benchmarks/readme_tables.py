"""Print the README's "Measured" tables for training speed and exact regions from the benchmarks' JSON,
and, given a claims run's ``claims.json``, its verdict table and the reasons for every caveat.

    python benchmarks/readme_tables.py                             # after train_speed.py and regions_speed.py
    python benchmarks/readme_tables.py --claims out/claims/claims.json  # after `relulab claims --out out/claims`
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _n(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def training(r: dict) -> str:
    mid = r["engine_vs_hand_written_midpoints"]
    rows = ["| work | relulab | time | × hand-written loop | × TF Playground's engine |", "|---|---|---:|---:|---:|"]
    for act in ("relu", "tanh"):
        one = r[f"one_run_{act}"]
        for k, name in (("compiled", "compiled (default)"), ("fused", "fused torch")):
            ratio = one["ratio_vs_hand_written"][k]
            rows.append(f"| one run, {act}, {one['epochs']} epochs | {name} | {_n(one['epochs_per_s'][k])} epochs/s | "
                        f"{ratio:.1f} | {ratio / mid['one_run']:.2f} |")
        hand = _n(one["epochs_per_s"]["hand_written"])
        rows.append(f"| one run, {act} | hand-written loop | {hand} epochs/s | 1 | |")
    for act in ("relu", "tanh"):
        s = r[f"seeds_{act}"]
        for k, name, engine in (("compiled_many", "compiled lanes, all models at once", "compiled"),
                                ("torch_stack", "torch stack", "stacked")):
            ratio = s["ratio_vs_hand_written"][k]
            name += " (auto)" if s.get("auto_picks") == engine else ""
            rows.append(f"| {s['seeds']:,} seeds × {s['epochs']} epochs, {act} | {name} | {_n(s['seconds'][k])} s | "
                        f"{ratio:.0f} | {ratio / mid['seeds']:.1f} |")
        rows.append(f"| {s['seeds']:,} seeds × {s['epochs']} epochs, {act} | hand-written loop | "
                    f"{_n(s['seconds']['hand_written'])} s (extrapolated) | 1 | |")
    c = r["compare"]
    rows.append(f"| `relulab compare` work: 3 activations × {c['seeds']} seeds × {c['epochs']} epochs | compiled | "
                f"{_n(c['relulab_s'])} s | {c['ratio_vs_hand_written']:.0f} | "
                f"{c['ratio_vs_hand_written'] / mid['compare']:.1f} |")
    rows.append(f"| same | hand-written loop | {_n(c['hand_written_s'])} s (extrapolated) | 1 | |")
    return "\n".join(rows)


def regions(r: dict) -> str:
    rows = ["| hidden widths | regions | relulab | regioncam (Rust) | ratio |", "|---|---:|---:|---:|---:|"]
    for row in r["rows"]:
        w = row["widths"]
        name = f"{w[0]} × {len(w)}" if len(set(w)) == 1 and len(w) > 3 else ", ".join(map(str, w))
        if not row.get("name", "[").startswith("["):  # a named net (regioncam's own example)
            name = row["name"]
        ours, theirs = (f"{v * 1e3:,.3f}" if v < 0.01 else f"{v * 1e3:,.1f}" if v < 1 else f"{v * 1e3:,.0f}"
                        for v in (row["relulab_s"], row["regioncam_s"]))
        rows.append(f"| {name} | {row['regions_relulab']:,} | {ours} ms | {theirs} ms | {row['ratio']:.2f} |")
    return "\n".join(rows)


def _cell(text: str, limit: int = 160) -> str:
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    return text.replace("|", "\\|")


def claims(doc: dict) -> str:
    """The verdict table (each claim's parts with their verdicts, and its key number) and one line per
    verdict that is not a plain *holds*."""
    from relulab.experiments.registry import CLAIMS
    from relulab.experiments.result import format_value

    rows = ["| id | claim | verdict | parts | key number |", "|---|---|---|---|---|"]
    why = []
    for c in doc["claims"]:
        title = CLAIMS.get(c["id"]).title if c["id"] in CLAIMS else c["claim"]
        parts = "; ".join(f"{p['key']}{' (theorem)' if p['kind'].startswith('theorem') else ''}: {p['verdict']}"
                          for p in c.get("parts", [])) or "—"
        key = c.get("key_number") or "; ".join(f"{m['name']}: {format_value(m['value'], m['unit'])}"
                                               for m in c["measurements"][:1])
        rows.append(f"| {c['id']} | {title} | **{c['verdict']}** | {_cell(parts, 400)} | {_cell(key)} |")
        if c["caveats"]:
            why.append(f"- **{c['id']}**: " + "; ".join(c["caveats"]))
    return "\n".join(rows) + "\n\nWhy the verdicts that are not a plain *holds*:\n\n" + "\n".join(why)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=Path, help="a claims run's claims.json: print its README table instead")
    args = ap.parse_args()
    if args.claims is not None:
        print(claims(json.loads(args.claims.read_text())))
        return
    tr = json.loads((RESULTS / "train_speed.json").read_text())
    rg = json.loads((RESULTS / "regions_speed.json").read_text())
    print(f"Training ({tr['machine']}, {tr['cpus']} cores, numba threads {tr['numba_threads']}):\n")
    print(training(tr))
    print(f"\nRegions ({rg['machine']}):\n")
    print(regions(rg))


if __name__ == "__main__":
    main()
