"""Signed URLs of what a profile may play: the one door from the watch page to media files."""

from dataclasses import dataclass

from flask import has_request_context, url_for

from webapp.catalog.visibility import is_visible
from webapp.media import assets, signing, storage
from webapp.models import Episode, Profile, Title
from webapp.profiles.current import load_current_profile

FILES = ("master.m3u8", "progressive.mp4", "poster.jpg", "thumbnails.vtt")


@dataclass(frozen=True)
class Playback:
    master_url: str  # HLS, for hls.js or native HLS
    progressive_url: str  # one MP4 of the top rendition, for browsers without MSE
    poster_url: str
    thumbnails_url: str  # WebVTT of sprite tiles, for seek previews
    captions_url: str | None  # WebVTT captions, when the asset has them
    duration_seconds: float | None
    renditions: list[str]
    expires: int


def media_url(asset_id: int, name: str, grant: signing.Grant) -> str:
    resource = f"{asset_id}/{name}"
    return url_for("media.file", asset_id=asset_id, name=name, **grant.query(resource))


def playback_for(
    profile: Profile | None, title: Title, episode: Episode | None = None, now: float | None = None
) -> Playback | None:
    """Signed media URLs for this film or episode, or None when the profile may not play it.

    None unless `profile` is the session's current profile (chosen with its
    PIN, when it has one), the title is visible to it under the one visibility
    rule, the episode belongs to the title, and a complete ladder is published.
    """
    if profile is None or not has_request_context():
        return None
    current = load_current_profile()
    if current is None or current.id != profile.id or not is_visible(title, profile):
        return None
    if episode is not None and episode.title_id != title.id:
        return None
    if episode is None and title.is_series:
        return None
    asset = assets.ready_asset(title.id, episode.id if episode else None)
    if asset is None:
        return None
    grant = signing.grant_for(profile.id, now)
    master, progressive, poster, thumbnails = (media_url(asset.id, f, grant) for f in FILES)
    has_captions = (storage.asset_dir(asset.id) / storage.CAPTIONS).is_file()
    return Playback(
        master,
        progressive,
        poster,
        thumbnails,
        media_url(asset.id, storage.CAPTIONS, grant) if has_captions else None,
        asset.duration_seconds,
        asset.rendition_names,
        grant.expires,
    )


def signed_master_url(
    profile: Profile | None, title: Title, episode: Episode | None = None
) -> str | None:
    """The signed master playlist URL, or None (see playback_for)."""
    playback = playback_for(profile, title, episode)
    return playback.master_url if playback else None
