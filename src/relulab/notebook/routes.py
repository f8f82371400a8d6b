"""The server's ``/api`` routes the page asks beside its session (the lessons, the page's strings, a
quick claim), called in the kernel for a widget: the same functions, so the same answers and refusals.

>>> from relulab.server.settings import ServerSettings
>>> call(ServerSettings(), "catalogue?lang=xx", post=False)[:2]
(False, 422)
>>> call(ServerSettings(), "nothing", post=False)
(False, 404, {'detail': "no route 'nothing' for the widget; allowed: GET lessons, catalogue; POST claim/ID"})
"""

from __future__ import annotations

import asyncio
import inspect
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import HTTPException

from ..server import routes
from ..server.settings import ServerSettings

GET = {"lessons": lambda req, q: routes.lessons(req, **q), "catalogue": lambda req, q: routes.catalogue(**q)}
POST = {"claim": lambda req, q, arg: routes.quick_claim(req, arg)}


def call(settings: ServerSettings, name: str, *, post: bool) -> tuple[bool, int, Any]:
    """``(ok, status, body)`` of ``GET`` (or ``POST``) ``/api/<name>`` on a server with ``settings``."""
    url = urlsplit(name)
    head, _, arg = url.path.partition("/")
    query = dict(parse_qsl(url.query))
    request = SimpleNamespace(headers={}, app=SimpleNamespace(state=SimpleNamespace(settings=settings)))
    try:
        if post and head in POST and arg:
            result = POST[head](request, query, arg)
        elif not post and head in GET and not arg:
            result = GET[head](request, query)
        else:
            return False, 404, {"detail": f"no route {name[:60]!r} for the widget; allowed: GET lessons, catalogue; "
                                          "POST claim/ID"}
        if inspect.isawaitable(result):
            result = asyncio.run(_awaited(result))
        return True, 200, result
    except HTTPException as e:
        return False, e.status_code, {"detail": e.detail}
    except TypeError as e:  # a query key the route does not take
        return False, 422, {"detail": f"bad query for {head!r}: {e}"}


async def _awaited(result: Any) -> Any:
    return await result
