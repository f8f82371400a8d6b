"""``Playground``: the playground page in a notebook cell (anywidget), with its live run in Python.

In a notebook::

    pg = rl.Playground(dataset="xor", hidden=(4,), lr=0.03)
    pg                                  # the page, in the cell
    pg.play(); pg.set(lr=0.1); pg.pause(); pg.step(10)
    pg.run.model, pg.run.history.epoch[-1], pg.config.lr
    pg.export()                         # the page's run.json, as bytes
    rl.Playground(lesson="C3")          # a lesson, opened on its first step

A widget is a session like a browser tab (see :mod:`.sessions`); :mod:`.driver` runs it.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import anywidget
import traitlets
from pydantic import ValidationError

from ..config import RunConfig, config_error_message
from ..server.session import Session
from ..server.uploads import apply_run
from ..training import Run, TrainingDiverged
from . import bundle, page, sessions
from .driver import Driver


def _out(ref: weakref.ref[Playground]) -> Any:
    def out(content: dict[str, Any], buffers: list[bytes] | None) -> None:
        w = ref()
        if w is not None:
            w.send(content, buffers)
    return out


def _keep(ref: weakref.ref[Playground]) -> Any:
    def keep(state: dict[str, Any] | None, frame: bytes | None) -> None:
        w = ref()
        if w is not None:
            if state is not None:
                w._state = state
            if frame is not None:
                w._frame = frame
    return keep


class Playground(anywidget.AnyWidget):
    """The playground for ``source`` -- a :class:`RunConfig`, a playground link (TensorFlow Playground's
    or this page's), a :class:`~relulab.training.Run`, or the path of a ``run.json`` -- or, instead of a
    source, ``lesson`` (an id of :mod:`relulab.lessons`, e.g. ``"C3"``) opened on its first step, with
    ``fields`` (``RunConfig`` fields) on top. Bad input: ``ValueError`` with a one-line message."""

    _esm = bundle.compose()
    _css = page.css()
    _html = traitlets.Unicode(page.markup()).tag(sync=True)
    _resources = traitlets.Dict().tag(sync=True)
    _state = traitlets.Dict().tag(sync=True)
    _frame = traitlets.Bytes().tag(sync=True)

    def __init__(self, source: RunConfig | Run | str | Path | None = None, *, lesson: str | None = None,
                 **fields: Any) -> None:
        manager = sessions.manager()
        session = manager.open()
        try:
            with session.lock:
                _load(session, source, fields, lesson)
        except BaseException:
            manager.close(session)
            raise
        super().__init__(_resources=page.resources(session.settings))
        ref = weakref.ref(self)
        self._session, self._manager = session, manager
        self._driver = Driver(session, _out(ref), _keep(ref))
        self.on_msg(lambda _w, content, buffers: self._driver.receive(content, buffers))
        weakref.finalize(self, _close, manager, session, self._driver)
        self._driver.start()

    # ---- what Python sees ----------------------------------------------------------------------
    @property
    def config(self) -> RunConfig:
        """The session's config, with every change made in the widget so far."""
        with self._synced():
            return self._session.lab.cfg

    @property
    def run(self) -> Run:
        """The live run: ``model`` (an ``nn.Module``), ``data``, ``history`` (grows as it trains). While
        it plays the model changes under you: ``pause()`` first for a still one."""
        with self._synced():
            return self._session.lab.run()

    @property
    def epoch(self) -> int:
        with self._synced():
            return self._session.lab.trainer.epoch

    @property
    def lesson(self) -> tuple[str, int] | None:
        """The lesson the widget shows and its step (``None``: none), as the page's lesson panel does."""
        with self._synced():
            place = self._session.place
            return None if place.lesson is None else (place.lesson.id, place.step)

    @property
    def playing(self) -> bool:
        return self._session.playing

    # ---- what Python does (each shown in the widget at once) -----------------------------------
    def play(self) -> None:
        with self._synced():
            self._session.play()

    def pause(self) -> None:
        with self._synced():
            self._session.pause()

    def step(self, n: int = 1) -> int:
        """Pause and train ``n`` epochs (in this cell); returns the epoch reached."""
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"step: n must be a whole number of epochs >= 1, got {n!r}")
        with self._synced():
            s = self._session
            s.pause()
            try:
                for _ in range(n):
                    s.lab.step()
            except TrainingDiverged as e:
                s.error(str(e))
                raise
            finally:
                s.invalidate(state=False)
            epoch = s.lab.trainer.epoch
        self._driver.flush(keep=True)  # the frame of the epoch reached, made (and sent) before this returns
        return epoch

    def set(self, **fields: Any) -> None:
        """Change config fields, as the page's controls do (``pg.set(lr=0.1)``); the same validation."""
        with self._synced():
            lab = self._session.lab
            lab.set_config(_validated({**lab.cfg.model_dump(), **fields}))
            self._session.invalidate()

    def export(self, name: str = "run.json", *, discretize: bool = False, show_test: bool = True) -> bytes:
        """Export ``name`` (``run.json``, ``model.pt``, ``data.csv``, ``heatmap.png``...): the very bytes
        the page's export link gives."""
        return self._driver.export(name, discretize=discretize, show_test=show_test)

    def close(self) -> None:
        """End the session (it no longer counts against the kernel's limit) and the widget."""
        if "_session" in self.__dict__:  # not when __init__ failed before the session was ours
            _close(self._manager, self._session, self._driver)
        super().close()

    # ---- helpers ---------------------------------------------------------------------------------
    def _synced(self) -> _Synced:
        return _Synced(self._session, self._driver)


