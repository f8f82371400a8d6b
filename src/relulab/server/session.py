"""``Session``: one browser tab -- its own :class:`Lab`, display settings and outgoing messages;
``SessionManager``: opens sessions up to the server's limit and closes idle ones.

A session never raises: :meth:`Session.handle_text` turns every problem with a message into an error
message for the page (``{"type": "error", "message": ...}``, the message's ``seq`` acknowledged) and
the session keeps its state; a failure while training is an error message and a pause (a run that
overflows is "diverged"); a panel that fails shows its error in its place (logged once, until it works
again); a frame that cannot be drawn is an error message. Only a failure to send ends a session
(see :mod:`.app`). Whatever
changes what the page shows calls :meth:`Session.invalidate`; the next :meth:`Session.work` then sends
a state message (when asked) and a full frame.

The lab is touched only under ``session.lock``, from a worker thread (see :mod:`.app`): training,
frames, messages and HTTP uploads of one session never run at the same time.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import ValidationError

from ..config import RunConfig
from ..data import DATASETS
from ..i18n import Lines, Refusal, said
from ..playground_url import PAGE_DATASETS
from ..training import TrainingDiverged
from . import links, overlay, panels, pictures
from .lab import Lab
from .protocol import (
    ConfigMsg,
    ControlMsg,
    EditMsg,
    LessonMsg,
    Message,
    PointMsg,
    UiMsg,
    UrlMsg,
    parse_message,
    problems,
)
from .settings import ServerSettings
from .teach import Place, server_lessons
from .wire import clean, encode

MAX_ERROR = 400  # characters of an error message shown in the page
log = logging.getLogger("relulab.server")


def failure_text(e: BaseException) -> str:
    """``TypeName: first line`` of an unexpected exception, for the page."""
    first = next((line.strip() for line in str(e).splitlines() if line.strip()), "")
    return f"{type(e).__name__}: {first}" if first else type(e).__name__


@dataclass
class Display:
    show_test_data: bool = False
    discretize: bool = False
    regions: bool = False


class RateLimit:
    """A token bucket: ``rate`` messages a second on average, bursts of ``2 * rate``. A flood -- more
    than ``FLOOD`` times the rate dropped since the last report -- is reported by :attr:`flood`."""

    FLOOD = 10

    def __init__(self, rate: float) -> None:
        self.rate, self.tokens, self.t = rate, 2 * rate, time.monotonic()
        self.dropped = 0
        self.last_warning = -1e9

    @property
    def flood(self) -> bool:
        return self.dropped > self.FLOOD * self.rate

    def report(self, now: float) -> Refusal | None:
        """At most once a second: how many messages were dropped since the last report."""
        if not self.dropped or now - self.last_warning < 1.0:
            return None
        n, self.dropped, self.last_warning = self.dropped, 0, now
        return Refusal("too many messages: at most {rate} a second; {n} were dropped (not applied)",
                       rate=f"{self.rate:g}", n=n)

    def allow(self, now: float, cost: float = 1.0) -> bool:
        """Whether a message (or an upload of ``cost`` messages' worth) may pass now."""
        self.tokens = min(2 * self.rate, self.tokens + max(0.0, now - self.t) * self.rate)
        self.t = now
        if self.tokens >= min(cost, 2 * self.rate):
            self.tokens -= cost
            return True
        self.dropped += 1
        return False


class Session:
    def __init__(self, sid: str, settings: ServerSettings, cfg: RunConfig | None = None) -> None:
        self.id, self.settings = sid, settings
        self.lab = Lab(cfg if cfg is not None else RunConfig(), settings)
        self.display = Display()
        self.page_state: dict[str, str] = {}  # a link's dataset/regDataset that the config does not use
        self.playing = False
        self.ack: int | None = None  # seq of the last message handled
        self.outbox: list[dict[str, Any]] = []  # JSON messages waiting to be sent (state, error, notes)
        self.inbox: deque[str | bytes] = deque()  # messages received, not yet handled
        self.lock = threading.Lock()
        self.wake = asyncio.Event()
        self.limit = RateLimit(settings.max_messages_per_s)
        self.last_seen = time.monotonic()
        self.closed: str | None = None  # why the server closed it (English; the page gets it translated)
        self._due = {"state", "frame", "thumbs", "analysis"}
        self._analysis: dict[str, Any] = {}
        self._analysis_s = 0.0  # what the last panels took: they take at most a quarter of the time
        self._times = {"thumbs": -1e9, "analysis": -1e9}
        self.region_history: list[tuple[int, int]] = []
        self.lessons = server_lessons(settings)
        self.place = Place()  # the lesson and step the page shows
        self.lang = "en"
        self._last_analysis: dict[str, Any] = {}
        self._failing: set[str] = set()  # panels whose failure was logged (once, until they work again)
        self._pts_key: list[tuple[Any, int]] | None = None  # the tensors (and versions) _pts was made from
        self._pts: dict[str, Any] = {}

    def invalidate(self, *, state: bool = True) -> None:
        """What the page shows changed: a full frame (and a state message when ``state``) is due."""
        self._due |= {"frame", "thumbs", "analysis"} | ({"state"} if state else set())

    # ---- input ----------------------------------------------------------------------------------
    def receive(self, text: str | bytes, now: float | None = None) -> None:
        """A message from the socket (event loop): queued for :meth:`work`, or dropped over the rate limit."""
        now = time.monotonic() if now is None else now
        self.last_seen = now
        if self.limit.allow(now):
            self.inbox.append(text)
        elif self.limit.flood and self.closed is None:  # reading a flood costs every session: stop it
            self.closed = str(Refusal("session closed: more than {n} messages over the limit of {rate} a second; "
                                      "reload the page", n=f"{RateLimit.FLOOD * self.limit.rate:g}",
                                      rate=f"{self.limit.rate:g}"))
        self.wake.set()

    def handle_text(self, text: str | bytes) -> None:
        """Apply one message from the page; any problem becomes an error message, nothing raises."""
        self.last_seen = time.monotonic()
        seq = None
        try:
            msg = parse_message(text, max_bytes=self.settings.max_message_bytes)
            seq = msg.seq
            self.handle(msg)
        except ValidationError as e:
            self.error(problems(e), seq)
        except ValueError as e:  # a refusal (the message, a limit, a link), the library's input errors, a divergence
            self.error(e, seq)
        except RecursionError:
            self.error(Refusal("message nested too deeply; send flat JSON objects"), seq)
        except Exception as e:  # a bug or a numerical failure in a handler: say so, keep the session
            log.exception("message failed")
            self.error(Refusal("internal error while applying this message: {why}", why=failure_text(e)), seq)
        if seq is not None:
            self.ack = seq
        self._due.add("frame")

    def handle(self, msg: Message) -> None:
        lab = self.lab
        if isinstance(msg, ConfigMsg):
            new = {**lab.cfg.model_dump(), **msg.config}
            if "dataset" in msg.config and new["dataset"] in DATASETS and DATASETS.get(new["dataset"]).problem != \
                    lab.cfg.problem and lab.cfg.dataset in PAGE_DATASETS[lab.cfg.problem]:
                new["other_dataset"] = lab.cfg.dataset  # the page keeps one data set of each problem type
            lab.set_config(RunConfig.model_validate(new))
        elif isinstance(msg, ControlMsg):
            self.control(msg.action)
            return
        elif isinstance(msg, UiMsg):
            if msg.speed is not None:
                lab.set_speed(msg.speed)
            if msg.perceptron is not None:
                lab.set_perceptron(msg.perceptron)
            for k in ("show_test_data", "discretize", "regions"):
                if getattr(msg, k) is not None:
                    setattr(self.display, k, getattr(msg, k))
            if msg.lang is not None:
                from ..i18n import check_lang

                self.lang = check_lang(msg.lang)
        elif isinstance(msg, LessonMsg):
            self.go(msg.id, msg.step, apply=msg.apply)
        elif isinstance(msg, EditMsg):
            lab.edit(msg.layer, msg.kind, msg.row, msg.col, msg.value)
            self.invalidate(state=False)
            return
        elif isinstance(msg, PointMsg):
            lab.clear_points() if msg.op == "clear" else lab.add_point(msg.x, msg.label)
        elif isinstance(msg, UrlMsg):
            self.open_link(msg.url)
        self.invalidate()

    def control(self, action: str) -> None:
        if action == "play":
            self.play()
        elif action == "pause":
            self.pause()
        elif action == "step":
            self.pause()
            self.advance(1)
        else:
            {"reset": self.lab.reset, "new_weights": self.lab.new_weights, "regenerate": self.lab.regenerate}[action]()
            self.invalidate()

    def play(self) -> None:
        self.playing = True
        self.invalidate(state=False)

    def pause(self) -> None:
        self.playing = False
        self.invalidate(state=False)

    def open_link(self, url: str, *, notes: bool = True) -> None:
        """A TensorFlow Playground link (or one of this page's): config, display, lesson step and notes."""
        link = links.read(url, self.settings, self.lessons)
        self.lab.open(link.config, perceptron=link.perceptron, speed=link.speed)
        self.display = Display(link.show_test_data, link.discretize, link.regions)
        self.page_state = link.page
        self.lang = link.lang
        self.place.go(self.lessons[link.lesson] if link.lesson else None, link.step)
        if link.notes and notes:
            self.outbox.append({"type": "notes", "notes": link.notes})

    def go(self, lesson_id: str | None, step: int, *, apply: bool = True) -> None:
        """Step ``step`` of a lesson (``None``: leave it); ``apply`` opens the step's preset, keeping the
        link's hidden controls and the language."""
        if lesson_id is not None and lesson_id not in self.lessons:
            raise Refusal("no lesson {got}; allowed: {allowed}", got=repr(lesson_id[:40]), allowed=list(self.lessons))
        place = Place()
        place.go(self.lessons[lesson_id] if lesson_id else None, step)
        preset = place.preset()
        if apply and preset is not None:
            kept = "".join(f"&{k}={v}" for k, v in self.page_state.items() if k.endswith("_hide") or k == "hideText")
            lang = self.lang
            self.open_link(preset + kept, notes=False)  # a preset is short on purpose
            self.lang = lang
            self.pause()  # the learner presses play
        self.place = place

    def error(self, what: str | BaseException | Lines, seq: int | None = None) -> None:
        """An error message for the page, in the page's language (a refusal by its catalogue template)."""
        message = said(what, self.lang)
        if len(message) > MAX_ERROR:
            message = message[: MAX_ERROR - 3] + "..."
        self.outbox.append({"type": "error", "message": message, "seq": seq})
        self._due.add("state")  # the page puts its controls back to what the server has

    def drain(self) -> list[dict[str, Any]]:
        """The JSON messages to send now: errors and notes, then the state if it changed."""
        out, self.outbox = self.outbox, []
        dropped = self.limit.report(time.monotonic())
        if dropped:
            out.append({"type": "error", "message": said(dropped, self.lang), "seq": None})
        if "state" in self._due:
            out.append(self.state())
            self._due.discard("state")
        return out

    # ---- training and frames (worker thread, under self.lock) -----------------------------------
    @property
    def frame_due(self) -> bool:
        """Whether something changed that no frame has shown yet."""
        return "frame" in self._due

    def work(self, now: float | None = None, *, train: bool = False,
             draw: bool = True) -> tuple[list[dict[str, Any]], bytes | None]:
        """Handle the queued messages, train one frame's epochs when ``train``, and return what to send;
        no frame when not ``draw`` (one stays due: the notebook widget's flow control)."""
        with self.lock:
            return self.work_held(now, train=train, draw=draw)

    def work_held(self, now: float | None = None, *, train: bool = False,
                  draw: bool = True) -> tuple[list[dict[str, Any]], bytes | None]:
        """:meth:`work` for a caller that holds ``self.lock`` (and may keep it to order its sends)."""
        while self.inbox:
            self.handle_text(self.inbox.popleft())
        if train and self.playing:
            self.advance()
        frame = None
        if draw and ((train and self.playing) or "frame" in self._due):
            try:
                frame = self.frame(now)
            except Exception as e:  # nothing to draw: say why and pause; messages still apply
                log.exception("frame failed")
                self.playing = False
                self._due.discard("frame")
                self.error(Refusal("internal error while drawing a frame: {why}; training paused",
                                   why=failure_text(e)))
        return self.drain(), frame

    def advance(self, epochs: int | None = None) -> int:
        """Train ``epochs`` (default: the speed), stopping early when the next epoch would pass the
        frame's time budget (at least one epoch always runs). Returns the epochs trained."""
        todo = epochs if epochs is not None else self.lab.speed
        start = time.perf_counter()
        done = 0
        try:
            while done < todo:
                t0 = time.perf_counter()
                self.lab.step()
                done += 1
                if epochs is None and (time.perf_counter() - start) + (time.perf_counter() - t0) > \
                        self.settings.frame_budget_s:
                    break
        except TrainingDiverged as e:
            self.error(e)
            self.pause()
        except (ArithmeticError, RuntimeError, ValueError) as e:  # overflow, a linear-algebra failure
            log.warning("training failed: %s", failure_text(e))
            self.error(Refusal("the run diverged: training failed at epoch {epoch} ({why}); change the settings and "
                               "reset", epoch=self.lab.trainer.epoch, why=failure_text(e)))
            self.pause()
        self._due.add("frame")
        return done

    def analysis(self) -> dict[str, Any]:
        """The panels: regions, units, collapse."""
        lab, epoch = self.lab, self.lab.trainer.epoch
        if self.region_history and epoch < self.region_history[-1][0]:
            self.region_history = []
        reg = self.panel("regions", overlay.regions_panel, lab, self.settings, polygons=self.display.regions)
        if reg.get("count") is not None and (not self.region_history or self.region_history[-1][0] != epoch):
            self.region_history.append((epoch, reg["count"]))
            del self.region_history[:-500]
        return {"diagnostics": self.panel("diagnostics", panels.diagnostics, lab),
                "collapse": self.panel("collapse", panels.linear_collapse, lab), "regions": reg,
                "region_history": self.region_history}

    def panel(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """``fn(*args)``, or the panel's error in its place (``{"refused": ..., "error": True}``); the
        first failure of a panel is logged, later ones only after it has worked again."""
        try:
            out = fn(*args, **kwargs)
        except Exception as e:
            if name not in self._failing:
                self._failing.add(name)
                log.exception("panel %s failed", name)
            return {"refused": f"this panel failed: {failure_text(e)}", "error": True}
        self._failing.discard(name)
        return out

    def _take(self, part: str, now: float, interval: float) -> bool:
        """Whether ``part`` goes into this frame: after a change, or while playing every ``interval`` s."""
        if part in self._due or not self.playing or now - self._times[part] >= interval:
            self._due.discard(part)
            self._times[part] = now
            return True
        return False

    def frame(self, now: float | None = None) -> bytes:
        """The binary frame; thumbnails, curve and panels only when due (see :mod:`.wire`)."""
        now = time.monotonic() if now is None else now
        t = self.lab.trainer
        last = t.history.last()
        thumbs = self._take("thumbs", now, self.settings.thumbnail_interval_s)
        head, parts = pictures.pictures(self.lab, self.settings, thumbs=thumbs)
        header = {"type": "frame", "ack": self.ack, "epoch": t.epoch, "playing": self.playing,
                  **clean({"train_loss": last.train_loss, "test_loss": last.test_loss,
                           "train_acc": last.train_acc, "test_acc": last.test_acc}), **head,
                  **pictures.network_json(self.lab)}
        if thumbs:
            header["curve"] = pictures.curve(t.history)
            conf = self.panel("confusion", panels.confusion, self.lab)
            header["confusion"] = None if isinstance(conf, dict) and conf.get("error") else conf
        if self._take("analysis", now, max(self.settings.analysis_interval_s, 4 * self._analysis_s)):
            start = time.perf_counter()
            self._last_analysis = self.analysis()
            self._analysis_s = time.perf_counter() - start
            header.update(self._last_analysis)
        lesson = self.place.update({**header, **self._last_analysis}, self._net())
        if lesson is not None:
            header["lesson"] = lesson
        self._due.discard("frame")
        return encode(header, parts)

    def _net(self) -> dict[str, Any]:
        lab = self.lab
        net = {"hidden": list(lab.model_cfg.hidden), "activations": list(lab.model_cfg.layer_activations())}
        return {"network": net, "perceptron": lab.perceptron, "config": {"dataset": lab.cfg.dataset}}

    def view(self) -> dict[str, Any]:
        """What the page shows around the run: lesson and step, language, a classroom link's hidden controls."""
        p = self.place
        return {"lesson": p.lesson.id if p.lesson else None, "step": p.step, "lang": self.lang,
                "hidden": [k.removesuffix("_hide") for k, v in self.page_state.items() if k.endswith("_hide")
                           and v == "true"], "hideText": self.page_state.get("hideText") == "true"}

    def state(self) -> dict[str, Any]:
        lab = self.lab
        data, cfg = lab.trainer.data, lab.cfg
        pts = self._points(data)
        return {"type": "state", "session": self.id, "ack": self.ack, "config": cfg.model_dump(mode="json"),
                "display": {**asdict(self.display), "speed": lab.speed}, "perceptron": lab.perceptron,
                "hash": links.write(lab, self.display, self.page_state, self.view()), "view": self.view(),
                "custom": lab.custom is not None,
                "limits": self.settings.limits(),
                "network": {"features": list(data.features), "hidden": list(lab.model_cfg.hidden),
                            "activations": list(lab.model_cfg.layer_activations()),
                            "outputs": lab.trainer.model.linears[-1].out_features},
                "data": {"name": data.name, "problem": data.problem, "input_dim": data.input_dim,
                         "num_classes": data.num_classes, "domain": list(data.domain), **pts}}

    def _points(self, data: Any) -> dict[str, Any]:
        """The data set's points for the wire, rounded once per change of its tensors (a ``pg.set`` or a
        slider sends a state message, and the points are most of its cost)."""
        tensors = tuple(getattr(data, f"{a}_{s}") for s in ("train", "test") for a in "xy")
        key = [(t, t._version) for t in tensors]
        old = self._pts_key or [(None, -1)] * len(key)
        if any(a is not b or v != w for (a, v), (b, w) in zip(key, old, strict=True)):
            self._pts_key = key
            self._pts = {s: {"x": clean(getattr(data, f"x_{s}").tolist(), 3),
                             "y": clean(getattr(data, f"y_{s}").tolist(), 4)} for s in ("train", "test")}
        return self._pts


class SessionManager:
    """All open sessions of a server, by id."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.sessions: dict[str, Session] = {}

    def open(self) -> Session:
        if len(self.sessions) >= self.settings.max_sessions:
            raise Refusal("the server is busy: {n} sessions are open, the limit is {top}; close another tab and "
                          "reload", n=len(self.sessions), top=self.settings.max_sessions)
        sid = secrets.token_urlsafe(12)
        self.sessions[sid] = s = Session(sid, self.settings)
        return s

    def get(self, sid: str) -> Session:
        try:
            return self.sessions[sid]
        except KeyError:
            raise KeyError(Refusal("no open session {got}; reload the page to start one", got=repr(sid[:40]))) from None

    def close(self, session: Session, reason: str = "closed") -> None:
        session.closed = session.closed or reason
        session.playing = False
        self.sessions.pop(session.id, None)
        session.wake.set()

    def reap(self, now: float | None = None) -> list[Session]:
        """Close the sessions without a message for ``idle_timeout_s``; returns them."""
        now = time.monotonic() if now is None else now
        idle = [s for s in self.sessions.values() if now - s.last_seen > self.settings.idle_timeout_s]
        for s in idle:
            self.close(s, str(Refusal("session closed after {s} s without input; reload the page",
                                      s=f"{self.settings.idle_timeout_s:g}")))
        return idle
