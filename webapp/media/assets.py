"""Media asset rows: creating them with their transcode's job, publishing them, finding what plays.

An asset row says what the asset is (its film or episode, its ladder, whether
it is published); how its transcode goes is the job's record, the one row of
`jobs` named after the asset (see webapp.jobs), which pages read through
`status_of`.
"""

from dataclasses import dataclass

from sqlalchemy import exists, select, update

from webapp import jobs
from webapp.extensions import db
from webapp.media import storage
from webapp.models import Job, MediaAsset, MediaLink

INTERRUPTED = "The transcode was cut off (the server stopped); upload the file again."


def job_name(asset_id: int) -> str:
    """The name of the job that transcodes an asset."""
    return f"transcode-{asset_id}"


def create(title_id: int | None, episode_id: int | None, source_name: str) -> MediaAsset:
    """A new asset (None, None for a shared one) and its transcode's job, queued, in one commit."""
    asset = MediaAsset(title_id=title_id, episode_id=episode_id, source_name=source_name[:255])
    db.session.add(asset)
    db.session.flush()
    db.session.add(jobs.NamedJob(job_name(asset.id)).queued_row(asset_id=asset.id))
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
        .where(*_target(title_id, episode_id), MediaAsset.published)
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
        .where(MediaLink.title_id == title_id, episode, MediaAsset.published)
        .order_by(MediaLink.id.desc())
        .limit(1)
    )


def latest_asset(title_id: int, episode_id: int | None) -> MediaAsset | None:
    """The newest upload of a film or episode, published or not."""
    return db.session.scalar(
        select(MediaAsset)
        .where(*_target(title_id, episode_id))
        .order_by(MediaAsset.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class AssetStatus:
    """An asset as the admin pages show it: its job's state, stage, percentage and error line."""

    id: int
    state: str  # the job's: queued, running, done or failed
    stage: str
    percent: int
    error: str | None
    published: bool
    renditions: list[str]
    duration_seconds: float | None

    def as_json(self) -> dict:
        return self.__dict__.copy()


def status_of(asset: MediaAsset) -> AssetStatus:
    """The asset and its transcode as readers should see them: a job long silent was cut off."""
    job = jobs.status(job_name(asset.id), interrupted=INTERRUPTED)
    state, error = job.state, job.error
    if state == "idle":  # no job made this asset: it was made before jobs kept transcodes
        state, error = ("done", None) if asset.published else ("failed", INTERRUPTED)
    return AssetStatus(
        asset.id,
        state,
        job.stage,
        job.percent,
        error,
        asset.published,
        asset.rendition_names,
        asset.duration_seconds,
    )


class AssetRecord(jobs.NamedJob):
    """The job runner's record of a transcode: the asset's row of `jobs` (see webapp.jobs).

    The row is made, queued, with the asset (`create`); success publishes the
    asset in the same commit that marks the job done.
    """

    def __init__(self, asset_id: int):
        super().__init__(job_name(asset_id))
        self.asset_id = asset_id

    def describe(self, **values) -> None:
        """Store what the probe and the ladder found (duration, size, renditions)."""
        db.session.execute(
            update(MediaAsset).where(MediaAsset.id == self.asset_id).values(**values)
        )
        db.session.commit()

    def succeed(self, summary: str | None = None) -> None:
        published = db.session.execute(
            update(MediaAsset).where(MediaAsset.id == self.asset_id).values(published=True)
        )
        if published.rowcount == 0:
            # Its film or episode was deleted while it transcoded: nothing will play the files.
            db.session.rollback()
            storage.remove_asset(self.asset_id)
            return
        super().succeed(summary)  # commits the publishing with the job's end
        _retire_older(self.asset_id)


def _retire_older(asset_id: int) -> None:
    """Drop the earlier ladders of the same film or episode whose transcode is over, files first."""
    asset = db.session.get(MediaAsset, asset_id)
    if asset.title_id is None:
        return  # a shared asset replaces nothing
    transcoding = exists().where(
        Job.asset_id == MediaAsset.id, Job.state.in_(("queued", "running"))
    )
    older = db.session.scalars(
        select(MediaAsset).where(
            *_target(asset.title_id, asset.episode_id), MediaAsset.id < asset.id, ~transcoding
        )
    ).all()
    for old in older:
        storage.remove_asset(old.id)
        db.session.delete(old)
    db.session.commit()
