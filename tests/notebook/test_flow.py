"""Flow control of the widget's frames (relulab.notebook.flow): the gate on its own with a driven clock,
then in a ``Playground`` whose page never acknowledges: frames stop at the window while training runs
ahead, the newest frame goes when an acknowledgement comes, a state message goes out at once, and a
widget that is gone costs a bounded number of frames and no queue."""

from __future__ import annotations

import time

import pytest

from relulab.notebook.flow import Flow, FrameGate


def test_at_most_window_frames_unacknowledged_by_the_slowest_live_view():
    g, now = FrameGate(Flow(window=2, max_window=2, live_s=1.0)), 100.0
    assert g.wait_s(now) is None  # no view yet: nothing to send to
    g.hello("a", now)
    assert [g.send(now) for _ in range(2) if g.ready(now)] == [1, 2]
    assert not g.ready(now) and g.wait_s(now) is None  # only an acknowledgement opens it
    g.ack("a", 1, now + 0.01)
    assert g.ready(now + 0.01) and g.send(now + 0.01) == 3 and not g.ready(now + 0.01)
    g.hello("b", now + 0.02)  # a second view: it owes nothing sent before it came
    g.ack("a", 3, now + 0.03)
    assert g.ready(now + 0.03)
    g.send(now + 0.03), g.send(now + 0.03)
    g.ack("a", 5, now + 0.04)  # b has seen none of 4 and 5: it holds the gate
    assert not g.ready(now + 0.04)
    g.ack("b", 4, now + 0.05)
    assert g.ready(now + 0.05)
    g.ack("a", 99, now + 0.06)  # never more than was sent; acknowledgements never go back
    g.ack("a", 2, now + 0.06)
    assert g.views["a"][0] == 5


def test_the_window_holds_what_a_round_trip_holds():
    """The round trip that counts is a low one of the recent (rtt_quantile 0.1): not one lucky one, and
    not the typical one, which grows with the frames the window itself queues ahead."""
    g, now = FrameGate(Flow(window=2, max_window=16, ack_every_s=0.05, rtt_quantile=0.1), fps=60.0), 0.0
    g.hello("a", now)
    for rtt in (0.2, 0.01, 0.2, 0.051, 0.2, 0.06, 0.2, 0.07, 0.2, 0.08, 0.2):
        n = g.send(now)
        now += rtt
        g.ack("a", n, now)
    assert g.stride() == 3  # an acknowledgement every 0.05 s of frames at 60 frames/s
    assert g.window() == int(0.051 * 60) + 1 + 3 == 7  # the second lowest of 11
    sent = g.sent
    assert [g.send(now) for _ in range(12) if g.ready(now)] == list(range(sent + 1, sent + 8))
    g.rtts.clear()
    g.rtts.append(5.0)
    assert g.window() == 16  # never more than max_window
    g.rtts.clear()
    g.rtts.append(0.001)
    assert g.window() == 0 + 1 + 3  # a round trip of no frames: one plus the stride
    g.flow = Flow(window=6, max_window=16, ack_every_s=0.05)
    assert g.window() == 6  # never fewer than window


def simulate(flow: Flow, rtt: float, seconds: float = 10.0, fps: float = 60.0) -> dict:
    """A kernel offering a frame each 1/fps s and a view that paints what arrives (after rtt/2) and
    acknowledges the newest it painted when a marked frame was among them (arriving rtt/2 later)."""
    g, t, dt = FrameGate(flow, fps), 0.0, 1 / fps
    g.hello("v", t)
    to_view, to_kernel, most, asked = [], [], 0, 0
    while t < seconds:
        t += dt
        came = [(n, m) for a, n, m in to_view if a <= t]
        to_view = [x for x in to_view if x[0] > t]
        if any(m for _, m in came):
            to_kernel.append((t + rtt / 2, max(n for n, _ in came)))
        for _, n in [x for x in to_kernel if x[0] <= t]:
            g.ack("v", n, t)
        to_kernel = [x for x in to_kernel if x[0] > t]
        if g.ready(t):
            n = g.send(t)
            asked += g.marked(n)
            to_view.append((t + rtt / 2, n, g.marked(n)))
        most = max(most, g.sent - g.views["v"][0])
    return {"sent": g.sent, "asked": asked, "most": most, "window": g.window()}


@pytest.mark.parametrize("rtt", [0.02, 0.1, 0.15])
def test_a_path_the_window_covers_gets_every_frame_with_one_acknowledgement_per_stride(rtt):
    flow = Flow(window=2, max_window=16, ack_every_s=0.05)
    got = simulate(flow, rtt)
    assert got["sent"] >= 0.95 * 60 * 10  # the full frame rate, however long the round trip (within the cap)
    assert got["asked"] <= 1.05 * got["sent"] / 3  # about one acknowledgement asked for every 3 frames (0.05 s)
    assert got["most"] <= got["window"] <= 16


