"""HTTP routes: the registries and defaults the page builds its controls from, exports of a session,
CSV upload and run import (both with a size limit; bad input is a 422 with a one-line ``detail``)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import torch
from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ..activations import ACTIVATIONS
from ..config import RunConfig, config_error_message
from ..data import DATASETS, FEATURES, parse_csv_text
from ..models import INITS
from ..objectives import LOSSES, OPTIMIZERS, REGULARIZERS
from ..training.portable import run_from_dict
from .exports import KINDS, export, snapshot
from .session import Session

router = APIRouter(prefix="/api")


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


async def _body(request: Request) -> bytes:
    """The request body, refused with 422 as soon as it passes ``max_upload_bytes``."""
    limit = request.app.state.settings.max_upload_bytes
    declared = request.headers.get("content-length")
    too_big = f"upload too large: the limit is {limit} bytes"
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(422, f"{too_big}, got {int(declared)} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(422, f"{too_big}, got more")
        chunks.append(chunk)
    return b"".join(chunks)


@router.get("/registries")
def registries() -> dict[str, Any]:
    """Every name the page offers, generated from the registries (nothing is hard-coded in the page)."""
    return {
        "activations": [{"name": n, "latex": a.latex, "piecewise_linear": a.piecewise_linear, "linear": a.linear,
                         "smooth": a.smooth, "params": dict(a.params), "kinks": list(a.kinks()),
                         "description": a.description} for n, a in ACTIVATIONS.items() if n == a.name],
        "datasets": [{"name": n, "problem": s.problem, "input_dim": s.input_dim, "num_classes": s.num_classes,
                      "playground": s.playground, "default_n": s.default_n, "description": s.description}
                     for n, s in DATASETS.items()],
        "features": [{"name": n, "label": f.label, "latex": f.latex, "needs_x2": f.needs_x2,
                      "playground": f.playground} for n, f in FEATURES.items()],
        "losses": [{"name": n, "problems": list(v.problems), "max_classes": v.max_classes,
                    "description": v.description} for n, v in LOSSES.items()],
        "optimizers": OPTIMIZERS.names(), "regularizations": REGULARIZERS.names(), "inits": INITS.names(),
    }


@router.get("/defaults")
def defaults(request: Request) -> dict[str, Any]:
    return {"config": RunConfig().model_dump(mode="json"), "limits": request.app.state.settings.limits()}


@router.get("/session/{sid}/export/{name}")
async def export_file(request: Request, sid: str, name: str, discretize: bool = False,
                      show_test: bool = True) -> Response:
    session = _session(request, sid)
    if name not in KINDS:
        raise HTTPException(404, f"unknown export {name!r}; allowed: {', '.join(KINDS)}")
    run, no_regions = snapshot(session.lab)  # on the event loop: never half-way through an epoch
    try:
        body = await run_in_threadpool(export, run, name, no_regions=no_regions, discretize=discretize,
                                       show_test=show_test)
    except ValueError as e:
        raise HTTPException(422, str(e).splitlines()[0]) from None
    filename = f"relulab-{session.lab.cfg.dataset}-epoch{session.lab.trainer.epoch}-{name}"
    return Response(body, media_type=KINDS[name], headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.post("/session/{sid}/upload")
async def upload_csv(request: Request, sid: str) -> dict[str, Any]:
    """CSV text ``x1,x2,label`` (or ``x1,label``): the session's data becomes these points."""
    session = _session(request, sid)
    raw = await _body(request)
    settings = request.app.state.settings
    try:
        text = raw.decode("utf-8-sig")
        x, y = parse_csv_text(text, max_rows=settings.max_points)
        if len(x) < 4:
            raise ValueError(f"at least 4 points are needed (some to train, some to test), got {len(x)}")
        problem = "classification" if bool(((y == 1) | (y == -1)).all()) else "regression"
        base = _base_dataset(problem, x.shape[1])
        cfg = session.lab.cfg
        fields = {**cfg.model_dump(), "dataset": base, "features": None if x.shape[1] == 1 else cfg.features}
        if problem == "regression":
            fields["loss"] = "mse"
        session.lab.set_points(x, y, problem, RunConfig.model_validate(fields))
    except UnicodeDecodeError:
        raise HTTPException(422, "the upload is not UTF-8 text; expected CSV lines such as '0.5,-1.2,1'") from None
    except ValidationError as e:
        raise HTTPException(422, config_error_message(e)) from None
    except ValueError as e:
        raise HTTPException(422, str(e).splitlines()[0]) from None
    session.changed()
    session.wake.set()
    return {"points": len(x), "problem": problem, "input_dim": int(x.shape[1])}


def _base_dataset(problem: str, input_dim: int) -> str:
    """A registered data set of the same kind, so that the config (loss, features) fits the points."""
    for n, s in DATASETS.items():
        if s.problem == problem and s.input_dim == input_dim and s.num_classes in (0, 2):
            return n
    raise ValueError(f"no {input_dim}-D {problem} data set to base uploaded points on")


@router.post("/session/{sid}/import")
async def import_run(request: Request, sid: str) -> dict[str, Any]:
    """A run exported as ``run.json``: its config, data and weights replace the session's."""
    session = _session(request, sid)
    raw = await _body(request)
    try:
        doc = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise HTTPException(422, f"not a relulab run: the file is not JSON ({e})") from None
    try:
        run = run_from_dict(doc)
        custom = None
        if "data" in doc:
            d = run.data
            custom = (_cat(d.x_train, d.x_test), _cat(d.y_train, d.y_test), d.problem)
        session.lab.load(run, custom)
    except ValueError as e:
        raise HTTPException(422, str(e).splitlines()[0]) from None
    session.playing = False
    session.changed()
    session.wake.set()
    return {"epoch": run.history.epoch[-1] if run.history.epoch else 0, "dataset": run.config.dataset}


def _cat(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return a if a is b else torch.cat([a, b])
