"""Run the playground with uvicorn: on a socket bound here (so the real port is known before the
server starts, and a busy port is a clear error), in the foreground or in a background thread.

>>> with BackgroundServer(ServerSettings(port=0)) as srv:
...     srv.url.startswith("http://127.0.0.1:")
True
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import create_app
from .settings import ServerSettings


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free one); ``ValueError`` with the reason."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise ValueError(f"--host {host!r} is not an address this machine can listen on ({e}); "
                         "use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)") from None
    family, _, _, _, addr = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
        sock.listen(128)
    except OSError as e:
        sock.close()
        raise ValueError(f"cannot listen on {host}:{port}: {e.strerror or e}; choose another --port") from None
    return sock


def idle_protocol(seconds: float) -> type[H11Protocol]:
    """uvicorn's HTTP/1.1 protocol, closing a connection that sends no complete request head within
    ``seconds`` (uvicorn itself only times out idle keep-alive connections after a response)."""

    class IdleTimeoutH11(H11Protocol):
        def connection_made(self, transport) -> None:  # type: ignore[no-untyped-def]
            super().connection_made(transport)
            self._first_request = self.loop.call_later(seconds, self._close_if_silent)

        def _close_if_silent(self) -> None:
            if self.scope is None and not self.transport.is_closing():
                self.transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            self._first_request.cancel()
            super().connection_lost(exc)

    return IdleTimeoutH11


def _server(settings: ServerSettings, app: Any = None) -> uvicorn.Server:
    app = app if app is not None else create_app(settings)
    config = uvicorn.Config(app, log_level="warning", ws="websockets-sansio", lifespan="on",
                            http=idle_protocol(settings.connection_idle_s),
                            # bigger than any message a page sends, so that one over max_message_bytes
                            # gets an error frame (the session refuses it), not a bare close
                            ws_max_size=max(settings.max_message_bytes * 16, 16 << 20),
                            ws_ping_interval=settings.connection_idle_s, ws_ping_timeout=settings.connection_idle_s,
                            timeout_keep_alive=5, timeout_graceful_shutdown=3,
                            ws_per_message_deflate=False)  # frames are mostly bytes: deflate costs more than it saves
    return uvicorn.Server(config)


def address(sock: socket.socket, host: str) -> str:
    port = sock.getsockname()[1]
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(settings: ServerSettings, sock: socket.socket, app: Any = None) -> None:
    """Serve on ``sock`` until interrupted (Ctrl+C); ``app``: another app than the playground's (the
    sweep explorer), made with the same ``settings``."""
    _server(settings, app).run(sockets=[sock])


class BackgroundServer:
    """The playground (or ``app``) in a daemon thread on ``settings.host`` and a free port (tests, benchmarks)."""

    def __init__(self, settings: ServerSettings | None = None, app: Any = None) -> None:
        self.settings = settings or ServerSettings(port=0)
        self.sock = bind_socket(self.settings.host, self.settings.port)
        self.url = address(self.sock, self.settings.host)
        self.server = _server(self.settings, app)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the playground server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
