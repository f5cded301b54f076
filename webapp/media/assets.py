"""Media asset rows: creating them, recording a transcode's progress, finding what plays."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from webapp.extensions import db
from webapp.jobs import STALE_AFTER_SECONDS
from webapp.media import storage
from webapp.models import MediaAsset, MediaLink
from webapp.models.base import utcnow

INTERRUPTED = "The transcode was cut off (the server stopped); upload the file again."


def create(title_id: int, episode_id: int | None, source_name: str) -> MediaAsset:
    asset = MediaAsset(
        title_id=title_id, episode_id=episode_id, state="queued", source_name=source_name[:255]
    )
    db.session.add(asset)
    db.session.commit()
    return asset


def _target(title_id: int, episode_id: int | None):
    if episode_id is None:
        return (MediaAsset.title_id == title_id, MediaAsset.episode_id.is_(None))
    return (MediaAsset.title_id == title_id, MediaAsset.episode_id == episode_id)


def ready_asset(title_id: int, episode_id: int | None) -> MediaAsset | None:
    """What a film (episode_id None) or an episode plays: its newest own ladder, else a shared one."""
    own = db.session.scalar(
        select(MediaAsset)
        .where(*_target(title_id, episode_id), MediaAsset.state == "ready")
        .order_by(MediaAsset.id.desc())
        .limit(1)
    )
    if own is not None:
        return own
    episode = (
        MediaLink.episode_id.is_(None)
        if episode_id is None
        else (MediaLink.episode_id == episode_id)
    )
    return db.session.scalar(
        select(MediaAsset)
        .join(MediaLink, MediaLink.asset_id == MediaAsset.id)
        .where(MediaLink.title_id == title_id, episode, MediaAsset.state == "ready")
        .order_by(MediaLink.id.desc())
        .limit(1)
    )


def latest_asset(title_id: int, episode_id: int | None) -> MediaAsset | None:
    """The newest upload of a film or episode, whatever its state."""
    return db.session.scalar(
        select(MediaAsset)
        .where(*_target(title_id, episode_id))
        .order_by(MediaAsset.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class AssetStatus:
    id: int
    state: str
    stage: str
    percent: int
    error: str | None
    renditions: list[str]
    duration_seconds: float | None

    def as_json(self) -> dict:
        return self.__dict__.copy()


def status_of(asset: MediaAsset) -> AssetStatus:
    """The asset's state as readers should see it: a transcode long silent was cut off."""
    state, error = asset.state, asset.error
    silent = utcnow() - asset.updated_at > timedelta(seconds=STALE_AFTER_SECONDS)
    if state in ("queued", "transcoding") and silent:
        state, error = "failed", INTERRUPTED
    return AssetStatus(
        asset.id,
        state,
        asset.stage,
        asset.percent,
        error,
        asset.rendition_names,
        asset.duration_seconds,
    )


class AssetRecord:
    """The job runner's record of a transcode: one media_assets row (see webapp.jobs)."""

    def __init__(self, asset_id: int):
        self.asset_id = asset_id

    def _set(self, *where, **values) -> int:
        result = db.session.execute(
            update(MediaAsset)
            .where(MediaAsset.id == self.asset_id, *where)
            .values(updated_at=utcnow(), **values)
        )
        db.session.commit()
        return result.rowcount

    def claim(self) -> bool:
        return self._set(MediaAsset.state == "queued", state="transcoding", stage="starting") == 1

    def progress(self, stage: str, percent: int) -> None:
        self._set(stage=stage[:40], percent=percent)

    def describe(self, **values) -> None:
        """Store what the probe and the ladder found (duration, size, renditions)."""
        self._set(**values)

    def succeed(self, summary: str | None = None) -> None:
        if self._set(state="ready", stage="ready", percent=100, error=None) == 0:
            # Its film or episode was deleted while it transcoded: nothing will play the files.
            storage.remove_asset(self.asset_id)
            return
        _retire_older(self.asset_id)

    def fail(self, reason: str) -> None:
        self._set(state="failed", error=reason[:300])


def _retire_older(asset_id: int) -> None:
    """Drop the earlier ready ladders of the same film or episode, files first."""
    asset = db.session.get(MediaAsset, asset_id)
    if asset.title_id is None:
        return  # a shared asset replaces nothing
    older = db.session.scalars(
        select(MediaAsset).where(
            *_target(asset.title_id, asset.episode_id),
            MediaAsset.id < asset.id,
            MediaAsset.state.in_(("ready", "failed")),
        )
    ).all()
    for old in older:
        storage.remove_asset(old.id)
        db.session.delete(old)
    db.session.commit()
