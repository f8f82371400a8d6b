"""``create_app(settings)``: the playground's FastAPI app -- static page, HTTP routes, one WebSocket per tab.

Each WebSocket is one :class:`~relulab.server.session.Session`. The receiver queues the page's
messages (over the session's rate limit they are dropped, and the page is told); the pump hands the
session's work -- the queued messages, one frame's training under its time budget, the frame -- to a
bounded pool of worker threads, then sends what came back: at most ``max_fps`` frames a second while
training, one at once after any change, none while idle. Nothing heavy runs on the event loop, so no
session can stall another's messages, frames or new connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import torch
from fastapi import FastAPI, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from ..i18n import LANGUAGES, Lines, Refusal, said
from .guard import HostGuard
from .routes import router, same_origin
from .session import Session, SessionManager, failure_text
from .settings import ServerSettings

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("relulab.server")


async def _pump(ws: WebSocket, session: Session, settings: ServerSettings, pool: ThreadPoolExecutor) -> None:
    loop = asyncio.get_running_loop()
    period = 1.0 / settings.max_fps
    due = loop.time()
    while session.closed is None:
        session.wake.clear()
        train = session.playing and loop.time() >= due
        try:
            messages, frame = await loop.run_in_executor(pool, partial(session.work, train=train))
        except Exception as e:  # session.work catches its own failures; this is a last resort: say it
            log.exception("session work failed")
            session.playing = False
            session.error(Refusal("internal error while computing a frame: {why}", why=failure_text(e)))
            messages, frame = [], None
        try:  # only a failure to send ends the session
            for m in messages:
                await ws.send_text(json.dumps(m, separators=(",", ":")))
            if frame is not None:
                await ws.send_bytes(frame)
        except (WebSocketDisconnect, RuntimeError, ConnectionError, OSError):
            return  # the page went away; the receiver closes the session
        if train:
            due = max(due + period, loop.time() - period)
        if session.inbox or session.outbox:
            continue
        # sleep until the next frame is due or a message wakes us (call_later: no task per frame)
        timer = loop.call_later(max(0.0, due - loop.time()), session.wake.set) if session.playing else None
        await session.wake.wait()
        if timer is not None:
            timer.cancel()
    with contextlib.suppress(Exception):
        await ws.send_text(json.dumps({"type": "error", "message": said(session.closed, session.lang), "closed": True}))
        await ws.close(code=1001)


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """The app for ``settings`` (defaults: :class:`ServerSettings`). Sets torch to one thread."""
    settings = settings or ServerSettings()
    torch.set_num_threads(1)  # many small sessions: one thread each is steadier and faster
    manager = SessionManager(settings)
    pool = ThreadPoolExecutor(settings.workers, thread_name_prefix="relulab-lab")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async def reaper() -> None:
            while True:
                await asyncio.sleep(min(settings.idle_timeout_s / 4, 10.0))
                manager.reap()

        task = asyncio.create_task(reaper())
        yield
        task.cancel()
        for s in list(manager.sessions.values()):
            manager.close(s, "the server is shutting down")
        pool.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(title="relulab playground", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json" if settings.openapi else None)
    app.state.settings = settings
    app.state.sessions = manager
    app.state.pool = pool
    app.add_middleware(HostGuard, allowed=settings.allowed_hosts())
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(RequestValidationError)
    async def one_line(request: Request, exc: RequestValidationError) -> JSONResponse:
        """FastAPI's own 422 (a query value of the wrong type) as one line, like every other refusal, in the
        request's ``lang`` where it names one."""
        lang = request.query_params.get("lang", "en")
        lines = Lines(Refusal("{field}: {why}, got {got}", field=".".join(str(p) for p in e["loc"][1:]) or e["loc"][0],
                              why=e["msg"], got=repr(str(e.get("input", "")))[:40]) for e in exc.errors())
        return JSONResponse({"detail": said(lines, lang if lang in LANGUAGES else "en")}, status_code=422)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/report", include_in_schema=False)
    def report(lang: str = "en") -> HTMLResponse:
        """The claims report of the full run shipped with relulab (what a lesson's last step links to)."""
        from ..experiments.report import report_html
        from ..lessons.verdicts import report_results

        if lang not in LANGUAGES:
            raise HTTPException(422, f"unknown language {lang[:20]!r}; allowed: {list(LANGUAGES)}")
        results, meta = report_results()
        return HTMLResponse(report_html(results, meta=meta, lang=lang))

    @app.websocket("/ws")
    async def live(ws: WebSocket) -> None:
        if not same_origin(ws.headers):  # another site's page may not open a session here
            await ws.close(code=1008)
            return
        await ws.accept()
        try:
            session = manager.open()
        except ValueError as e:
            await ws.send_text(json.dumps({"type": "error", "message": str(e), "closed": True}))
            await ws.close(code=1013)
            return
        pump = asyncio.create_task(_pump(ws, session, settings, pool))
        try:
            while True:
                msg = await ws.receive()
                if msg["type"] == "websocket.disconnect":
                    break
                text = msg.get("text")
                session.receive(text if text is not None else msg.get("bytes") or b"")
                if session.closed is not None:  # a flood: the pump says why and closes the socket
                    await pump
                    break
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            manager.close(session)
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump

    return app
