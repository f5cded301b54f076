"""Playable video of a film or an episode: one row per uploaded source and its transcode.

An upload belongs to one film or episode. A shared asset (the demo clips) has
no title of its own; media_links say which films and episodes play it, and a
film's or episode's own upload, once ready, comes first. A trailer variant is
a shared asset too (a short ladder), which trailer_variants attach to titles.
"""

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models.base import utcnow


class MediaAsset(db.Model):
    """A source file on its way to (or published as) an HLS ladder under MEDIA_DIR.

    Files live in `assets/<id>/` once `published`; a new upload for the same
    film or episode is a new row, and replaces the old one only when its own
    ladder is complete. How its transcode goes (state, stage, percentage, the
    failure's one line) is the job's record: the row of `jobs` whose asset_id
    is this asset (see webapp.media.assets).
    """

    __tablename__ = "media_assets"
    __table_args__ = (Index("ix_media_assets_target", "title_id", "episode_id", "published"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a shared asset, played through media_links.
    title_id: Mapped[int | None] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"))
    episode_id: Mapped[int | None] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), index=True
    )
    # The ladder is complete under assets/<id>/ and plays.
    published: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Rendition names, tallest last: "240p,480p,720p".
    renditions: Mapped[str] = mapped_column(String(100), default="")
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None]
    height: Mapped[int | None]
    source_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def rendition_names(self) -> list[str]:
        return [name for name in self.renditions.split(",") if name]


class MediaLink(db.Model):
    """A film (episode_id None) or an episode that plays a shared asset."""

    __tablename__ = "media_links"
    __table_args__ = (Index("ix_media_links_target", "title_id", "episode_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("media_assets.id", ondelete="CASCADE"), index=True
    )


class TrailerVariant(db.Model):
    """One trailer cut of a title (a short cut, another opening), played as its muted preview.

    The asset is a shared one (no title of its own): the demo's trailers are
    attached to many titles, an admin's upload to one. Which variant a viewer
    sees is the trailer bandit's choice (webapp.personalization.trailers).
    """

    __tablename__ = "trailer_variants"
    __table_args__ = (UniqueConstraint("title_id", "name", name="uq_trailer_variants_title_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("media_assets.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
