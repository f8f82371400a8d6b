"""``FrameGate``: flow control of one widget's frames, so that a state change never waits behind a queue.

Between the kernel and the widget sit the kernel's IOPub socket, the Jupyter server and the browser's
message handling; none of them pushes back, so frames made faster than the page takes them queue up,
and a state message (``pg.set(lr=0.1)``) sent after them shows late. The protocol:

* the kernel numbers its frames (``{"type": "frame", "n": n, "ack": bool}``); each view of the widget
  (one per displayed cell) says ``{"type": "hello", "view": v}`` when it connects, acknowledges
  cumulatively after painting a frame marked ``ack`` (``{"type": "ack", "view": v, "n": n}``, n the
  newest painted; at most once per animation frame) and says ``{"type": "bye", "view": v}`` when it goes;
* acknowledgements are asked for sparingly, since each is a message to the kernel that it answers
  with two status messages (busy, idle) that JupyterLab handles too: one frame in ``stride`` is marked
  (``fps * ack_every_s`` frames, so about 10 acknowledgements a second), and always the frame that
  fills the window, so the gate never waits for an acknowledgement nobody will send;
* at most ``window`` frames are unacknowledged by the slowest live view (one that was heard from
  within ``live_s``), more when the round trip is long: the frames the kernel makes (``fps``) in a
  low quantile (``rtt_quantile``) of the last round trips (send to acknowledgement), plus one, plus
  the stride (the frames sent after a marked one before its acknowledgement is asked for), up to
  ``max_window``, so a slow path (a loaded machine) does not cut the frame rate. A low quantile, not
  the median: the round trips grow with the frames queued ahead (the window itself), and a window
  sized from them would grow its own queue, which every state message waits behind; the low ones
  are the path's own. Meanwhile training runs ahead and no frame is even made: when the gate
  opens, the frame made is the newest (frames are coalesced, never queued: the gate holds no frame);
* JSON messages (state, errors, replies) never pass the gate: they go out at once, behind at most
  the window's frames;
* acknowledgements wait while a cell runs (the kernel handles widget messages between cells). With
  no live view the gate goes blind: a frame every ``1 / max(min_fps, blind_share * rate)`` seconds,
  ``rate`` being the acknowledged frames/s measured before, for at most ``blind_s`` after the last word
  from a view; then nothing until a view speaks again. A widget that is gone (its tab closed) thus
  costs at most ``blind_s`` of slow frames, and the kernel keeps no queue for it.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Flow:
    window: int = 2  # frames in flight at least: 2, so that a round trip per frame does not halve the rate
    max_window: int = 12  # ... and at most (a state message waits behind at most this many frames)
    ack_every_s: float = 0.1  # an acknowledgement asked for every this many seconds of frames
    rtt_quantile: float = 0.1  # the round trip the window covers: this low quantile of the recent ones
    live_s: float = 1.0  # a view not heard from for this long is not waited for
    blind_s: float = 60.0  # with no live view, frames go on (slowly) this long after the last word
    blind_share: float = 0.5  # ... at this share of the frame rate the views acknowledged before
    min_fps: float = 2.0
    max_views: int = 16  # views remembered at once (the stalest is forgotten)


class FrameGate:
    """Thread-safe; every method takes ``now`` (``time.monotonic()``), so tests drive the clock."""

    def __init__(self, flow: Flow | None = None, fps: float = 60.0) -> None:
        self.flow, self.fps = flow or Flow(), fps
        self.lock = threading.Lock()
        self.sent = 0  # frames sent, numbered 1, 2, ...
        self.last_mark = 0  # the last frame sent whose acknowledgement was asked for
        self.last_send = -1e9
        self.last_heard = -1e9
        self.views: dict[str, tuple[int, float]] = {}  # view -> (frames acknowledged, when last heard)
        self.acks: deque[tuple[float, int]] = deque(maxlen=32)  # (when, frames acknowledged): the rate
        self.sends: deque[tuple[int, float]] = deque(maxlen=64)  # (frame, when sent): the round trips
        self.rtts: deque[float] = deque(maxlen=32)

    # ---- from the views --------------------------------------------------------------------------
    def hello(self, view: str, now: float) -> None:
        """A view connected: what was sent before is not its business (a full frame follows)."""
        with self.lock:
            self._hear(view, self.sent, now)

    def ack(self, view: str, n: int, now: float) -> None:
        with self.lock:
            old = self.views.get(view, (0, now))[0]
            self._hear(view, max(old, min(int(n), self.sent)), now)
            self.rtts.extend(now - t for m, t in self.sends if m == n)
            self.acks.append((now, max(a for a, _ in self.views.values())))

    def bye(self, view: str) -> None:
        with self.lock:
            self.views.pop(view, None)

    def _hear(self, view: str, acked: int, now: float) -> None:
        if view not in self.views and len(self.views) >= self.flow.max_views:
            del self.views[min(self.views, key=lambda v: self.views[v][1])]
        self.views[view] = (acked, now)
        self.last_heard = now

    # ---- from the kernel -------------------------------------------------------------------------
    def ready(self, now: float) -> bool:
        """Whether a frame may be sent now."""
        return self.wait_s(now) == 0.0

    def wait_s(self, now: float) -> float | None:
        """Seconds until a frame may be sent (0: now); ``None``: only when a view speaks."""
        with self.lock:
            f = self.flow
            live = self._live(now)
            if live:
                return 0.0 if self.sent - min(live) < self.window() else None
            if not self.views or now - self.last_heard >= f.blind_s:
                return None
            return max(0.0, self.last_send + 1.0 / max(f.min_fps, f.blind_share * self.rate()) - now)

    def send(self, now: float) -> int:
        """A frame goes out now: its number (``marked(n)``: whether to ask for its acknowledgement)."""
        with self.lock:
            self.sent += 1
            self.last_send = now
            self.sends.append((self.sent, now))
            live = self._live(now)
            full = bool(live) and self.sent - min(live) >= self.window()
            if full or self.sent - self.last_mark >= self.stride():
                self.last_mark = self.sent
            return self.sent

    def _live(self, now: float) -> list[int]:
        """Frames acknowledged by each view heard from within ``live_s`` (caller holds the lock)."""
        return [a for a, t in self.views.values() if now - t < self.flow.live_s]

    def marked(self, n: int) -> bool:
        return n == self.last_mark

    def stride(self) -> int:
        """Frames per acknowledgement asked for (never more than the window can hold)."""
        return max(1, min(self.flow.max_window - 1, round(self.fps * self.flow.ack_every_s)))

    def window(self) -> int:
        """Frames allowed in flight: those made in the round trip of ``rtt_quantile`` of the recent ones,
        plus one, plus the stride (clamped)."""
        f = self.flow
        if not self.rtts:
            return f.window
        rtts = sorted(self.rtts)
        path = int(rtts[round(f.rtt_quantile * (len(rtts) - 1))] * self.fps) + 1 + self.stride()
        return max(f.window, min(f.max_window, path))

    def rate(self) -> float:
        """Frames/s acknowledged over the last acknowledgements (0 before two)."""
        if len(self.acks) < 2 or self.acks[-1][0] <= self.acks[0][0]:
            return 0.0
        return (self.acks[-1][1] - self.acks[0][1]) / (self.acks[-1][0] - self.acks[0][0])
