"""``Session``: one browser tab -- its own :class:`Lab`, display settings and outgoing messages;
``SessionManager``: opens sessions up to the server's limit and closes idle ones.

A session never raises on bad input: :meth:`Session.handle_text` turns every problem into an error
message for the page (``{"type": "error", "message": ...}``) and the session keeps its state.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import ValidationError

from ..config import RunConfig, config_error_message
from ..playground_url import read_link
from ..training import TrainingDiverged
from . import frames, overlay, panels
from .engine import Lab
from .protocol import ConfigMsg, ControlMsg, EditMsg, Message, PointMsg, ProtocolError, UiMsg, UrlMsg, parse_message
from .settings import ServerSettings

PAGE_KEYS = ("regions", "perceptron", "speed")  # link keys of the page itself, beside the playground's
MAX_ERROR = 400  # characters of an error message shown in the page


@dataclass
class Display:
    show_test_data: bool = False
    discretize: bool = False
    regions: bool = False
    speed: int = 1  # epochs per frame


class Session:
    def __init__(self, sid: str, settings: ServerSettings, cfg: RunConfig | None = None) -> None:
        self.id, self.settings = sid, settings
        self.lab = Lab(cfg if cfg is not None else RunConfig(), settings)
        self.display = Display()
        self.page_state: dict[str, str] = {}  # a link's dataset/regDataset that the config does not use
        self.playing = False
        self.ack: int | None = None  # seq of the last message handled
        self.outbox: list[dict[str, Any]] = []  # JSON messages waiting to be sent (state, error, notes)
        self.dirty = True  # a frame is due even when paused
        self.wake = asyncio.Event()
        self.last_seen = time.monotonic()
        self.closed: str | None = None  # why the server closed it
        self._analysis: dict[str, Any] = {}
        self._analysis_time = -1.0
        self.region_history: list[tuple[int, int]] = []
        self.state_due = True

    # ---- input ----------------------------------------------------------------------------------
    def handle_text(self, text: str | bytes) -> None:
        """Apply one message from the page; any problem becomes an error message, nothing raises."""
        self.last_seen = time.monotonic()
        seq = None
        try:
            msg = parse_message(text, max_bytes=self.settings.max_message_bytes)
            seq = msg.seq
            self.handle(msg)
        except ProtocolError as e:
            self.error(str(e), seq)
        except ValidationError as e:
            self.error(config_error_message(e), seq)
        except ValueError as e:  # the library's input errors; TrainingDiverged too
            self.error(str(e).splitlines()[0], seq)
        if seq is not None:
            self.ack = seq
        self.dirty = True

    def handle(self, msg: Message) -> None:
        lab = self.lab
        if isinstance(msg, ConfigMsg):
            hidden = msg.config.get("hidden")
            if isinstance(hidden, list | tuple) and len(hidden) > self.settings.max_layers:
                raise ValueError(f"hidden: at most {self.settings.max_layers} hidden layers on this server, "
                                 f"got {len(hidden)}")
            lab.set_config(RunConfig.model_validate({**lab.cfg.model_dump(), **msg.config}))
            self.changed()
        elif isinstance(msg, ControlMsg):
            self.control(msg.action)
        elif isinstance(msg, UiMsg):
            if msg.speed is not None and msg.speed > self.settings.max_epochs_per_frame:
                raise ValueError(f"speed: at most {self.settings.max_epochs_per_frame} epochs per frame, "
                                 f"got {msg.speed}")
            if msg.perceptron is not None:
                lab.set_perceptron(msg.perceptron)
            for k in ("show_test_data", "discretize", "regions", "speed"):
                if getattr(msg, k) is not None:
                    setattr(self.display, k, getattr(msg, k))
            self.changed()
        elif isinstance(msg, EditMsg):
            lab.edit(msg.layer, msg.kind, msg.row, msg.col, msg.value)
            self._analysis_time = -1.0
        elif isinstance(msg, PointMsg):
            if msg.op == "clear":
                lab.clear_points()
            else:
                lab.add_point(msg.x, msg.label)
            self.changed()
        elif isinstance(msg, UrlMsg):
            self.open_link(msg.url)

    def control(self, action: str) -> None:
        if action == "play":
            self.playing = True
        elif action == "pause":
            self.playing = False
        elif action == "step":
            self.playing = False
            self.advance(1)
        else:
            {"reset": self.lab.reset, "new_weights": self.lab.new_weights, "regenerate": self.lab.regenerate}[action]()
            self.changed()

    def open_link(self, url: str) -> None:
        """A TensorFlow Playground link (or one of this page's): config, display and notes."""
        from urllib.parse import parse_qsl, urlencode, urlsplit

        text = url.strip()
        frag = urlsplit(text).fragment if "#" in text else text.lstrip("?")
        pairs = parse_qsl(frag, keep_blank_values=True)
        page = {k: v for k, v in pairs if k in PAGE_KEYS}
        link = read_link(urlencode([(k, v) for k, v in pairs if k not in PAGE_KEYS], safe=",:"))
        cfg = RunConfig(**link.fields)
        speed = page.get("speed", "1")
        if not speed.isdigit() or not 1 <= int(speed) <= self.settings.max_epochs_per_frame:
            raise ValueError(f"link key speed={speed!r}; allowed: 1..{self.settings.max_epochs_per_frame}")
        self.lab.open(cfg, perceptron=page.get("perceptron") == "true")
        self.page_state = link.page
        self.display = Display(link.ui.get("showTestData", False), link.ui.get("discretize", False),
                               page.get("regions") == "true", int(speed))
        if link.notes:
            self.outbox.append({"type": "notes", "notes": link.notes})
        self.changed()

    def error(self, message: str, seq: int | None = None) -> None:
        if len(message) > MAX_ERROR:
            message = message[: MAX_ERROR - 3] + "..."
        self.outbox.append({"type": "error", "message": message, "seq": seq})
        self.state_due = True  # the page puts its controls back to what the server has

    def changed(self) -> None:
        """Something the page shows outside frames changed: queue a state message."""
        self.state_due = True
        self._analysis_time = -1.0
        self.dirty = True

    def drain(self) -> list[dict[str, Any]]:
        """The JSON messages to send now: errors and notes, then the state if it changed."""
        out, self.outbox = self.outbox, []
        if self.state_due:
            out.append(self.state())
            self.state_due = False
        return out

    # ---- training and frames --------------------------------------------------------------------
    def advance(self, epochs: int | None = None) -> None:
        try:
            for _ in range(epochs if epochs is not None else self.display.speed):
                self.lab.step()
        except TrainingDiverged as e:
            self.playing = False
            self.error(str(e))

    def analysis(self, now: float) -> dict[str, Any]:
        """The panels, recomputed at most every ``analysis_interval_s`` while playing."""
        if self.playing and 0 <= now - self._analysis_time < self.settings.analysis_interval_s:
            return self._analysis
        lab, epoch = self.lab, self.lab.trainer.epoch
        if self.region_history and epoch < self.region_history[-1][0]:
            self.region_history = []
        reg = overlay.regions_panel(lab, self.settings, polygons=self.display.regions)
        if reg.get("count") is not None and (not self.region_history or self.region_history[-1][0] != epoch):
            self.region_history.append((epoch, reg["count"]))
            del self.region_history[:-500]
        self._analysis = {"diagnostics": panels.diagnostics(lab),
                          "collapse": panels.linear_collapse(lab), "regions": reg,
                          "region_history": self.region_history}
        self._analysis_time = now
        return self._analysis

    def frame(self, now: float | None = None) -> bytes:
        now = time.monotonic() if now is None else now
        t = self.lab.trainer
        last = t.history.last()
        head, parts = frames.pictures(self.lab, self.settings)
        numbers = frames.clean({"train_loss": last.train_loss, "test_loss": last.test_loss,
                                "train_acc": last.train_acc, "test_acc": last.test_acc})
        header = {"type": "frame", "ack": self.ack, "epoch": t.epoch, "playing": self.playing, **numbers,
                  "curve": frames.curve(t.history), **head, "confusion": panels.confusion(self.lab),
                  **frames.network_json(self.lab), **self.analysis(now)}  # each part cleans its own floats
        self.dirty = False
        return frames.encode(header, parts)

    def state(self) -> dict[str, Any]:
        lab = self.lab
        data, cfg = lab.trainer.data, lab.cfg
        ui = {"showTestData": self.display.show_test_data, "discretize": self.display.discretize}
        link = cfg.to_playground_url("", {**ui, **self.page_state})
        extra = {"regions": self.display.regions, "perceptron": lab.perceptron}
        link += "".join(f"&{k}=true" for k, v in extra.items() if v)
        link += f"&speed={self.display.speed}" if self.display.speed != 1 else ""
        pts = {s: {"x": frames.clean(getattr(data, f"x_{s}").tolist(), 3),
                   "y": frames.clean(getattr(data, f"y_{s}").tolist(), 4)} for s in ("train", "test")}
        return {"type": "state", "session": self.id, "config": cfg.model_dump(mode="json"),
                "display": asdict(self.display), "perceptron": lab.perceptron, "hash": link.lstrip("#"),
                "custom": lab.custom is not None, "limits": self.settings.limits(),
                "network": {"features": list(data.features), "hidden": list(lab.model_cfg.hidden),
                            "activations": list(lab.model_cfg.layer_activations()),
                            "outputs": lab.trainer.model.linears[-1].out_features},
                "data": {"name": data.name, "problem": data.problem, "input_dim": data.input_dim,
                         "num_classes": data.num_classes, "domain": list(data.domain), **pts}}


class SessionManager:
    """All open sessions of a server, by id."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.sessions: dict[str, Session] = {}

    def open(self) -> Session:
        if len(self.sessions) >= self.settings.max_sessions:
            raise ValueError(f"the server is busy: {len(self.sessions)} sessions are open, the limit is "
                             f"{self.settings.max_sessions}; close another tab and reload")
        sid = secrets.token_urlsafe(12)
        self.sessions[sid] = s = Session(sid, self.settings)
        return s

    def get(self, sid: str) -> Session:
        try:
            return self.sessions[sid]
        except KeyError:
            raise KeyError(f"no open session {sid[:40]!r}; reload the page to start one") from None

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
            self.close(s, f"session closed after {self.settings.idle_timeout_s:g} s without input; reload the page")
        return idle
