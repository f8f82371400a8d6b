"""The web playground: a FastAPI app serving a static page that trains live over a WebSocket.

``create_app`` is imported on first use, so that ``relulab.server.settings`` (read by ``relulab
playground --help``) does not pull in FastAPI, uvicorn and matplotlib.
"""

from typing import TYPE_CHECKING, Any

from .settings import ServerSettings as ServerSettings

if TYPE_CHECKING:
    from .app import create_app as create_app

__all__ = ["ServerSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
