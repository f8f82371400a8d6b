"""The real server (uvicorn on a socket): Host allow-list over TCP, idle connections, big messages."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import pytest
import websockets

from relulab.server import ServerSettings
from relulab.server.serve import BackgroundServer
from relulab.server.wire import decode


@pytest.fixture(scope="module")
def server():
    with BackgroundServer(ServerSettings(port=0, connection_idle_s=0.5)) as srv:
        yield srv


def _port(srv) -> int:
    return srv.sock.getsockname()[1]


def _http(port: int, host: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"GET /api/defaults HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nConnection: close\r\n\r\n"
                  .encode())
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_host_allow_list_over_tcp(server):
    port = _port(server)
    assert _http(port, f"127.0.0.1:{port}").startswith(b"HTTP/1.1 200")
    assert _http(port, f"localhost:{port}").startswith(b"HTTP/1.1 200")
    assert _http(port, f"evil.example:{port}").startswith(b"HTTP/1.1 400")

    def ws(host: str) -> bytes:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(f"GET /ws HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      "Sec-WebSocket-Version: 13\r\n\r\n".encode())
            return s.recv(100)

    assert ws(f"evil.example:{port}").startswith(b"HTTP/1.1 403")  # refused before the handshake
    assert ws(f"127.0.0.1:{port}").startswith(b"HTTP/1.1 101")


def test_a_silent_connection_is_closed(server):
    with socket.create_connection(("127.0.0.1", _port(server)), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\n")  # a request head that never ends
        t0 = time.monotonic()
        assert s.recv(100) == b"" and time.monotonic() - t0 < 4


def test_a_message_over_a_mebibyte_gets_an_error_frame(server):
    async def go() -> list[str]:
        async with websockets.connect(f"ws://127.0.0.1:{_port(server)}/ws", max_size=None) as ws:
            await ws.send("[" * 1_500_000)
            await ws.send(json.dumps({"type": "control", "action": "step", "seq": 7}))
            errors = []
            while True:
                m = await asyncio.wait_for(ws.recv(), 10)
                if isinstance(m, str) and json.loads(m)["type"] == "error":
                    errors.append(json.loads(m)["message"])
                elif not isinstance(m, str) and decode(m)[0]["ack"] == 7:
                    return errors

    errors = asyncio.run(go())
    assert len(errors) == 1 and "message too large: 1500000 bytes" in errors[0]
