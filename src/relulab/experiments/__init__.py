"""The experiments layer: one module per claim of CLAIMS.md, each giving a verdict by a fixed rule.

``experiments/cNN_<what>.py`` modules register themselves with :func:`register_claim`; importing this
package imports every such module (discovered, so adding a claim is one new file), filling
:data:`CLAIMS`. Run one with :func:`run_claim` and all of them into one HTML page with
:func:`relulab.experiments.report.write_report`.
"""

import importlib as _importlib
import pkgutil as _pkgutil
import re as _re

from .registry import CLAIMS as CLAIMS
from .registry import Claim as Claim
from .registry import claim_id as claim_id
from .registry import claim_ids as claim_ids
from .registry import get_claim as get_claim
from .registry import register_claim as register_claim
from .registry import run_claim as run_claim
from .result import ClaimResult as ClaimResult
from .result import Figure as Figure
from .result import Measurement as Measurement
from .result import Verdict as Verdict

for _info in sorted(_pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _re.fullmatch(r"c\d\d_\w+", _info.name):
        _importlib.import_module(f"{__name__}.{_info.name}")
