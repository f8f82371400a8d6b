"""A matplotlib figure rendered to PNG bytes, then closed (the claims' figures go through here).

>>> from matplotlib.figure import Figure
>>> to_png(Figure(figsize=(1, 1)), dpi=20).startswith(b"\\x89PNG")
True
"""

from __future__ import annotations

import io
from typing import Any


def to_png(fig: Any, dpi: int = 110) -> bytes:
    """``fig`` as PNG (tight bounding box), closed afterwards so that long runs do not pile up figures; its text
    in the language of the enclosing :func:`~relulab.viz.fonts.drawing_in` (English outside one)."""
    import matplotlib.pyplot as plt

    from .fonts import localize

    buf = io.BytesIO()
    try:
        localize(fig).savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    finally:
        plt.close(fig)
    return buf.getvalue()
