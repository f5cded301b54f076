"""Trailer variants: adding a cut to a title, and the signed preview a profile may play.

A trailer is transcoded by the usual pipeline into a short ladder (the lowest
PREVIEW_RUNGS renditions: a muted preview in a hero needs no 1080p) as a
shared asset, so the film's own ladder is never replaced by it; a
trailer_variants row attaches it to a title under a name ("Short cut").
`preview_for` is the one door from a page to a trailer's files: the same
rules as playback (the session's own profile, chosen with its PIN, and the
one visibility rule), then the trailer bandit's choice among the ready cuts.
"""

from dataclasses import dataclass

import numpy as np
from flask import has_request_context
from sqlalchemy import select

from webapp import jobs
from webapp.catalog.visibility import is_visible
from webapp.extensions import db
from webapp.input_guard import storable
from webapp.media import assets, signing
from webapp.media.playback import media_url
from webapp.models import MediaAsset, Profile, Title, TrailerVariant
from webapp.personalization import choose_trailer
from webapp.profiles.current import load_current_profile

PREVIEW_RUNGS = 2
NAME_LIMIT = 40
SOURCE_PREFIX = "trailer: "


class BadTrailerName(ValueError):
    """The name given to a trailer cannot be used; the message says why."""


def clean_name(title: Title, name: str | None) -> str:
    """The trailer name to keep, or BadTrailerName saying what is wrong with it."""
    name = " ".join((name or "").split())
    if not name:
        raise BadTrailerName("Name the trailer (for example “Short cut”).")
    if len(name) > NAME_LIMIT or not storable(name):
        raise BadTrailerName(f"A trailer name is at most {NAME_LIMIT} plain characters.")
    taken = db.session.scalar(
        select(MediaAsset)
        .join(TrailerVariant, TrailerVariant.asset_id == MediaAsset.id)
        .where(TrailerVariant.title_id == title.id, TrailerVariant.name == name)
    )
    if taken is not None and _state(taken) != "failed":
        raise BadTrailerName(f"“{title.name}” already has a trailer named “{name}”.")
    return name


def create(title: Title, name: str, source_name: str) -> tuple[MediaAsset, TrailerVariant]:
    """A queued shared asset for the trailer's ladder and the row that attaches it to the title.

    A failed upload of the same name makes way for it.
    """
    named = db.session.scalars(
        select(MediaAsset)
        .join(TrailerVariant, TrailerVariant.asset_id == MediaAsset.id)
        .where(TrailerVariant.title_id == title.id, TrailerVariant.name == name)
    ).all()
    for old in (a for a in named if _state(a) == "failed"):
        db.session.delete(old)  # its trailer_variants row goes by ON DELETE CASCADE
    db.session.flush()
    asset = MediaAsset(
        title_id=None, episode_id=None, source_name=(SOURCE_PREFIX + source_name)[:255]
    )
    db.session.add(asset)
    db.session.flush()
    db.session.add(jobs.NamedJob(assets.job_name(asset.id)).queued_row(asset_id=asset.id))
    variant = TrailerVariant(title_id=title.id, name=name, asset_id=asset.id)
    db.session.add(variant)
    db.session.commit()
    return asset, variant


@dataclass(frozen=True)
class TrailerRow:
    """One trailer of a title as the admin sees it."""

    id: int
    name: str
    state: str
    renditions: list[str]
    duration_seconds: float | None
    error: str | None


def trailers_of(title_id: int) -> list[TrailerRow]:
    rows = db.session.execute(
        select(TrailerVariant, MediaAsset)
        .join(MediaAsset, MediaAsset.id == TrailerVariant.asset_id)
        .where(TrailerVariant.title_id == title_id)
        .order_by(TrailerVariant.id)
    )
    out = []
    for v, a in rows:
        status = assets.status_of(a)
        state = "ready" if a.published else status.state
        out.append(
            TrailerRow(v.id, v.name, state, a.rendition_names, a.duration_seconds, status.error)
        )
    return out


def _state(asset: MediaAsset) -> str:
    """ "ready" once published, else its transcode job's state (queued, running or failed)."""
    return "ready" if asset.published else assets.status_of(asset).state


@dataclass(frozen=True)
class Preview:
    variant_id: int
    name: str
    master_url: str  # HLS, for hls.js or native HLS
    progressive_url: str  # one MP4, for browsers without MSE
    poster_url: str
    expires: int

    def as_json(self) -> dict:
        return self.__dict__.copy()


def preview_for(
    profile: Profile | None, title: Title, rng: np.random.Generator | None = None
) -> Preview | None:
    """The trailer cut this profile should see, with signed URLs; None when there is none to show.

    None unless `profile` is the session's current profile, the title is
    visible to it, and the title has a trailer whose ladder is ready.
    """
    if profile is None or not has_request_context():
        return None
    current = load_current_profile()
    if current is None or current.id != profile.id or not is_visible(title, profile):
        return None
    ready = db.session.execute(
        select(TrailerVariant.id, TrailerVariant.name, TrailerVariant.asset_id)
        .join(MediaAsset, MediaAsset.id == TrailerVariant.asset_id)
        .where(TrailerVariant.title_id == title.id, MediaAsset.published)
        .order_by(TrailerVariant.id)
    ).all()
    if not ready:
        return None
    chosen = choose_trailer(profile.id, title.id, [(v, name) for v, name, _ in ready], rng=rng)
    variant_id, name, asset_id = next(row for row in ready if row[0] == chosen)
    grant = signing.grant_for(profile.id)
    master, progressive, poster = (
        media_url(asset_id, f, grant) for f in ("master.m3u8", "progressive.mp4", "poster.jpg")
    )
    return Preview(variant_id, name, master, progressive, poster, grant.expires)
