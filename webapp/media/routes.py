"""Serving an asset's files to whoever holds a valid signed URL.

Playlists and the thumbnail index are text the app rewrites on the way out:
each file they name gets a signature of its own, with the same profile and
expiry, so a player can follow them and a proxy or CDN can serve segments
and images without asking the app. Segments, images and the MP4 are
immutable (a new upload is a new asset id); playlists are cached briefly and
privately, since their URLs are signed for one profile.

`/media/preview/<title id>` answers a page's preview player: the trailer cut
chosen for the current profile with its signed URLs, or 204 when there is
nothing it may see (no trailer, not visible); a visitor is sent to sign in, as
from every page that needs a profile.
"""

import re
from pathlib import PurePosixPath
from urllib.parse import urlencode

from flask import Response, abort, current_app, jsonify, request, send_file
from sqlalchemy import select

from webapp.catalog.visibility import is_visible, restrict
from webapp.extensions import db
from webapp.media import bp, signing, storage
from webapp.media.trailers import preview_for
from webapp.models import MediaAsset, MediaLink, Profile, Title, TrailerVariant
from webapp.profiles.current import load_current_profile, profile_required

NAME = re.compile(
    r"(master\.m3u8|progressive\.mp4|poster\.jpg|sprite\.jpg|thumbnails\.vtt|captions\.vtt"
    r"|\d{2,4}p/(?:index\.m3u8|seg_\d{5}\.ts))"
)
TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
    ".vtt": "text/vtt; charset=utf-8",
}
IMMUTABLE = "public, max-age=31536000, immutable"
PLAYLIST_CACHE = "private, max-age=10"
# A URI in a playlist (any line not starting with "#") or a sprite reference in the VTT index.
PLAYLIST_URI = re.compile(r"^(?!#)(\S+)$", re.MULTILINE)
VTT_IMAGE = re.compile(r"^(sprite\.jpg)(#xywh=\d+,\d+,\d+,\d+)$", re.MULTILINE)


@bp.get("/preview/<int:title_id>")
@profile_required
def preview(title_id: int):
    """The muted preview a page should play for this title, chosen for the current profile."""
    title = db.session.get(Title, title_id) if title_id < 2**31 else None
    preview = preview_for(load_current_profile(), title) if title is not None else None
    if preview is None:
        return Response(status=204, headers={"Cache-Control": "private, no-store"})
    response = jsonify(preview.as_json())
    # Each page load is one draw of the bandit: never answered from a cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:asset_id>/<path:name>")
def file(asset_id: int, name: str):
    """One file of a published asset; 403 for a bad or expired signature, 404 if missing."""
    # The signature comes first: without one, nothing is told, not even which names exist.
    grant = signing.verify(f"{asset_id}/{name}", request.args)
    if grant is None:
        abort(403, description="This media link is not valid or has expired.")
    if not NAME.fullmatch(name):
        abort(404)
    path = storage.asset_dir(asset_id) / name
    if name.endswith(".m3u8") or name == "thumbnails.vtt":
        return _rewritten(asset_id, name, path, grant)
    if not path.is_file():
        abort(404)
    return _bytes(asset_id, name, path)


def _rewritten(asset_id: int, name: str, path, grant: signing.Grant) -> Response:
    """A playlist or index, with every file it names signed for the same profile and expiry."""
    _check_still_allowed(asset_id, grant.profile_id)
    try:
        text = path.read_text()
    except FileNotFoundError:
        abort(404)
    folder = PurePosixPath(name).parent

    def signed(relative: str) -> str:
        # Kept relative, so the URIs work behind any prefix, proxy or CDN.
        target = str(folder / relative)
        if not NAME.fullmatch(target):
            return relative
        return f"{relative}?{urlencode(grant.query(f'{asset_id}/{target}'))}"

    if name.endswith(".vtt"):
        body = VTT_IMAGE.sub(lambda m: signed(m.group(1)) + m.group(2), text)
    else:
        body = PLAYLIST_URI.sub(lambda m: signed(m.group(1)), text)
    response = Response(body, content_type=TYPES[PurePosixPath(name).suffix])
    response.headers["Cache-Control"] = PLAYLIST_CACHE
    return response


def _check_still_allowed(asset_id: int, profile_id: int) -> None:
    """The profile still exists and may still see the title (a rating or limit may have changed)."""
    asset = db.session.get(MediaAsset, asset_id)
    if asset is None or not asset.published:
        abort(404)
    profile = db.session.get(Profile, profile_id)
    if profile is None or not _may_see_a_player_of(asset, profile):
        abort(403, description="This profile may not watch this title.")


def _may_see_a_player_of(asset: MediaAsset, profile: Profile) -> bool:
    """The profile may see the asset's own title or, for a shared asset, one title that plays it
    (or shows it as a trailer)."""
    if asset.title_id is not None:
        title = db.session.get(Title, asset.title_id)
        return title is not None and is_visible(title, profile)
    linked = select(Title.id).join(MediaLink, MediaLink.title_id == Title.id)
    query = restrict(linked.where(MediaLink.asset_id == asset.id), profile).limit(1)
    if db.session.scalar(query) is not None:
        return True
    trailer = select(Title.id).join(TrailerVariant, TrailerVariant.title_id == Title.id)
    query = restrict(trailer.where(TrailerVariant.asset_id == asset.id), profile).limit(1)
    return db.session.scalar(query) is not None


def _bytes(asset_id: int, name: str, path) -> Response:
    """Send a segment, image or MP4 (ranges answered), or hand it to nginx when configured."""
    mimetype = TYPES[PurePosixPath(name).suffix]
    prefix = current_app.config["MEDIA_ACCEL_REDIRECT_PREFIX"]
    if prefix:
        response = Response(mimetype=mimetype)
        response.headers["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{asset_id}/{name}"
    else:
        response = send_file(path, mimetype=mimetype, conditional=True, etag=True)
    response.headers["Cache-Control"] = IMMUTABLE
    return response
