"""Noting erasures for the Parquet export's dropped months, in the erasing transaction.

Every way history leaves the database notes what left (webapp.models.erasures):
the privacy page's deletions (webapp.activity.history calls `note`), and, by
mapper hooks whatever deletes them, a deleted profile (alone or with its
account) and a title, season or episode deleted from the catalog (a season
goes episode by episode). Only a partitioned PostgreSQL log can have dropped
months; elsewhere nothing is noted, so no list of erased titles is kept where
none is needed.
"""

from sqlalchemy import event, insert
from sqlalchemy.engine import Connection

from webapp.activity.partitions import is_partitioned
from webapp.extensions import db
from webapp.models import Episode, EventErasure, Profile, Title
from webapp.models.base import utcnow


def _note(connection: Connection, profile_id: int | None, **what) -> None:
    values = {"title_id": None, "episode_id": None, "playback_only": False, **what}
    if profile_id is None and values["title_id"] is None and values["episode_id"] is None:
        # Such a note would erase every event of every profile.
        raise ValueError("an erasure names a profile, a title or an episode")
    if is_partitioned(connection):
        connection.execute(
            insert(EventErasure).values(profile_id=profile_id, requested_at=utcnow(), **values)
        )


def note(
    profile_id: int | None,
    title_id: int | None = None,
    episode_id: int | None = None,
    playback_only: bool = False,
) -> None:
    """Note an erasure in the session's transaction (committed, or undone, with the deletion).

    `profile_id` None: every profile's events of the title or episode.
    """
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


@event.listens_for(Title, "after_delete")
def _title_deleted(_mapper, connection: Connection, target: Title) -> None:
    # Every profile's events of it go with it, its episodes' included (ON DELETE CASCADE).
    _note(connection, None, title_id=target.id)


@event.listens_for(Episode, "after_delete")
def _episode_deleted(_mapper, connection: Connection, target: Episode) -> None:
    # Alone or with its season or series: its events go with it (ON DELETE CASCADE).
    _note(connection, None, episode_id=target.id)
