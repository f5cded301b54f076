"""Taste segments as decided for each page: a profile's segment from the last clustering.

The insights refresh clusters viewers (webapp.insights.segments) and stores
who is in which segment with `store_segments`; pages only read it.
"""

import numpy as np

from webapp.personalization import store

CACHE_NAME = "segments_map"


def store_segments(profiles: np.ndarray, labels: np.ndarray) -> None:
    """Keep profile ids and their segment numbers for every worker."""
    store.store_arrays(CACHE_NAME, profiles=profiles, labels=labels)


def segment_map() -> dict[int, int]:
    """profile id -> segment number, from the last refresh (empty before the first)."""

    def build():
        arrays = store.load_arrays(CACHE_NAME)
        if arrays is None:
            return {}
        return dict(zip(arrays["profiles"].tolist(), arrays["labels"].tolist(), strict=True))

    return store.memo(CACHE_NAME, build) or {}


def segment_for(profile_id: int) -> int | None:
    """The profile's segment number at the last refresh, or None (new or too little viewing)."""
    return segment_map().get(int(profile_id))
