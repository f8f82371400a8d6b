"""Live regions in the playground at scale: frames/s of a playing session with the region overlay on,
against the same session with it off (the baseline, same run), for nets of about 10^3 to 10^4 regions.

In-process (no socket, no browser: the server's own work per frame, which bounds the frame rate a page
can get): a :class:`relulab.server.session.Session` with the server's default settings plays relu nets
on the circle; each scenario runs ``--seconds`` of ``work(train=True)`` calls with the overlay off, then
on, then off and on again (interleaved; the best of each kept). Reported per net: the region count,
frames/s with and without the overlay and their ratio, the analysis' own time (regions, class sides,
boundary, local complexity, polygons) and the size of a frame that carries the polygons. The page draws
the polygons as one cached Path2D, rebuilt only when a new analysis arrives. Writes
benchmarks/results/playground_regions.json.

    python benchmarks/playground_regions.py [--quick] [--seconds S]
"""

from __future__ import annotations

import argparse
import os
import time

import torch
from _common import write_result

from relulab.config import RunConfig
from relulab.server import ServerSettings
from relulab.server.session import Session

NETS = [(8, 8, 8), (32, 32, 32), (32, 32, 32, 32), (32,) * 6]


def run(hidden: tuple[int, ...], overlay: bool, seconds: float) -> dict:
    settings = ServerSettings()
    cfg = RunConfig(dataset="circle", activation="relu", hidden=hidden, init="he", weight_seed=0)
    s = Session("bench", settings, cfg)
    s.display.regions = overlay
    s.play()
    frames, biggest, start = 0, 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        _, frame = s.work(train=True)
        if frame is not None:
            frames += 1
            biggest = max(biggest, len(frame))
    reg = s._last_analysis.get("regions", {})
    return {"fps": frames / (time.perf_counter() - start), "regions": reg.get("count"),
            "polygons_sent": len(reg.get("polygons", [])), "analysis_s": s._analysis_s, "largest_frame_bytes": biggest,
            "local_complexity": reg.get("local_complexity")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the first net, 1 s each; writes results/quick/")
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    seconds = 1.0 if args.quick else args.seconds
    rows = []
    for hidden in NETS[:1] if args.quick else NETS:
        best = {}
        for overlay in (False, True, False, True):
            r = run(hidden, overlay, seconds)
            if overlay not in best or r["fps"] > best[overlay]["fps"]:
                best[overlay] = r
        row = {"hidden": list(hidden), "regions": best[True]["regions"], "fps_overlay_off": best[False]["fps"],
               "fps_overlay_on": best[True]["fps"], "ratio_on_off": best[True]["fps"] / best[False]["fps"],
               "analysis_s": best[True]["analysis_s"], "polygons_sent": best[True]["polygons_sent"],
               "largest_frame_bytes": best[True]["largest_frame_bytes"],
               "local_complexity": best[True]["local_complexity"]}
        rows.append(row)
        print(f"{str(hidden):18s} regions {row['regions']!s:>6}  fps off {row['fps_overlay_off']:6.1f}  on "
              f"{row['fps_overlay_on']:6.1f}  (x{row['ratio_on_off']:.2f})  analysis {row['analysis_s'] * 1e3:7.1f} ms"
              f"  frame {row['largest_frame_bytes'] / 1e3:,.0f} kB", flush=True)
    write_result("playground_regions", {"benchmark": "playground_regions", "seconds_each": seconds,
                                        "load_average": os.getloadavg()[0], "settings": {
                                            k: getattr(ServerSettings(), k) for k in
                                            ("analysis_interval_s", "max_region_units", "max_overlay_regions",
                                             "max_fps", "frame_budget_s")}, "rows": rows}, quick=args.quick)


if __name__ == "__main__":
    main()