class _Synced:
    """Hold the session with the widget's queued messages applied; on exit, let the widget see the change."""

    def __init__(self, session: Session, driver: Driver) -> None:
        self.session, self.driver = session, driver

    def __enter__(self) -> None:
        if self.session.closed is not None:
            raise ValueError(f"this playground is closed ({self.session.closed}); make a new one")
        self.session.lock.acquire()
        while self.session.inbox:
            self.session.handle_text(self.session.inbox.popleft())

    def __exit__(self, *exc: object) -> None:
        self.driver.hand_off()  # sends the change's state now, and lets go of the session


def _close(manager: sessions.SessionManager, session: Session, driver: Driver) -> None:
    driver.stop()
    manager.close(session)


def _validated(fields: dict[str, Any]) -> RunConfig:
    try:
        return RunConfig.model_validate(fields)
    except ValidationError as e:
        raise ValueError(config_error_message(e)) from None


def _load(session: Session, source: Any, fields: dict[str, Any], lesson: Any = None) -> None:
    """Open ``source`` or ``lesson`` in the session (caller holds its lock), then ``fields`` on top."""
    lab = session.lab
    if lesson is not None:
        if source is not None:
            raise ValueError(f"Playground: pass a source or lesson=, not both; got a {type(source).__name__} "
                             f"and lesson={lesson!r}")
        if not isinstance(lesson, str):
            raise ValueError(f"Playground: lesson must be a lesson id such as 'C3', got {lesson!r}; "
                             f"allowed: {list(session.lessons)}")
        session.go(lesson, 1)  # the first step's preset, paused: the learner presses play
        if fields:
            lab.set_config(_validated({**lab.cfg.model_dump(), **fields}))
        return
    if isinstance(source, RunConfig):
        lab.open(_validated({**source.model_dump(), **fields}))
        return
    if source is None:
        lab.open(_validated(fields))
        return
    if isinstance(source, Run):
        lab.load(source, custom=False)
    elif isinstance(source, Path) or (isinstance(source, str) and source.strip().endswith(".json")):
        path = Path(source)
        if not path.is_file():
            raise ValueError(f"no run.json at {str(path)!r}; pass a RunConfig, a playground link, a Run or "
                             "a run.json path")
        apply_run(session, path.read_bytes())
    elif isinstance(source, str):
        session.open_link(source)
    else:
        raise ValueError(f"Playground: cannot open a {type(source).__name__}; pass a RunConfig, a playground link, "
                         "a Run or a run.json path")
    if fields:
        lab.set_config(_validated({**lab.cfg.model_dump(), **fields}))
