"""After a load run: is everything the server acknowledged in the database?

Events are matched per visit (the session_id every event of a visit carries,
unique to the run): lost = events acknowledged but missing, summed over
visits; events stored without an acknowledgement (their reply never arrived,
as for a request on a worker killed mid-flight) are counted apart. Search
pages log their search event on the server, without a session id: those are
matched per profile over the run's time window. Ratings and My List are
compared with the last state each viewer was told about, leaving out titles
whose last call failed (their outcome is unknown to the viewer).
"""

from collections import Counter
from datetime import datetime

import sqlalchemy as sa


def _stored_per_visit(conn, prefix: str) -> Counter:
    rows = conn.execute(
        sa.text(
            "SELECT session_id, count(*) FROM events WHERE session_id LIKE :p GROUP BY session_id"
        ),
        {"p": f"{prefix}-%"},
    )
    return Counter(dict(rows.all()))


def _stored_searches(conn, profile_ids: list[int], since: datetime) -> Counter:
    rows = conn.execute(
        sa.text(
            "SELECT profile_id, count(*) FROM events WHERE type = 'search' AND page = 'search' "
            "AND session_id IS NULL AND occurred_at >= :since AND profile_id IN :ids GROUP BY profile_id"
        ).bindparams(sa.bindparam("ids", expanding=True)),
        {"since": since, "ids": profile_ids},
    )
    return Counter(dict(rows.all()))


def _state_mismatches(conn, profile_id: int, tally: dict) -> int:
    """Titles whose rating or My List row differs from what the viewer was last told."""
    ratings = dict(
        conn.execute(
            sa.text("SELECT title_id, value FROM ratings WHERE profile_id = :p"), {"p": profile_id}
        ).all()
    )
    listed = set(
        conn.execute(
            sa.text("SELECT title_id FROM list_items WHERE profile_id = :p"), {"p": profile_id}
        ).scalars()
    )
    uncertain = set(tally["uncertain"])
    wrong = sum(
        1
        for title, value in tally["ratings"].items()
        if title not in uncertain and ratings.get(title) != value
    )
    wrong += sum(
        1
        for title, value in tally["listed"].items()
        if title not in uncertain and (title in listed) != value
    )
    return wrong


def reconcile(url: str, prefix: str, tallies: list[dict], since: datetime) -> dict:
    """tallies: each viewer's Tally.as_dict() plus its profile_id."""
    acked = Counter()
    for tally in tallies:
        acked.update(tally["acked"])
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        stored = _stored_per_visit(conn, prefix)
        searches = _stored_searches(conn, [t["profile_id"] for t in tallies], since)
        mismatches = sum(_state_mismatches(conn, t["profile_id"], t) for t in tallies)
    engine.dispose()
    visits = set(acked) | set(stored)
    lost = sum(max(0, acked[v] - stored[v]) for v in visits)
    unacknowledged = sum(max(0, stored[v] - acked[v]) for v in visits)
    search_acked = sum(t["searches"] for t in tallies)
    search_lost = sum(max(0, t["searches"] - searches[t["profile_id"]]) for t in tallies)
    return {
        "acknowledged": sum(acked.values()) + search_acked,
        "stored": sum(stored.values()) + sum(searches.values()),
        "lost": lost + search_lost,
        "stored_unacknowledged": unacknowledged
        + sum(max(0, searches[t["profile_id"]] - t["searches"]) for t in tallies),
        "state_checked": sum(
            len(set(t["ratings"]) - set(t["uncertain"]))
            + len(set(t["listed"]) - set(t["uncertain"]))
            for t in tallies
        ),
        "state_mismatches": mismatches,
        "state_unknown": sum(len(t["uncertain"]) for t in tallies),
    }