@pytest.mark.parametrize("max_window,rtt", [(2, 0.1), (4, 0.1), (12, 0.5), (5, 0.03)])
def test_a_window_smaller_than_the_path_never_stalls(max_window, rtt):
    """Whatever the window and stride, the frame that fills the window asks for an acknowledgement:
    frames go on, a window per round trip and the time to send it (the stride is as long as the
    window here: acknowledgements come once per window), never stopping."""
    got = simulate(Flow(window=2, max_window=max_window, ack_every_s=0.2), rtt)
    assert got["most"] <= max_window
    dt = 1 / 60
    per_window = rtt + max_window * dt + 2 * dt  # the path, the window's frames, at most a tick each way
    assert got["sent"] >= 0.9 * min(60 * 10, max_window * 10 / per_window)


def test_a_view_that_goes_is_not_waited_for():
    g, now = FrameGate(Flow(window=1, max_window=1, live_s=1.0)), 0.0
    g.hello("a", now), g.hello("b", now)
    g.send(now)
    g.ack("a", 1, now)
    assert not g.ready(now)
    g.bye("b")
    assert g.ready(now)


def test_blind_while_acknowledgements_wait_then_silent_memory_bounded():
    """No word from any view (a cell runs, or the tab is gone): frames at half the rate acknowledged
    before, for blind_s after the last word, then none until a view speaks; the gate holds no frames
    and remembers at most max_views views, however long it lasts and however many views came."""
    flow = Flow(window=2, live_s=1.0, blind_s=10.0, blind_share=0.5, min_fps=2.0, max_views=4)
    g, now = FrameGate(flow), 0.0
    g.hello("a", now)
    for _ in range(60):  # one second at 60 frames/s, each acknowledged
        now += 1 / 60
        g.ack("a", g.send(now), now)
    assert g.rate() == pytest.approx(60, rel=0.01)
    last_word, sent, window = now, g.sent, g.window()
    times = []
    while now < last_word + 600:  # ten minutes of a kernel offering a frame 60 times a second
        now += 1 / 60
        if g.ready(now):
            g.send(now)
            times.append(now)
    blind = times[window:]
    gaps = [b - a for a, b in zip(blind, blind[1:], strict=False)]
    assert times[window - 1] <= last_word + window / 60 + 1e-9  # the window's frames at once, then none...
    assert blind[0] >= last_word + flow.live_s - 1e-9  # ...until the view is no longer live
    assert blind[-1] < last_word + flow.blind_s  # then blind, and nothing after blind_s
    assert min(gaps) >= 1 / 30 - 1e-9  # at half the acknowledged rate
    assert g.sent - sent == len(times) <= flow.blind_s * 30
    for i in range(100):  # views come and go without a word of goodbye
        g.hello(f"v{i}", now + i)
    assert len(g.views) == flow.max_views and "v99" in g.views and len(g.acks) <= 32
    assert g.ready(now + 99)  # a view spoke: frames again


def test_blind_pace_has_a_floor():
    g, now = FrameGate(Flow(live_s=0.5, min_fps=2.0)), 0.0
    g.hello("a", now)  # never acknowledged: no rate known
    g.send(now + 0.4)
    assert g.wait_s(now + 0.6) == pytest.approx(0.4 + 0.5 - 0.6)  # 1/min_fps after the last frame


def test_a_session_trains_without_drawing_and_the_frame_stays_due():
    from relulab.config import RunConfig
    from relulab.server import ServerSettings
    from relulab.server.session import Session
    from relulab.server.wire import decode

    s = Session("s", ServerSettings(), RunConfig(dataset="xor", hidden=(3,)))
    s.work()
    s.play()
    for _ in range(5):
        assert s.work(train=True, draw=False)[1] is None
    assert s.frame_due and s.lab.trainer.epoch >= 5
    header = decode(s.work(draw=True)[1])[0]
    assert header["epoch"] == s.lab.trainer.epoch and not s.frame_due


# ---- in a Playground ---------------------------------------------------------------------------------
pytest.importorskip("anywidget")

from relulab.notebook import Playground  # noqa: E402
from relulab.server.wire import decode  # noqa: E402


class Captured(Playground):
    def send(self, content, buffers=None):  # what would go to the page
        self.__dict__.setdefault("sent", []).append((content, buffers))

    def frames(self):
        return [(c["n"], decode(b[0])[0]) for c, b in list(self.__dict__.get("sent", [])) if c["type"] == "frame"]


