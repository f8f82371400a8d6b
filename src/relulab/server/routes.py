"""HTTP routes: the registries and defaults the page builds its controls from, exports of a session,
CSV upload and run import (both with a size limit; bad input is a 422 with a one-line ``detail``)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import torch
from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from ..activations import ACTIVATIONS
from ..config import RunConfig
from ..data import DATASETS, FEATURES
from ..i18n import Refusal, said
from ..models import INITS
from ..objectives import LOSSES, OPTIMIZERS, REGULARIZERS
from ..training import make_dataset
from .exports import KINDS, export, snapshot
from .protocol import problems
from .session import Session, failure_text
from .settings import page_datasets
from .uploads import apply_points, apply_run
from .wire import clean

router = APIRouter(prefix="/api")
log = logging.getLogger("relulab.server")


def same_origin(headers: Any) -> bool:
    """A browser request from another site (its ``Origin`` names another host) may not drive a session."""
    origin = headers.get("origin")
    return origin is None or urlsplit(origin).netloc == headers.get("host")


def _session(request: Request, sid: str) -> Session:
    if not same_origin(request.headers):
        raise HTTPException(403, "requests from another site's page are refused")
    try:
        return request.app.state.sessions.get(sid)
    except KeyError as e:
        raise HTTPException(404, str(e.args[0])) from None


UPLOAD_BYTES_PER_MESSAGE = 20_000  # an upload counts against the session's message rate by its size


async def _body(request: Request, session: Session) -> bytes:
    """The request body, refused with 422 as soon as it passes ``max_upload_bytes``, and with 429 before
    it is read when the session's rate limit has no room for it."""
    limit = request.app.state.settings.max_upload_bytes
    declared = request.headers.get("content-length")
    def too_big(got: int | None) -> HTTPException:
        return HTTPException(422, said(Refusal("upload too large: the limit is {top} bytes, got more", top=limit)
                                       if got is None else Refusal("upload too large: the limit is {top} bytes, got "
                                                                   "{got} bytes", top=limit, got=got), session.lang))

    if declared and declared.isdigit() and int(declared) > limit:
        raise too_big(int(declared))
    size = int(declared) if declared and declared.isdigit() else limit
    if not session.limit.allow(time.monotonic(), 1 + size / UPLOAD_BYTES_PER_MESSAGE):
        raise HTTPException(429, said(Refusal("too many uploads: at most {n} bytes a second per session; wait a "
                                              "moment", n=f"{session.limit.rate * UPLOAD_BYTES_PER_MESSAGE:,.0f}"),
                                      session.lang))
    chunks, size = [], 0
    deadline = request.app.state.settings.upload_deadline_s
    try:
        async with asyncio.timeout(deadline):  # a body that never ends would hold the connection forever
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise too_big(None)
                chunks.append(chunk)
    except TimeoutError:
        late = Refusal("upload incomplete: {size} of {n} bytes arrived within {s} s; send it again", size=size,
                       n=declared, s=f"{deadline:g}") if declared else Refusal(
            "upload incomplete: {size} bytes arrived within {s} s; send it again", size=size, s=f"{deadline:g}")
        raise HTTPException(408, said(late, session.lang), headers={"Connection": "close"}) from None
    except ClientDisconnect:
        raise HTTPException(400, said(Refusal("upload cut off: the connection closed after {size} bytes", size=size),
                                      session.lang), headers={"Connection": "close"}) from None
    return b"".join(chunks)


def _refused(e: Exception, lang: str = "en") -> HTTPException:
    """HTTP 422 for anything an upload or import raises, in the page's language ``lang``: bad input never
    reaches a 500. What is not plainly bad input (a failure while building) is logged too."""
    if isinstance(e, ValidationError):
        return HTTPException(422, said(problems(e), lang))
    if isinstance(e, UnicodeDecodeError):
        return HTTPException(422, said(Refusal("the upload is not UTF-8 text; expected CSV lines such as "
                                               "'0.5,-1.2,1'"), lang))
    if isinstance(e, ValueError):
        return HTTPException(422, said(e, lang))
    if isinstance(e, RecursionError):
        return HTTPException(422, said(Refusal("the upload is nested too deeply to read"), lang))
    log.warning("upload refused: %s", failure_text(e))
    return HTTPException(422, said(Refusal("the upload could not be used: {why}", why=failure_text(e)), lang))


@router.get("/registries")
def registries() -> dict[str, Any]:
    """Every name the page offers, generated from the registries (nothing is hard-coded in the page)."""
    return {
        "activations": [{"name": n, "latex": a.latex, "piecewise_linear": a.piecewise_linear, "linear": a.linear,
                         "smooth": a.smooth, "params": dict(a.params), "kinks": list(a.kinks()),
                         "description": a.description} for n, a in ACTIVATIONS.items() if n == a.name],
        "datasets": [{"name": n, "problem": s.problem, "input_dim": s.input_dim, "num_classes": s.num_classes,
                      "playground": s.playground, "default_n": s.default_n, "description": s.description}
                     for n, s in DATASETS.items() if n in page_datasets()],
        "features": [{"name": n, "label": f.label, "latex": f.latex, "needs_x2": f.needs_x2,
                      "playground": f.playground} for n, f in FEATURES.items()],
        "losses": [{"name": n, "problems": list(v.problems), "max_classes": v.max_classes,
                    "description": v.description} for n, v in LOSSES.items()],
        "optimizers": OPTIMIZERS.names(), "regularizations": REGULARIZERS.names(), "inits": INITS.names(),
    }


