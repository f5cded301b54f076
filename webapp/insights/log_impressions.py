"""Impressions counted with the plays that followed them (within PLAY_WITHIN).

Used by LogView's impression queries: the played impressions are found from
the plays' side, and the two grouped counts (all, played) merged in numpy.
"""

import numpy as np
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from webapp.activity import vocabulary as ev
from webapp.insights.log_arrays import fetch_arrays, row_keys
from webapp.insights.log_records import PLAY_WITHIN
from webapp.insights.log_window import LogWindow
from webapp.models import Event


def played_impressions(window: LogWindow):
    """Subquery of the ids of impressions followed by a play of the title within PLAY_WITHIN.

    Found from the plays' side (plays are far fewer than impressions): each
    play_start looks back PLAY_WITHIN over the same title's events by index.
    """
    play = aliased(Event, name="play")
    shown = aliased(Event, name="shown")
    return (
        select(shown.id.label("id"))
        .join(
            play,
            and_(
                play.profile_id == shown.profile_id,
                play.title_id == shown.title_id,
                shown.occurred_at <= play.occurred_at,
                shown.occurred_at >= window.shifted(play.occurred_at, -PLAY_WITHIN),
            ),
        )
        # No constant window on the impressions: SQLite would then scan the whole window
        # instead of the 30 minutes before each play. Callers apply the window.
        .where(
            play.type == ev.PLAY_START,
            window.in_window(play.occurred_at),
            shown.type == ev.IMPRESSION,
        )
        .with_hint(shown, "INDEXED BY ix_events_profile_time", "sqlite")
        .distinct()
        .subquery("played")
    )


def counts_with_plays(
    window: LogWindow, connection, columns: list, where: list, join=None
) -> np.ndarray:
    """Rows of `columns` + impressions + played impressions, grouped by `columns`.

    Two grouped queries (all impressions; those followed by a play) merged
    here: an outer join to the played subquery makes SQLite scan it per row.
    """

    def grouped(extra_join=None):
        query = select(*columns, func.count()).select_from(Event)
        if join is not None:
            query = query.outerjoin(*join)
        if extra_join is not None:
            query = query.join(*extra_join)
        query = query.where(
            Event.type == ev.IMPRESSION, window.in_window(), Event.title_id.is_not(None), *where
        )
        numbers, _ = fetch_arrays(connection.execute(query.group_by(*columns)), len(columns) + 1)
        return numbers.astype(np.int64)

    played = played_impressions(window)
    everything = grouped()
    followed = grouped((played, played.c.id == Event.id))
    out = np.zeros((everything.shape[0], everything.shape[1] + 1), dtype=np.int64)
    out[:, :-1] = everything
    if followed.size:
        keys_all, keys_played = row_keys(everything[:, :-1]), row_keys(followed[:, :-1])
        order = np.argsort(keys_all, kind="stable")
        at = order[np.searchsorted(keys_all, keys_played, sorter=order)]
        out[at, -1] = followed[:, -1]
    return out