def until(predicate, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


@pytest.fixture
def pg():
    w = Captured(dataset="circle", hidden=(4,), lr=0.03)
    yield w
    w.close()


def test_frames_wait_for_acknowledgements_and_state_does_not(pg):
    pg._driver.gate.flow = Flow(window=2, live_s=1e9)  # the page is there but slow: never blind
    assert pg.frames() == []  # before a view says hello, no frame goes out
    pg._driver.receive({"type": "hello", "view": "v"}, [])
    pg.play()
    until(lambda: len(pg.frames()) >= 2)
    at = pg.epoch
    until(lambda: pg.epoch >= at + 30)  # training runs ahead...
    assert [n for n, _ in pg.frames()] == [1, 2]  # ...but no third frame is sent
    pg.set(lr=0.1)  # a state message goes out at once, past the two frames unacknowledged
    assert pg.sent[-1][0]["type"] == "state" and pg.sent[-1][0]["config"]["lr"] == 0.1
    before = pg.epoch
    pg._driver.receive({"type": "ack", "view": "v", "n": 2}, [])
    until(lambda: len(pg.frames()) >= 3)
    n, header = pg.frames()[2]
    assert n == 3 and header["epoch"] >= before  # the newest frame, not the next in a queue
    assert header["thumbs"] and "regions" in header  # coalesced frames lose no picture or panel
    pg.pause()


def test_a_widget_that_is_gone_costs_a_bounded_number_of_frames(pg):
    pg._driver.gate.flow = Flow(window=2, live_s=0.2, blind_s=0.6, min_fps=2.0)
    pg._driver.receive({"type": "hello", "view": "v"}, [])
    pg.play()
    until(lambda: pg.epoch >= 10)
    time.sleep(1.0)  # past blind_s: the gate is shut
    sent, epoch = len(pg.frames()), pg.epoch
    until(lambda: pg.epoch >= epoch + 50)  # it keeps training...
    time.sleep(0.3)
    assert len(pg.frames()) == sent <= 2 + 0.6 * 2 + 1  # ...and sends nothing more
    until(lambda: decode(pg._frame)[0]["epoch"] > epoch)  # the frame kept for a saved notebook still moves
    pg._driver.receive({"type": "hello", "view": "w"}, [])  # a view comes back: a full frame at once
    until(lambda: len(pg.frames()) > sent)
    assert pg.frames()[sent][1]["thumbs"]
    pg.pause()


def test_a_state_change_goes_out_before_the_next_frame_is_drawn(pg):
    """A ``pg.set`` that lands while the driver waits for the session goes out before that frame's epochs
    and drawing (a frame takes milliseconds; the control must not wait for it)."""
    pg._driver.receive({"type": "hello", "view": "v"}, [])
    until(lambda: len(pg.frames()) >= 1)
    s, seen = pg._session, []
    draw = s.frame

    def frame(now=None):
        seen.append(any(c["type"] == "state" and c["config"]["lr"] == 0.3 for c, _ in pg.sent))
        return draw(now)

    s.frame = frame
    with s.lock:  # what pg.set does, without its hand-off: the driver's next flush is what sends it
        s.lab.set_config(s.lab.cfg.model_copy(update={"lr": 0.3}))
        s.invalidate()
    pg._driver.flush()
    assert seen and seen[0] is True


def test_a_python_change_and_its_state_never_wait_for_the_frame_that_follows(pg):
    """``pg.set`` sends its own state between two frames (it holds the session, then only the sending):
    neither it nor its state waits for the next frame's epochs and drawing, slowed here to 0.3 s. Each
    change's state is out, and the call has returned, before the first frame drawn with it is finished."""
    pg._driver.gate.flow = Flow(window=12, live_s=1e9)
    pg._driver.receive({"type": "hello", "view": "v"}, [])
    s, log, draw, send = pg._session, [], pg._session.frame, pg.send

    def frame(now=None):
        lr = s.lab.cfg.lr
        out = draw(now)
        time.sleep(0.3)
        log.append(("drawn", lr))
        return out

    def sent(content, buffers=None):
        if content["type"] == "state":
            log.append(("state", content["config"]["lr"]))
        send(content, buffers)

    s.frame, pg.send = frame, sent
    pg.play()
    until(lambda: len(log) >= 2)
    for lr in (0.1, 0.3, 0.01):
        pg.set(lr=lr)
        log.append(("returned", lr))
        until(lambda lr=lr: ("drawn", lr) in log)
        assert log.index(("state", lr)) < log.index(("returned", lr)) < log.index(("drawn", lr))
    pg.pause()
    ns = [n for n, _ in pg.frames()]
    assert ns == list(range(1, len(ns) + 1))  # frames from two threads still leave in the order they were made
    assert [lr for kind, lr in log if kind == "state"][-1] == 0.01  # and the last state sent is the last change
