"""Time of day and device: re-weighting the hybrid's top candidates by when and where.

- `cells`: a choice's context cell (daypart x weekday/weekend x device) and its words;
- `tables`: per-cell genre tables and the permutation test for a profile's pattern;
- `model`: `ContextModel` (fit, re-rank, store) and `context_rerank`, what a page calls;
- `measure`: figures with and without context on held-out requests, and `decide`.
"""

from .cells import (
    DAYPARTS,
    DEVICE_CLASSES,
    N_CELLS,
    WEEKPARTS,
    cell_key,
    context_cells,
    daypart_of,
    reason_text,
)
from .measure import compare_with_context, decide
from .model import ContextModel, context_rerank

__all__ = [
    "DAYPARTS",
    "DEVICE_CLASSES",
    "N_CELLS",
    "WEEKPARTS",
    "ContextModel",
    "cell_key",
    "compare_with_context",
    "context_cells",
    "context_rerank",
    "daypart_of",
    "decide",
    "reason_text",
]
