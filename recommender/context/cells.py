"""Context cells: a viewing choice's daypart x weekday/weekend x device class, and their words.

A cell is one integer, so per-cell tables are plain arrays; `cell_key` and
`reason_text` give the same cell as a stable key ("weekend-morning-tv") and
as words a viewer reads ("weekend mornings on the TV").
"""

from __future__ import annotations

import numpy as np

DAYPARTS = ("morning", "afternoon", "evening", "night")
WEEKPARTS = ("weekday", "weekend")
DEVICE_CLASSES = ("tv", "desktop", "mobile", "tablet")
N_CELLS = len(DAYPARTS) * len(WEEKPARTS) * len(DEVICE_CLASSES)
DEVICE_WORDS = {"tv": "the TV", "desktop": "a computer", "mobile": "a phone", "tablet": "a tablet"}


def daypart_of(hours) -> np.ndarray:
    """Local hour -> 0 morning (5-11), 1 afternoon (12-16), 2 evening (17-21), 3 night (22-4)."""
    h = np.asarray(hours, dtype=np.int64) % 24
    return np.select(
        [(h >= 5) & (h <= 11), (h >= 12) & (h <= 16), (h >= 17) & (h <= 21)], [0, 1, 2], 3
    )


def context_cells(hours, weekdays, devices) -> np.ndarray:
    """Cell index per event (-1 when a part is missing or unknown); weekday 0 = Monday."""
    hours = np.asarray(hours, dtype=np.float64)
    weekdays = np.asarray(weekdays, dtype=np.float64)
    device_codes = np.array(
        [DEVICE_CLASSES.index(d) if d in DEVICE_CLASSES else -1 for d in devices]
    )
    valid = np.isfinite(hours) & np.isfinite(weekdays) & (device_codes >= 0)
    h = np.where(valid, hours, 0).astype(np.int64)
    w = np.where(valid, weekdays, 0).astype(np.int64)
    weekend = (w % 7 >= 5).astype(np.int64)
    cells = (weekend * len(DAYPARTS) + daypart_of(h)) * len(DEVICE_CLASSES) + device_codes
    return np.where(valid, cells, -1)


def cell_key(cell: int) -> str:
    """'weekend-morning-tv' for a cell index."""
    rest, device = divmod(int(cell), len(DEVICE_CLASSES))
    weekpart, daypart = divmod(rest, len(DAYPARTS))
    return f"{WEEKPARTS[weekpart]}-{DAYPARTS[daypart]}-{DEVICE_CLASSES[device]}"


def reason_text(key: str) -> str:
    """'weekend-morning-tv' -> 'weekend mornings on the TV'."""
    weekpart, daypart, device = key.split("-")
    return f"{weekpart} {daypart}s on {DEVICE_WORDS[device]}"


def cell_of_request(hour, weekday, device_class) -> int:
    """The cell of one request, -1 when any part is unknown."""
    try:
        return int(context_cells([hour], [weekday], [device_class])[0])
    except (TypeError, ValueError):
        return -1
