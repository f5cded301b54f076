"""Noting erasures for the Parquet export's dropped months, in the erasing transaction.

Every way history leaves the database notes what left (webapp.models.erasures):
the privacy page's deletions (webapp.activity.history calls `note`) and a
deleted profile, alone or with its account (a mapper hook, whatever deletes
it). Only a partitioned PostgreSQL log can have dropped months; elsewhere
nothing is noted, so no list of erased titles is kept where none is needed.
"""

from sqlalchemy import event, insert
from sqlalchemy.engine import Connection

from webapp.activity.partitions import is_partitioned
from webapp.extensions import db
from webapp.models import EventErasure, Profile
from webapp.models.base import utcnow


def _note(connection: Connection, profile_id: int, **what) -> None:
    if is_partitioned(connection):
        values = {"title_id": None, "episode_id": None, "playback_only": False, **what}
        connection.execute(
            insert(EventErasure).values(profile_id=profile_id, requested_at=utcnow(), **values)
        )


def note(
    profile_id: int,
    title_id: int | None = None,
    episode_id: int | None = None,
    playback_only: bool = False,
) -> None:
    """Note an erasure in the session's transaction (committed, or undone, with the deletion)."""
    _note(
        db.session.connection(),
        profile_id,
        title_id=title_id,
        episode_id=episode_id,
        playback_only=playback_only,
    )


@event.listens_for(Profile, "after_delete")
def _profile_deleted(_mapper, connection: Connection, target: Profile) -> None:
    # Its events go with it (ON DELETE CASCADE); the dropped months' copies must follow.
    _note(connection, target.id)