@lru_cache(maxsize=1)
def _previews() -> dict[str, Any]:
    out = {}
    for name, spec in DATASETS.items():
        if name not in page_datasets():
            continue
        extra = {"formula": "sin(2*x)"} if name == "formula" else {}
        loss = "cross_entropy" if spec.num_classes > 2 else "mse"
        cfg = RunConfig(dataset=name, loss=loss, n_points=160 if spec.holdout else None, **extra)
        d = make_dataset(cfg)
        x, y = torch.cat([d.x_train, d.x_test])[:160], torch.cat([d.y_train, d.y_test])[:160]
        out[name] = {"x": clean(x.tolist(), 2), "y": clean(y.tolist(), 2), "domain": list(d.domain),
                     "input_dim": d.input_dim, "problem": d.problem, "num_classes": d.num_classes}
    return out


@router.get("/previews")
def previews() -> dict[str, Any]:
    """A few points of every data set, for the thumbnails on the data buttons."""
    return _previews()


@router.get("/defaults")
def defaults(request: Request) -> dict[str, Any]:
    return {"config": RunConfig().model_dump(mode="json"), "limits": request.app.state.settings.limits()}


async def _locked(request: Request, session: Session, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` on a worker thread while holding the session (never half-way through its epoch)."""
    def run() -> Any:
        with session.lock:
            return fn()

    return await asyncio.get_running_loop().run_in_executor(request.app.state.pool, run)


@router.get("/session/{sid}/export/{name}")
async def export_file(request: Request, sid: str, name: str, discretize: bool = False,
                      show_test: bool = True, lang: str = "en") -> Response:
    from ..i18n import LANGUAGES

    session = _session(request, sid)
    if name not in KINDS:
        raise HTTPException(404, f"unknown export {name!r}; allowed: {', '.join(KINDS)}")
    if lang not in LANGUAGES:
        raise HTTPException(422, f"unknown language {lang[:20]!r}; allowed: {list(LANGUAGES)}")
    run, no_regions = await _locked(request, session, lambda: snapshot(session.lab))
    try:
        body = await run_in_threadpool(export, run, name, no_regions=no_regions, discretize=discretize,
                                       show_test=show_test, lang=lang)
    except Exception as e:
        raise _refused(e, lang) from None
    filename = f"relulab-{run.config.dataset}-epoch{run.history.epoch[-1] if run.history.epoch else 0}-{name}"
    return Response(body, media_type=KINDS[name], headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.post("/session/{sid}/upload")
async def upload_csv(request: Request, sid: str) -> dict[str, Any]:
    """CSV text ``x1,x2,label`` (or ``x1,label``): the session's data becomes these points (see
    :func:`.uploads.apply_points`; the notebook widget's uploads take the same path)."""
    session = _session(request, sid)
    raw = await _body(request, session)
    return await _apply(request, session, lambda: apply_points(session, raw))


@router.post("/session/{sid}/import")
async def import_run(request: Request, sid: str) -> dict[str, Any]:
    """A run exported as ``run.json``: checked whole, then its config, data and weights replace the
    session's (see :func:`.uploads.apply_run`)."""
    session = _session(request, sid)
    raw = await _body(request, session)
    return await _apply(request, session, lambda: apply_run(session, raw))


async def _apply(request: Request, session: Session, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        answer = await _locked(request, session, fn)
    except Exception as e:
        raise _refused(e, session.lang) from None
    session.wake.set()
    return answer


@router.get("/lessons")
def lessons(request: Request, lang: str = "en") -> dict[str, Any]:
    """The server's lessons in ``lang`` (built-in ones and its teachers' files), and the panel glossary."""
    from ..i18n import check_lang, tr
    from ..lessons import GLOSSARY, lesson_json
    from .teach import server_lessons

    try:
        check_lang(lang)
    except ValueError as e:
        raise HTTPException(422, str(e)) from None
    return {"lessons": [lesson_json(les, lang) for les in server_lessons(request.app.state.settings).values()],
            "glossary": {k: tr(v, lang) for k, v in GLOSSARY.items()}}


@router.get("/catalogue")
def catalogue(lang: str = "en") -> dict[str, Any]:
    """The page's strings in ``lang`` (English text -> translation) and the languages there are."""
    from ..i18n import LANGUAGES, page_templates
    from ..i18n import catalogue as cat

    if lang not in LANGUAGES:
        raise HTTPException(422, f"unknown language {lang[:20]!r}; allowed: {list(LANGUAGES)}")
    return {"lang": lang, "languages": LANGUAGES, "strings": cat(lang), "templates": page_templates(lang)}


_CLAIM_LOCK = asyncio.Lock()  # one quick claim at a time on a server: each takes seconds of CPU


@router.post("/claim/{cid}")
async def quick_claim(request: Request, cid: str) -> dict[str, Any]:
    """Run the quick version of claim ``cid`` now (what a lesson's last step offers); 409 while one runs."""
    from ..experiments import claim_id, run_claim

    if not same_origin(request.headers):
        raise HTTPException(403, "requests from another site's page are refused")
    try:
        cid = claim_id(cid)
    except ValueError as e:
        raise HTTPException(422, str(e).splitlines()[0]) from None
    if _CLAIM_LOCK.locked():
        raise HTTPException(409, "a quick claim is already running on this server; wait for it to finish")
    async with _CLAIM_LOCK:
        t0 = time.perf_counter()
        r = await run_in_threadpool(run_claim, cid, quick=True, seed=0, device="cpu")
    d = r.to_dict()
    return {"id": cid, "verdict": d.get("verdict"), "key": d.get("key_number") or "", "error": d.get("error"),
            "parts": [{"statement": p.get("statement", ""), "verdict": p.get("verdict", "")}
                      for p in d.get("parts", [])],
            "seconds": round(time.perf_counter() - t0, 1), "command": f"relulab claim {cid} --quick"}
