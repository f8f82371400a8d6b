"""The notebook widget against the web page, in one run, in the same Chromium: frames/s of a playing
session (one epoch per frame, ReLU 4-4 on the circle) shown by the page (``relulab playground``'s server)
and by the widget in JupyterLab (kernel = this interpreter), each counted by the page's own frame
counter over the same seconds, interleaved page / widget / page / widget (best of each kept); then the
latency of ``pg.set(lr=...)`` until the widget's learning-rate control shows it (Python and the page read
the same wall clock), each set its own cell execution as a user runs it (and, second, from one long
running cell), in frames of the widget's and of the page's measured frame interval, split into the
call itself, the state message's arrival at the widget's transport, and the frames that arrived ahead.
Writes benchmarks/results/notebook_widget.json.

    python benchmarks/notebook_widget.py [--quick] [--seconds S] [--sets N] [--flow max_window=4,...]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat
from _common import write_result

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.notebook.jupyter: JupyterLab, as tested

from relulab.server import ServerSettings  # noqa: E402
from relulab.server.serve import BackgroundServer  # noqa: E402
from tests.notebook.jupyter import CHROMIUM_ARGS, JupyterLab, run_all_cells, run_new_cell, wait_for  # noqa: E402

CONFIG = dict(dataset="circle", activation="relu", hidden=(4, 4), lr=0.03)
LINK = "#activation=relu&learningRate=0.03&dataset=circle&networkShape=4,4&speed=1"
W = "document.querySelector('.relulab-widget')"
LRS = [0.1, 0.3, 0.01, 1, 0.003, 3, 0.001, 0.03]
# a 30-byte message through the widget's channel just before each pg.set (the page ignores it): what the
# path from the kernel to the widget takes at that moment for any message, the floor under pg.set's
PING = "pg.send({'type': 'ping', 'lr': lr})\n"
# the moment a kernel message with a widget state reaches the page (its WebSocket's message event, before
# JupyterLab handles it): splits "kernel to page" from "JupyterLab's handling until the widget has it"; and
# the moment each cell's own execute_input (the kernel publishes it before it runs the cell's code) reaches
# it: what JupyterLab's own messages take from a cell's start, whatever the cell does
WS_SPY = """(() => { const W = window.WebSocket, dec = new TextDecoder(); window.wsState = []; window.wsInput = [];
  window.WebSocket = class extends W { constructor(...a) { super(...a); this.addEventListener('message', (e) => {
    const d = e.data, t = Date.now(); const text = typeof d === 'string' ? d : d instanceof ArrayBuffer
      ? dec.decode(new Uint8Array(d, 0, Math.min(d.byteLength, 65536))) : '';
    if (/"msg_type":\\s*"execute_input"/.test(text)) window.wsInput.push(t);
    if (text.includes('"type": "state"') || text.includes('"type":"state"')) {
      const m = /"lr":\\s*([-0-9.e]+)/.exec(text); if (m) window.wsState.push([t, parseFloat(m[1])]); }
  }); } }; })();"""


def notebook(path: Path, flow: dict) -> None:
    nb = nbformat.v4.new_notebook()
    tune = (f"import dataclasses\npg._driver.gate.flow = dataclasses.replace(pg._driver.gate.flow, **{flow!r})\n"
            if flow else "")
    nb.cells = [nbformat.v4.new_code_cell(f"import time, relulab as rl\npg = rl.Playground(**{CONFIG!r})\n{tune}pg")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, path)


def fps(page, app: str, play: str, seconds: float) -> tuple[float, float]:
    """Frames/s the page's counter sees over ``seconds`` of play (after a second to settle), and the share
    of those seconds the tab's main thread was busy (Chromium's TaskDuration, through DevTools)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")

    def busy() -> float:
        return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "TaskDuration")

    page.evaluate(play)
    page.wait_for_timeout(1000)
    a, ta = page.evaluate(f"[{app}.framesSeen, performance.now()]"), busy()
    page.wait_for_timeout(seconds * 1000)
    b, tb = page.evaluate(f"[{app}.framesSeen, performance.now()]"), busy()
    page.evaluate(play)  # pause
    page.wait_for_timeout(500)
    cdp.detach()
    return (b[0] - a[0]) / ((b[1] - a[1]) / 1000), (tb - ta) / ((b[1] - a[1]) / 1000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seconds", type=float, default=None)
    ap.add_argument("--sets", type=int, default=None)
    ap.add_argument("--flow", default="", help="flow control settings to try, e.g. max_window=4,ack_every_s=0.03 "
                                                "(relulab.notebook.flow.Flow; default: its defaults)")
    args = ap.parse_args()
    flow = {k: float(v) if "." in v else int(v) for k, v in (kv.split("=") for kv in args.flow.split(",") if kv)}
    seconds = args.seconds or (3.0 if args.quick else 10.0)
    sets = args.sets or (8 if args.quick else 40)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, BackgroundServer(ServerSettings(port=0)) as srv:
        notebook(Path(tmp) / "bench.ipynb", flow)
        with JupyterLab(Path(tmp) / "lab", [Path(tmp) / "bench.ipynb"]) as lab, sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            web = b.new_page(viewport={"width": 1500, "height": 1100})
            web.goto(srv.url + LINK)
            web.wait_for_function("window.relulab?.frame && window.relulab.state?.config.dataset === 'circle'")
            nbp = b.new_page(viewport={"width": 1500, "height": 1100})
            nbp.add_init_script(WS_SPY)  # when each state message reaches the page's main thread
            nbp.goto(lab.url("bench.ipynb"))
            run_all_cells(nbp)
            wait_for(nbp, f"{W}?.relulab?.frame && {W}.relulab.state")
            web_play = "document.querySelector('#btn-play').click()"
            w_play = f"{W}.querySelector('#btn-play').click()"
            rates, busy = {"page": [], "widget": []}, {"page": [], "widget": []}
            for _ in range(2):  # interleaved; each tab is in front while it is measured
                for name, tab, app, play in (("page", web, "window.relulab", web_play),
                                             ("widget", nbp, f"{W}.relulab", w_play)):
                    tab.bring_to_front()
                    rate, share = fps(tab, app, play, seconds)
                    rates[name].append(rate)
                    busy[name].append(share)
            # what the kernel's gate saw (relulab.notebook.flow): round trips and frames allowed in flight
            run_new_cell(nbp, "g = pg._driver.gate\nprint('GATE', __import__('json').dumps({'rtt_ms': "
                              "sorted(round(r * 1000, 1) for r in g.rtts), 'window': g.window(), "
                              "'stride': g.stride(), 'flow': __import__('dataclasses').asdict(g.flow)}))")
            wait_for(nbp, "[...document.querySelectorAll('.jp-OutputArea-output')].some(o => "
                          "o.textContent.startsWith('GATE'))")
            gate = json.loads(nbp.evaluate("[...document.querySelectorAll('.jp-OutputArea-output')].map(o => "
                                           "o.textContent).filter(t => t.startsWith('GATE'))[0]").split("GATE", 1)[1])
            # latency of pg.set while the widget plays: the page records when its control changes
            nbp.evaluate(f"""() => {{ const sel = {W}.querySelector('#sel-lr'); window.seen = [];
                let last = sel.value; const look = () => {{ if (sel.value !== last) {{ last = sel.value;
                window.seen.push([Date.now(), sel.value]); }} requestAnimationFrame(look); }}; look();
                window.arrived = []; window.pings = []; window.framesIn = [];
                {W}.relulab.transport.model.on('msg:custom', (m) => {{
                if (m.type === 'state') window.arrived.push([Date.now(), m.config.lr]);
                else if (m.type === 'ping') window.pings.push([Date.now(), m.lr]);
                else if (m.type === 'frame') window.framesIn.push(Date.now()); }}); }}""")
            lrs = [LRS[i % len(LRS)] for i in range(2 * sets)]  # each differs from the one before
            run_new_cell(nbp, f"sent, lrs = [], iter({lrs!r})")
            nbp.evaluate(w_play)
            nbp.wait_for_timeout(1500)
            # as a user does: each pg.set its own cell, run when the kernel is idle (acknowledgements flow)
            run_new_cell(nbp, f"lr = next(lrs)\n{PING}t0 = time.time() * 1000\npg.set(lr=lr)\n"
                              "sent.append((t0, lr, time.time() * 1000))")
            gaps = random.Random(0)
            f0 = nbp.evaluate(f"[{W}.relulab.framesSeen, performance.now()]")
            for i in range(sets):
                if i:
                    nbp.evaluate("window.jupyterapp.commands.execute('notebook:run-cell')")
                nbp.wait_for_function(f"window.seen.length > {i}", timeout=60_000)
                nbp.wait_for_timeout(gaps.uniform(300, 700))  # not in step with the frames
            f1 = nbp.evaluate(f"[{W}.relulab.framesSeen, performance.now()]")
            # the same from one long cell (sets 0.25 s apart): the kernel is busy, acknowledgements wait
            run_new_cell(nbp, f"for _ in range({sets}):\n    lr = next(lrs)\n    {PING}    t0 = time.time() * 1000\n"
                              "    pg.set(lr=lr)\n    sent.append((t0, lr, time.time() * 1000))\n    time.sleep(0.25)")
            wait_for(nbp, f"window.seen.length >= {2 * sets}", 120 + sets)
            nbp.evaluate(w_play)
            run_new_cell(nbp, "print('SENT', __import__('json').dumps(sent))")
            wait_for(nbp, "[...document.querySelectorAll('.jp-OutputArea-output')].some(o => "
                          "o.textContent.startsWith('SENT'))")
            seen, arrived, frames_in, at_ws, inputs, pings = (nbp.evaluate(f"window.{v}") for v in (
                "seen", "arrived", "framesIn", "wsState", "wsInput", "pings"))
            out = nbp.evaluate("[...document.querySelectorAll('.jp-OutputArea-output')].map(o => o.textContent)"
                               ".filter(t => t.startsWith('SENT'))")
            sent = json.loads(out[-1].split("SENT", 1)[1])
            b.close()
    lat = [t_seen - t_sent for (t_sent, lr, _), (t_seen, v) in zip(sent, seen, strict=True) if float(v) == lr]
    calls = [t_back - t_sent for t_sent, _, t_back in sent]  # pg.set itself (waits for the session's lock)
    came, ahead, ws = [], [], []  # when the state message reached the page's WebSocket and the widget's
    for t_sent, lr, t_back in sent:  # transport (before the page handles it); frames that reached the
        t_came = next(t for t, v in arrived if t >= t_sent - 1 and v == lr)  # transport between pg.set's
        came.append(t_came - t_sent)  # return and the state
        ws.append(next((t for t, v in at_ws if t >= t_sent - 1 and v == lr), float("nan")) - t_sent)
        ahead.append(sum(t_back <= t < t_came for t in frames_in))
    ping = [next(t for t, v in pings if t >= t_sent - 50 and v == lr) - t_sent for t_sent, lr, _ in sent]
    # each own-cell set's cell: its execute_input is the last one to reach the page before the state did
    cell_input = [max((t for t in inputs if t <= t_sent + w), default=float("nan")) - t_sent
                  for (t_sent, _, _), w in zip(sent[:sets], ws[:sets], strict=True)]
    assert len(lat) == 2 * sets, "a set was not seen, or seen out of order"
    page_fps, widget_fps = max(rates["page"]), max(rates["widget"])

    def p95(ms: list[float]) -> float:
        return sorted(ms)[max(0, int(round(0.95 * len(ms))) - 1)]

    def summary(part: slice) -> dict:
        ms, call, came_, ahead_, ws_, ping_ = (x[part] for x in (lat, calls, came, ahead, ws, ping))
        return {"n": len(ms), "median_ms": statistics.median(ms), "p95_ms": p95(ms), "max_ms": max(ms),
                "median_frames_of_widget": statistics.median(ms) * widget_fps / 1000,
                "median_frames_of_page": statistics.median(ms) * page_fps / 1000,
                "p95_frames_of_widget": p95(ms) * widget_fps / 1000, "p95_frames_of_page": p95(ms) * page_fps / 1000,
                "pg_set_call_ms": {"median": statistics.median(call), "p95": p95(call)},
                "ping_sent_just_before_arrived_ms": {"median": statistics.median(ping_), "p95": p95(ping_)},
                "state_message_at_the_websocket_ms": {"median": statistics.median(ws_), "p95": p95(ws_)},
                "state_message_arrived_ms": {"median": statistics.median(came_), "p95": p95(came_)},
                "frames_arrived_after_the_call_before_the_state": {"median": statistics.median(ahead_),
                                                                    "max": max(ahead_)}}

    result = {"what": "frames/s of one playing session (ReLU 4-4 on the circle, one epoch per frame) in the web "
                      "page and in the JupyterLab widget, same Chromium, interleaved; pg.set latency until the "
                      "widget's control shows it, in ms and in frames of the widget's and of the page's measured "
                      "frame interval",
              "seconds_each": seconds, "page_fps": rates["page"], "widget_fps": rates["widget"],
              "ratio_widget_to_page": widget_fps / page_fps,
              "main_thread_busy_share": {**busy, "what": "share of the seconds measured that the tab's main thread "
                                                         "was busy (Chromium's TaskDuration): the page's own drawing, "
                                                         "and in JupyterLab its handling of the messages too"},
              "widget_frame_ms": 1000 / widget_fps, "page_frame_ms": 1000 / page_fps,
              "set_latency_cell_each": {**summary(slice(None, sets)),
                                        "how": "each pg.set its own cell execution, 0.3-0.7 s apart, timed from "
                                               "time.time() before the call",
                                        "jupyterlab_own_execute_input_at_the_websocket_ms": {
                                            "median": statistics.median(cell_input), "p95": p95(cell_input),
                                            "what": "the cell's execute_input (published by the kernel before the "
                                                    "cell's code runs) reached the page this long after the cell's "
                                                    "first line: the floor JupyterLab puts under any widget "
                                                    "message from a cell it runs"},
                                        "widget_fps_meanwhile": (f1[0] - f0[0]) / ((f1[1] - f0[1]) / 1000)},
              "set_latency_one_cell": {**summary(slice(sets, None)),
                                       "how": "one running cell setting every 0.25 s (acknowledgements wait: the "
                                              "gate sends blind at half rate)"},
              "flow_control": {"rtt_ms_after_play": gate["rtt_ms"], "window_frames": gate["window"],
                               "stride_frames": gate["stride"], "flow": gate["flow"]}}
    write_result("notebook_widget", result, quick=args.quick)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
