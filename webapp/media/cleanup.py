"""The media files that go with a deleted film, series, season or episode.

A title's or an episode's own uploads go with it: their rows through the
database's ON DELETE CASCADE, their folders (ladder, poster, sprite,
thumbnails, captions) here. A shared asset (a demo clip) goes only when no
other film or episode still plays it, and a trailer's ladder (shared too)
only when no other title shows it. Files are removed only after the
deletion is committed, so a failed commit leaves every file in place.
"""

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from webapp.extensions import db
from webapp.media import storage
from webapp.models import MediaAsset, MediaLink, TrailerVariant


@dataclass(frozen=True)
class MediaCleanup:
    """The assets a deletion takes with it; `remove_files` once the deletion is committed."""

    asset_ids: tuple[int, ...]

    def remove_files(self) -> None:
        storage.remove_assets(self.asset_ids)


def prepare_cleanup(title_id: int, episode_ids: Collection[int] | None = None) -> MediaCleanup:
    """Call before deleting a title (episode_ids None) or some of its episodes.

    Shared assets that only the deleted items link to are deleted in the
    session, to be committed with the deletion.
    """
    own = [MediaAsset.title_id == title_id]
    mine = [MediaLink.title_id == title_id]
    other = aliased(MediaLink, name="other")
    elsewhere = other.title_id != title_id
    if episode_ids is not None:
        own.append(MediaAsset.episode_id.in_(episode_ids))
        mine.append(MediaLink.episode_id.in_(episode_ids))
        elsewhere = or_(elsewhere, other.episode_id.is_(None), other.episode_id.not_in(episode_ids))
    owned = db.session.scalars(select(MediaAsset.id).where(*own)).all()
    shared = db.session.scalars(
        select(MediaAsset)
        .join(MediaLink, MediaLink.asset_id == MediaAsset.id)
        .where(
            MediaAsset.title_id.is_(None),
            *mine,
            ~exists().where(and_(other.asset_id == MediaAsset.id, elsewhere)),
        )
        .distinct()
    ).all()
    trailers = []
    if episode_ids is None:
        other_trailer = aliased(TrailerVariant, name="other_trailer")
        trailers = db.session.scalars(
            select(MediaAsset)
            .join(TrailerVariant, TrailerVariant.asset_id == MediaAsset.id)
            .where(
                TrailerVariant.title_id == title_id,
                ~exists().where(
                    and_(
                        other_trailer.asset_id == MediaAsset.id,
                        other_trailer.title_id != title_id,
                    )
                ),
            )
            .distinct()
        ).all()
    for asset in (*shared, *trailers):
        db.session.delete(asset)
    return MediaCleanup(tuple(owned) + tuple(a.id for a in (*shared, *trailers)))
