"""``Driver``: one widget's session in the kernel -- the server's :class:`~relulab.server.session.Session`
(same lab, protocol, limits, validation and frames as a browser tab), driven by a daemon thread instead of
the server's event loop, so training never blocks the kernel: a cell runs while the widget plays.

The thread does what the server's pump does: it handles the queued page messages, trains one frame's
epochs while playing (at most ``max_fps`` frames a second), and hands the JSON messages at once and the
binary frames through :mod:`.flow`'s gate (a bounded window unacknowledged; the newest when it opens) to
``out``; ``keep`` gets the last state and, at most once a second while training, the last frame (the
widget keeps them as traits, saved with the notebook). Page messages arrive on the kernel's main
thread between cells (a running cell holds them back); :meth:`receive` queues them, requests (``hello``,
``export``, ``upload``, ``import``) are answered at once. Python calls take ``session.lock`` like the
thread does, so they never land half-way through an epoch, and send their own state message
(:meth:`hand_off`) rather than wait for the thread's next frame.

Order: whoever changes the session sends what the change produced, and takes ``out_lock`` (held only
while sending) before it lets go of ``session.lock``; so messages and frames leave in the order of the
changes that made them, and a Python call waits for the thread's sending (a fraction of a millisecond),
never for its training or drawing.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from ..server.exports import KINDS, export, snapshot
from ..server.routes import UPLOAD_BYTES_PER_MESSAGE
from ..server.routes import _refused as refused
from ..server.session import Session
from ..server.uploads import apply_points, apply_run
from . import routes
from .flow import FrameGate

log = logging.getLogger("relulab.notebook")
Out = Callable[[dict[str, Any], list[bytes] | None], None]
KEEP_EVERY_S = 1.0  # while training, the frame kept for a saved notebook is at most this old


class Driver:
    def __init__(self, session: Session, out: Out, keep: Callable[[dict[str, Any] | None, bytes | None], None]) -> None:
        self.session, self.out, self.keep = session, out, keep
        self.gate = FrameGate(fps=session.settings.max_fps)
        self.wake = threading.Event()
        self.out_lock = threading.Lock()
        self.unkept: dict[str, Any] | None = None  # the last state sent, not yet kept (a trait)
        self.unkept_frame: bytes | None = None  # ... and the last frame to keep
        self.keeping = threading.Lock()
        self.kept_at = -1e9
        self.resend = False  # a frame was made for keeping, not sent: the next one sent is a full one
        self.frames = 0
        self.thread = threading.Thread(target=self._loop, name=f"relulab-widget-{session.id[:6]}", daemon=True)
        self.requests = {"hello": self._hello, "ack": self._ack, "bye": self._bye, "export": self._export,
                         "upload": self._upload, "import": self._upload, "resource": self._resource,
                         "post": self._post}

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.session.closed = self.session.closed or "closed"
        self.wake.set()

    def hand_off(self) -> None:
        """A Python call changed the session and still holds ``session.lock``: send the state (and any
        message) it produced now, from the caller's thread, and let go of the lock; the widget's controls
        move at once (they never wait for the gate or for a frame), and the thread makes the frame next."""
        try:
            messages = self.session.drain() if self.session.closed is None else []
            self.out_lock.acquire()
        finally:
            self.session.lock.release()
        self._send_out(messages, None)
        self.wake.set()
        self._keep()  # after the send and the wake: the trait's sync is off the widget's path

    # ---- the thread -------------------------------------------------------------------------------
    def _loop(self) -> None:
        s = self.session
        period = 1.0 / s.settings.max_fps
        due = time.monotonic()
        while s.closed is None:
            self.wake.clear()
            train = s.playing and time.monotonic() >= due
            try:
                self.flush(train=train)
            except Exception as e:  # a bug must not kill the widget: say it, pause, keep serving
                log.exception("frame failed")
                s.playing = False
                s.error(f"internal error while computing a frame: {type(e).__name__}: {e}")
                continue
            if train:
                due = max(due + period, time.monotonic() - period)
            if s.inbox or s.outbox:
                continue
            self.wake.wait(self._sleep(due))

    def _sleep(self, due: float) -> float | None:
        """Until the next epoch is due, or the gate opens for a frame waiting, or a frame is to be kept."""
        now, s = time.monotonic(), self.session
        waits = [due - now] if s.playing else []
        if s.frame_due or self.resend:
            gate = self.gate.wait_s(now)
            waits += [] if gate is None else [gate]
            waits += [self.kept_at + KEEP_EVERY_S - now] if s.frame_due else []
        return max(0.0, min(waits)) if waits else None

    def flush(self, *, train: bool = False, keep: bool = False) -> None:
        """Handle the queued messages (train one frame's epochs when ``train``) and send what is due now:
        the messages always, a frame when the gate lets one through (see :mod:`.flow`). A frame is also
        made, and kept but not sent, when ``keep`` or the kept one is ``KEEP_EVERY_S`` old. The messages
        already due (a change that came while this waited for the session) go out first, not after this
        frame's epochs and drawing."""
        s = self.session
        with s.lock:
            early = s.drain()
            self.out_lock.acquire()
        self._send_out(early, None)
        with s.lock:
            now = time.monotonic()
            send = self.gate.ready(now)
            if send and self.resend:
                s.invalidate(state=False)
                self.resend = False
            keep = keep or now - self.kept_at >= KEEP_EVERY_S
            messages, frame = s.work_held(now, train=train, draw=send or keep)
            n = self.gate.send(now) if send and frame is not None else None  # numbered in the order made
            self.out_lock.acquire()
        self._send_out(messages, frame, n, training=train)
        self._keep()

    def _send_out(self, messages: list[dict[str, Any]], frame: bytes | None, n: int | None = None, *,
                  training: bool = False) -> None:
        """Send (the caller took ``out_lock``, and this lets go of it) the messages, then the frame: frame
        number ``n`` to the widget, or, with no number, only kept (a frame made for the saved notebook).
        What is to be kept is noted here, in the order sent, and kept by :meth:`_keep`."""
        try:
            for m in messages:
                self.out(m, None)
                if m["type"] == "state":
                    self.unkept = m
            if frame is not None:
                now = time.monotonic()
                if n is not None:
                    self.out({"type": "frame", "n": n, "ack": self.gate.marked(n)}, [frame])
                    self.frames += 1
                else:  # made to be kept: it may have taken the thumbnails and panels the page has not seen
                    self.resend = True
                if n is None or not training or now - self.kept_at >= KEEP_EVERY_S:
                    self.kept_at, self.unkept_frame = now, frame
        finally:
            self.out_lock.release()

    def _keep(self) -> None:
        """Keep the last state and frame sent (traits, saved with the notebook), after the send: syncing a
        trait costs a millisecond or two (a frame: more) that the messages need not wait for."""
        with self.keeping:  # keeps in the order they were noted: the last kept is the last sent
            with self.out_lock:
                state, frame, self.unkept, self.unkept_frame = self.unkept, self.unkept_frame, None, None
            if state is not None or frame is not None:
                self.keep(state, frame)

    # ---- from the widget (the kernel's main thread) -----------------------------------------------
    def receive(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        """A message from the page: a request answered now, or a page message queued for the thread."""
        kind = content.get("type") if isinstance(content, dict) else None
        request = self.requests.get(kind) if isinstance(kind, str) else None
        if request is None:
            self.session.receive(json.dumps(content, separators=(",", ":")))
        else:
            request(content, buffers)
        self.wake.set()

    def _reply(self, content: dict[str, Any], ok: bool, body: dict[str, Any], status: int = 200,
               buffers: list[bytes] | None = None) -> None:
        self.out({"type": "reply", "id": str(content.get("id", ""))[:64], "ok": ok,
                  "status": status if ok else (status if status != 200 else 422), "body": body}, buffers)

    def _hello(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        self.gate.hello(_view(content), time.monotonic())
        with self.session.lock:
            self.session.invalidate()

    def _ack(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        n = content.get("n")
        if isinstance(n, int) and not isinstance(n, bool):
            self.gate.ack(_view(content), n, time.monotonic())

    def _bye(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        self.gate.bye(_view(content))

    def _resource(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        """What the page would GET from ``/api/<name>`` (the lessons, the catalogue), from the same routes."""
        ok, status, body = routes.call(self.session.settings, str(content.get("name", "")), post=False)
        self._reply(content, ok, body, status)

    def _post(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        """What the page would POST to ``/api/<name>`` (a quick claim: seconds; on its own thread)."""
        def run() -> None:
            ok, status, body = routes.call(self.session.settings, str(content.get("name", "")), post=True)
            self._reply(content, ok, body, status)

        threading.Thread(target=run, name="relulab-widget-post", daemon=True).start()

    def _export(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        name, query = content.get("name"), content.get("query") or {}
        if name not in KINDS:
            return self._reply(content, False, {"detail": f"unknown export {str(name)[:40]!r}; "
                                                          f"allowed: {', '.join(KINDS)}"})
        try:
            body = self.export(str(name), discretize=bool(query.get("discretize")),
                               show_test=bool(query.get("show_test", True)))
        except ValueError as e:
            return self._reply(content, False, {"detail": str(e).splitlines()[0]})
        lab = self.session.lab
        filename = f"relulab-{lab.cfg.dataset}-epoch{lab.trainer.epoch}-{name}"
        self._reply(content, True, {"filename": filename, "mime": KINDS[str(name)]}, buffers=[body])

    def export(self, name: str, *, discretize: bool = False, show_test: bool = True) -> bytes:
        """The bytes of export ``name``, exactly as the page's export link gives them."""
        with self.session.lock:
            run, no_regions = snapshot(self.session.lab)
        return export(run, name, no_regions=no_regions, discretize=discretize, show_test=show_test)

    def _upload(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        s, limit = self.session, self.session.settings.max_upload_bytes
        raw = bytes(buffers[0]) if buffers else b""
        if len(raw) > limit:
            return self._reply(content, False, {"detail": f"upload too large: the limit is {limit} bytes, "
                                                          f"got {len(raw)} bytes"})
        if not s.limit.allow(time.monotonic(), 1 + len(raw) / UPLOAD_BYTES_PER_MESSAGE):
            return self._reply(content, False, {"detail": "too many uploads: at most "
                                                f"{s.limit.rate * UPLOAD_BYTES_PER_MESSAGE:,.0f} bytes a second "
                                                "per session; wait a moment"}, 429)
        apply = apply_points if content["type"] == "upload" else apply_run
        try:
            with s.lock:
                answer = apply(s, raw)
        except Exception as e:  # as the server's routes answer: bad input is never a crash
            refusal = refused(e)
            return self._reply(content, False, {"detail": refusal.detail}, refusal.status_code)
        self._reply(content, True, answer)


def _view(content: dict[str, Any]) -> str:
    return str(content.get("view", ""))[:64]
