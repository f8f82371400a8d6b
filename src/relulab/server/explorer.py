"""``relulab sweep serve DB``: the sweep explorer -- the playground's app plus a page at ``/sweep/``.

The page (``static/explorer.html``, ``static/js/explorer*.js``; canvas, nothing from elsewhere)
shows the success-rate grid of any two axes with Wilson intervals, parallel coordinates of the axes
and a metric, the loss curves of chosen runs, a filter and a CSV export of the selection. Every run
links to the playground page of the same server (``/?run=KEY``), which imports the run's
``run.json``: the run trained again from its config and checked against the stored metrics
(:func:`relulab.sweep.replay.replay`). The database is read afresh on every request, so the page
follows a sweep that is still writing it. Bad input is HTTP 422 with a one-line ``detail`` in the page's
language (``lang``: a catalogue template, :class:`relulab.i18n.Refusal`; the filter's refusals through the
catalogue's templates).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import FileResponse

from ..i18n import Refusal, check_lang, said
from ..sweep.reader import SweepReader
from ..sweep.selection import Selection, axes, csv_text, grid, label, metrics
from .app import STATIC, create_app
from .settings import ServerSettings

router = APIRouter(prefix="/sweep")
KEY = re.compile(r"[0-9a-f]{1,64}")
MAX_ROWS = 5000  # runs the page gets to list and draw (the CSV has every selected run)
MAX_CURVES = 20
Where = Query([], description="FIELD=LABEL or METRIC=LOW:HIGH, repeatable")
Lang = Query("en", description="the language of refusals: en or zh")


def _refuse(e: Exception, lang: str = "en", status: int = 422) -> HTTPException:
    return HTTPException(status, said(e, lang))


def _lang(lang: str) -> str:
    try:
        return check_lang(lang)
    except ValueError as e:
        raise _refuse(e) from None


def _state(request: Request, lang: str) -> tuple[SweepReader, list[Any]]:
    reader: SweepReader = request.app.state.sweep
    try:
        return reader, reader.records()
    except (ValueError, FileNotFoundError) as e:  # the file went away or was replaced meanwhile
        raise _refuse(e, lang) from None


def _select(request: Request, where: list[str], lang: str) -> tuple[SweepReader, list[Any], list[Any]]:
    reader, records = _state(request, _lang(lang))
    if not where:
        return reader, records, records
    try:
        return reader, records, Selection.parse(where, records, known=reader.values()).apply(records)
    except ValueError as e:
        raise _refuse(e, lang) from None


def _axes(reader: SweepReader) -> dict[str, list[str]]:
    return axes((), known=reader.values())


def _defaults(reader: SweepReader) -> tuple[str, float]:
    last = reader.specs[-1] if reader.specs else {}
    return last.get("metric", "test_acc"), float(last.get("success", 0.9))


@router.get("/", include_in_schema=False)
def page() -> FileResponse:
    return FileResponse(STATIC / "explorer.html", headers={"Cache-Control": "no-cache"})


@router.get("/api/overview")
def overview(request: Request, lang: str = Lang) -> dict[str, Any]:
    """The database's axes (field -> value labels), metrics, the specs' metric and success threshold."""
    reader, records = _state(request, _lang(lang))
    metric, success = _defaults(reader)
    return {"db": reader.path, "runs": len(records), "skipped": reader.skipped,
            "axes": _axes(reader), "metrics": metrics(records), "metric": metric,
            "success": success, "statuses": sorted({r.status for r in records})}


@router.get("/api/runs")
def runs(request: Request, where: list[str] = Where, lang: str = Lang) -> dict[str, Any]:
    """The selected runs (at most MAX_ROWS): key, status, the value of every axis, the final metrics."""
    reader, records, chosen = _select(request, where, lang)
    names = list(_axes(reader))
    rows = [{"key": r.key, "status": r.status, "values": {a: label(r.get(a)) for a in names},
             "metrics": r.metrics} for r in chosen[:MAX_ROWS]]
    return {"total": len(records), "selected": len(chosen), "shown": len(rows), "runs": rows}


@router.get("/api/grid")
def success_grid(request: Request, x: str, y: str, metric: str | None = None, success: float | None = None,
                 where: list[str] = Where, lang: str = Lang) -> dict[str, Any]:
    """Success rate with its Wilson interval (and mean with its t interval) per (x, y) cell of the selection."""
    reader, records, chosen = _select(request, where, lang)
    m, s = _defaults(reader)
    metric, success = metric or m, s if success is None else success
    if success != success or abs(success) == float("inf"):
        raise _refuse(Refusal("success must be a finite number (a threshold of the metric), got {got}",
                              got=success), lang)
    order = _axes(reader)
    try:
        cells = grid(chosen, x, y, metric=metric, success=success, order=order)
    except ValueError as e:
        raise _refuse(e, lang) from None
    shown = {a: [v for v in order[a] if any(c[k] == v for c in cells)] or order[a] for a, k in ((x, "x"), (y, "y"))}
    return {"x": x, "y": y, "x_values": shown[x], "y_values": shown[y], "metric": metric, "success": success,
            "cells": cells}


@router.get("/api/curves")
def curves(request: Request, key: list[str] = Query([]), lang: str = Lang) -> dict[str, Any]:
    """The per-epoch history of each run in ``key`` (at most MAX_CURVES)."""
    if len(key) > MAX_CURVES:
        raise _refuse(Refusal("at most {n} curves at once, got {got}", n=MAX_CURVES, got=len(key)), _lang(lang))
    reader, out = request.app.state.sweep, {}
    for k in key:
        r = _record(reader, k, _lang(lang))
        out[k] = {"history": r.history, "status": r.status, "config": r.config}
    return {"curves": out}


@router.get("/api/export.csv")
def export_csv(request: Request, where: list[str] = Where, lang: str = Lang) -> Response:
    """Every selected run as one CSV line: key, status, config fields, final metrics."""
    _, _, chosen = _select(request, where, lang)
    return Response(csv_text(chosen), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_stem(request)}-selection.csv"'})


@router.get("/api/runs/{key}/run.json")
def run_json(request: Request, key: str, lang: str = Lang) -> dict[str, Any]:
    """The run trained again from its config, as the playground's ``run.json``; 422 when its numbers
    differ from the stored ones (see :func:`relulab.sweep.replay.replay`)."""
    from ..sweep.replay import replay
    from ..training.portable import run_to_dict

    record = _record(request.app.state.sweep, key, _lang(lang))
    cache: _Cache = request.app.state.replays
    doc = cache.get(key)
    if doc is None:
        try:
            doc = run_to_dict(replay(record))
        except ValueError as e:
            raise _refuse(e, lang) from None
        cache.put(key, doc)
    return doc


def _record(reader: SweepReader, key: str, lang: str) -> Any:
    if not KEY.fullmatch(key):
        raise _refuse(Refusal("a run key is the hex hash the runs list gives, got {got}", got=repr(key[:70])), lang)
    try:
        r = reader.get(key)
    except (ValueError, FileNotFoundError) as e:
        raise _refuse(e, lang) from None
    if r is None:
        raise _refuse(Refusal("no run {key} in {db}", key=key, db=reader.path), lang, 404)
    return r


def _stem(request: Request) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", Path(request.app.state.sweep.path).stem) or "sweep"


class _Cache:
    """The last few run.json documents (training one again takes a moment)."""

    def __init__(self, size: int = 16) -> None:
        self.size, self.docs, self.lock = size, OrderedDict[str, dict](), threading.Lock()

    def get(self, key: str) -> dict | None:
        with self.lock:
            if key in self.docs:
                self.docs.move_to_end(key)
            return self.docs.get(key)

    def put(self, key: str, doc: dict) -> None:
        with self.lock:
            self.docs[key] = doc
            while len(self.docs) > self.size:
                self.docs.popitem(last=False)


def create_explorer(db: str | Path, settings: ServerSettings | None = None) -> FastAPI:
    """The playground's app for ``settings`` with the explorer of ``db`` at ``/sweep/``; a missing file
    or one that is not a sweep database is refused here (ValueError / FileNotFoundError, one line)."""
    reader = SweepReader(db)
    app = create_app(settings)
    app.state.sweep, app.state.replays = reader, _Cache()
    app.include_router(router)
    return app
