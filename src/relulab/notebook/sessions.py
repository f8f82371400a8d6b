"""The kernel's sessions: every ``Playground`` widget of a kernel is one session of one
:class:`~relulab.server.session.SessionManager`, with the server's default limits
(:class:`~relulab.server.settings.ServerSettings`): at most ``max_sessions`` widgets open at once in a
kernel (a further one is a ``ValueError`` saying so), and each widget has a browser tab's limits on
layers, neurons, points, messages and uploads. A widget's session lasts until ``pg.close()`` or the end
of the kernel; unlike a tab it is not closed for being idle (a notebook is one person's, and an idle
widget costs nothing: its thread sleeps). Displaying one widget in several cells is one session.

>>> manager().settings.max_sessions
16
"""

from __future__ import annotations

import threading

from ..server.session import SessionManager
from ..server.settings import ServerSettings

_lock = threading.Lock()
_manager: SessionManager | None = None


def manager() -> SessionManager:
    """The kernel's session manager (made on first use)."""
    global _manager
    with _lock:
        if _manager is None:
            _manager = SessionManager(ServerSettings())
        return _manager


def use(settings: ServerSettings) -> SessionManager:
    """Limits for the widgets made from now on (those already open keep theirs and still count)."""
    global _manager
    with _lock:
        old = _manager
        _manager = SessionManager(settings)
        if old is not None:
            _manager.sessions.update(old.sessions)
        return _manager
