"""What an upload does to a session, whichever way it came (the server's HTTP routes, the notebook
widget's channel): CSV points replace the data, a run.json replaces config, data and weights.

Both run while the caller holds ``session.lock`` and raise ``ValueError`` with a one-line message
(pydantic's ``ValidationError`` is one) on bad input, leaving the session as it was.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..config import RunConfig
from ..data import DATASETS
from ..i18n import Refusal
from .imports import read_points, read_run
from .protocol import problems
from .session import Session


def apply_points(session: Session, raw: bytes) -> dict[str, Any]:
    """CSV text ``x1,x2,label`` (or ``x1,label``): the session's data becomes these points. The answer
    says how the labels were read (classes or regression, and why)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refusal("the upload is not UTF-8 text; expected CSV lines such as '0.5,-1.2,1'") from None
    points, classes, reason = read_points(text, session.settings)
    cfg = session.lab.cfg
    fields = {**cfg.model_dump(), "dataset": base_dataset(points.problem, points.x.shape[1], classes),
              "features": None if points.x.shape[1] == 1 else cfg.features}
    if points.problem == "regression":
        fields["loss"] = "mse"
    elif classes > 2:
        fields["loss"] = "cross_entropy"
    try:
        new = RunConfig.model_validate(fields)
    except ValidationError as e:
        raise Refusal("{why}", why=problems(e)) from None
    session.lab.set_points(points, new)
    session.invalidate()
    return {"points": len(points.x), "problem": points.problem, "input_dim": int(points.x.shape[1]),
            "labels": reason, "note": "uploaded points are not in the link; export run.json to keep them"}


def apply_run(session: Session, raw: bytes) -> dict[str, Any]:
    """A run exported as ``run.json``: checked whole, then its config, data and weights replace the session's."""
    run, own_points = read_run(raw, session.settings, speed=session.lab.speed)
    session.lab.load(run, custom=own_points)
    session.pause()
    session.invalidate()
    return {"epoch": run.history.epoch[-1] if run.history.epoch else 0, "dataset": run.config.dataset}


def base_dataset(problem: str, input_dim: int, classes: int) -> str:
    """A registered data set of the same kind, so that the config (loss, features) fits the points."""
    want = classes if problem == "classification" else 0
    for n, s in DATASETS.items():
        if s.problem == problem and s.input_dim == input_dim and s.num_classes == want:
            return n
    for n, s in DATASETS.items():  # k classes with no set of its own: any k-class set (cross-entropy, k outputs)
        if want > 2 and s.problem == problem and s.input_dim == input_dim and s.num_classes > 2:
            return n
    raise (Refusal("no {d}-D {problem} data set of {k} classes to base uploaded points on", d=input_dim,
                   problem=problem, k=classes) if classes else
           Refusal("no {d}-D {problem} data set to base uploaded points on", d=input_dim, problem=problem))
