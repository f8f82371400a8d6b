"""Load on the web playground: frames per second and control latency over loopback WebSockets.

Starts ``relulab playground --no-browser --port 0`` in a subprocess (its own process and GIL, one torch
thread), then for each scenario opens 1 or 10 sessions, presses play, and for a fixed time:

* counts the binary frames each session receives (frames per second; the server caps it at 30);
* every 0.25 s changes the learning rate of each session (a message with a ``seq``) and measures the
  time until the first frame whose ``ack`` reflects it (control-to-frame latency);
* counts error messages and failed connections.

Frames carry the 100x100 output heatmap and one 50x50 thumbnail per input and hidden unit. The
baseline, measured in this run: the same session stepped and framed in-process, without a socket --
how many frames per second the work itself allows (the ratio to the WebSocket rate shows the cost
of the transport and the event loop). Writes ``benchmarks/results/playground_load.json``.

    python benchmarks/playground_load.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
import websockets
from _common import write_result

from relulab.config import RunConfig
from relulab.server import ServerSettings
from relulab.server.session import Session
from relulab.server.wire import decode

SCENARIOS = [  # name, config change, region overlay, sessions
    ("default tanh 4-2", {}, False, 1),
    ("relu 4-2", {"activation": "relu"}, False, 1),
    ("relu 4-2 + regions", {"activation": "relu"}, True, 1),
    ("relu 4-2", {"activation": "relu"}, False, 10),
    ("relu 4-2 + regions", {"activation": "relu"}, True, 10),
]


def in_process_fps(change: dict, regions: bool, seconds: float) -> float:
    """Frames per second of ``advance() + frame()`` in this process: the work without any transport."""
    torch.set_num_threads(1)
    s = Session("bench", ServerSettings(), RunConfig(**change))
    s.display.regions = regions
    s.playing = True
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        s.advance()
        s.frame()
        n += 1
    return n / (time.perf_counter() - t0)


async def one_session(url: str, change: dict, regions: bool, seconds: float, out: dict) -> None:
    frames, latencies, errors = 0, [], 0
    sent: dict[int, float] = {}
    async with websockets.connect(url, max_size=None) as ws:
        seq = 0

        async def send(**msg):
            nonlocal seq
            seq += 1
            sent[seq] = time.perf_counter()
            await ws.send(json.dumps({**msg, "seq": seq}))

        await send(type="config", config={"dataset": "circle", **change})
        await send(type="ui", regions=regions)
        await send(type="control", action="play")
        start = time.perf_counter()
        next_change, lr_hi = start + 0.25, False
        acked = 0
        while (now := time.perf_counter()) - start < seconds:
            if now >= next_change:
                lr_hi = not lr_hi
                await send(type="config", config={"lr": 0.1 if lr_hi else 0.03})
                next_change = now + 0.25
            try:
                msg = await asyncio.wait_for(ws.recv(), timeout=max(0.01, next_change - time.perf_counter()))
            except TimeoutError:
                continue
            if isinstance(msg, str):
                errors += json.loads(msg).get("type") == "error"
                continue
            frames += 1
            ack = decode(msg)[0]["ack"] or 0
            for s in range(acked + 1, ack + 1):
                if s > 3:  # the set-up messages are not control changes during play
                    latencies.append(1000 * (time.perf_counter() - sent[s]))
            acked = max(acked, ack)
        await ws.send(json.dumps({"type": "control", "action": "pause"}))
    out.setdefault("fps", []).append(frames / seconds)
    out.setdefault("latency_ms", []).extend(latencies)
    out["errors"] = out.get("errors", 0) + errors


async def scenario(url: str, change: dict, regions: bool, sessions: int, seconds: float) -> dict:
    out: dict = {}
    results = await asyncio.gather(*(one_session(url, change, regions, seconds, out) for _ in range(sessions)),
                                   return_exceptions=True)
    failed = [repr(r) for r in results if isinstance(r, BaseException)]
    lat = sorted(out.get("latency_ms", [])) or [float("nan")]
    fps = out.get("fps", [0.0])
    return {"sessions": sessions, "failed_sessions": len(failed), "failures": failed[:3],
            "errors": out.get("errors", 0),
            "fps_per_session_mean": statistics.fmean(fps), "fps_per_session_min": min(fps),
            "latency_ms_p50": lat[len(lat) // 2], "latency_ms_p95": lat[min(len(lat) - 1, int(0.95 * len(lat)))],
            "latency_ms_max": lat[-1], "latency_samples": len(out.get("latency_ms", []))}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def start_server() -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "RELULAB_THREADS": "1"}
    cmd = [sys.executable, "-c", "from relulab.cli import main; main()", "playground", "--no-browser", "--port", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    line = proc.stdout.readline() if proc.stdout else ""
    if "http://" not in line:
        proc.kill()
        raise RuntimeError(f"the playground did not start: {line!r}")
    http = line.split("http://", 1)[1].split()[0]
    return proc, f"ws://{http.rstrip('/')}/ws"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1.5 s per scenario instead of 5 s")
    args = ap.parse_args()
    seconds = 1.5 if args.quick else 5.0
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    baseline = {"relu 4-2": in_process_fps({"activation": "relu"}, False, seconds / 2),
                "relu 4-2 + regions": in_process_fps({"activation": "relu"}, True, seconds / 2),
                "default tanh 4-2": in_process_fps({}, False, seconds / 2)}
    proc, url = start_server()
    rows = []
    try:
        asyncio.run(scenario(url, {"activation": "relu"}, True, 1, 1.0))  # warm-up: imports, first frames
        for name, change, regions, sessions in SCENARIOS:
            cpu0, t0 = cpu_seconds(proc.pid), time.perf_counter()
            r = asyncio.run(asyncio.wait_for(scenario(url, change, regions, sessions, seconds), seconds + 30))
            r["server_cpu_fraction"] = (cpu_seconds(proc.pid) - cpu0) / (time.perf_counter() - t0)
            r["scenario"], r["in_process_fps"] = name, baseline[name]
            r["ratio_fps_to_in_process"] = r["fps_per_session_mean"] / baseline[name]
            rows.append(r)
            print(f"{name:>20} x{sessions:<2}  {r['fps_per_session_mean']:5.1f} frames/s per session "
                  f"(min {r['fps_per_session_min']:.1f}; in-process work allows {baseline[name]:.0f}/s)  "
                  f"latency p50 {r['latency_ms_p50']:.1f} ms p95 {r['latency_ms_p95']:.1f} ms  "
                  f"server CPU {100 * r['server_cpu_fraction']:.0f}%  "
                  f"errors {r['errors']} failed {r['failed_sessions']}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    result = {"benchmark": "playground_load", "quick": args.quick, "seconds_per_scenario": seconds,
              "python": platform.python_version(), "torch": torch.__version__, "machine": platform.machine(),
              "cpus": os.cpu_count(), "load_average_1min": [load_before, os.getloadavg()[0] if load_before is not None
                                                             else None],
              "note": "frames/s include the ~4/s extra frames answering the learning-rate changes",
              "frame": "100x100 heatmap + 50x50 thumbnails, 30 fps cap",
              "aims": {"fps_one_session": 30, "latency_ms": 100, "sessions": 10}, "scenarios": rows}
    write_result("playground_load", result, quick=args.quick)


if __name__ == "__main__":
    main()
