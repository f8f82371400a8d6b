"""Where a benchmark writes its JSON: the tracked ``benchmarks/results/NAME.json`` for a full run, an
untracked ``benchmarks/results/quick/NAME.json`` for ``--quick`` (so a quick or CI run never
overwrites the published figures). Every benchmark ends with::

    from _common import write_result          # benchmarks/ is on sys.path when run as a script
    write_result("my_benchmark", result, quick=args.quick)   # optional: out=args.out
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def result_path(name: str, *, quick: bool, out: Path | str | None = None) -> Path:
    """``out`` if given, else ``results/quick/NAME.json`` for a quick run, else ``results/NAME.json``."""
    if out is not None:
        return Path(out)
    return (RESULTS / "quick" if quick else RESULTS) / f"{name}.json"


def write_result(name: str, data: dict, *, quick: bool, out: Path | str | None = None) -> Path:
    """Write ``data`` as indented JSON to :func:`result_path` (atomically) and say where."""
    path = result_path(name, quick=quick, out=out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(json.dumps(data, indent=2) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"wrote {path}")
    return path
