"""``HostGuard``: refuse HTTP requests and WebSockets whose ``Host`` is not one this server answers to.

A DNS-rebinding page (``evil.example`` pointed at 127.0.0.1) sends ``Host: evil.example`` and an
``Origin`` of the same name, which passes a same-origin check; only a list of the names the server
is really reached by stops it. HTTP gets ``400`` with a one-line reason; a WebSocket is closed before
it opens (the client sees 403).

>>> host_name("127.0.0.1:8000"), host_name("[::1]:80"), host_name("Example.ORG"), host_name("")
('127.0.0.1', '::1', 'example.org', '')
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

Scope = dict[str, Any]
ASGI = Callable[[Scope, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]


def host_name(host: str) -> str:
    """The name of a ``Host`` header value, lower case, without port and brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class HostGuard:
    def __init__(self, app: ASGI, allowed: Iterable[str]) -> None:
        self.app, self.allowed = app, frozenset(allowed)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        raw = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        if host_name(raw) in self.allowed:
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return None
        body = (f"Host {raw[:60]!r} is not served here; allowed: {', '.join(sorted(self.allowed))} "
                "(start the playground with --allow-host NAME to add one)").encode()
        await send({"type": "http.response.start", "status": 400,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
        return None
