"""Admin: uploading a film's or an episode's video, or a film's trailer, and following transcodes.

Registered on the admin blueprint (its admin-only guard applies). An upload
is checked before anything is kept: a file that is not a video, is empty,
too long, too large or has no picture is refused with a 400 (413 for size)
that says why, and leaves nothing under MEDIA_DIR; so is a trailer without a
usable name, or with the name of one the title already has.
"""

from dataclasses import dataclass

from flask import abort, current_app, flash, jsonify, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from webapp import jobs
from webapp.admin import bp
from webapp.extensions import db
from webapp.input_guard import storable
from webapp.media import assets, storage, trailers
from webapp.media.assets import AssetRecord, AssetStatus, status_of
from webapp.media.errors import BadSource
from webapp.media.pipeline import check_source, too_large_message, transcode_work
from webapp.media.trailers import BadTrailerName, TrailerRow
from webapp.models import Episode, MediaAsset, Title

UPLOAD_ENDPOINTS = frozenset(
    {"admin.media_upload_title", "admin.media_upload_episode", "admin.media_upload_trailer"}
)
NO_FILE = "Choose a video file to upload."


@dataclass(frozen=True)
class MediaPanel:
    """What the media box on a title or episode edit page shows."""

    upload_url: str
    latest: AssetStatus | None
    playable: bool
    status_url: str | None
    trailers: list[TrailerRow] | None = None  # a film's trailer cuts (None on an episode)
    trailer_upload_url: str | None = None


def panel_for(title: Title, episode: Episode | None = None) -> MediaPanel:
    episode_id = episode.id if episode else None
    latest = assets.latest_asset(title.id, episode_id)
    upload_url = (
        url_for("admin.media_upload_episode", episode_id=episode.id)
        if episode
        else url_for("admin.media_upload_title", title_id=title.id)
    )
    return MediaPanel(
        upload_url,
        status_of(latest) if latest else None,
        assets.ready_asset(title.id, episode_id) is not None,
        url_for("admin.media_status", asset_id=latest.id) if latest else None,
        None if episode else trailers.trailers_of(title.id),
        None if episode else url_for("admin.media_upload_trailer", title_id=title.id),
    )


@bp.url_value_preprocessor
def allow_large_uploads(endpoint: str | None, _values: dict | None) -> None:
    """Video uploads may exceed MAX_CONTENT_LENGTH; runs before CSRF reads the form."""
    if endpoint in UPLOAD_ENDPOINTS:
        limit = current_app.config["MEDIA_MAX_UPLOAD_BYTES"]
        if request.content_length is not None and request.content_length > limit:
            abort(413, description=too_large_message())
        request.max_content_length = limit


@bp.post("/titles/<int:title_id>/media")
def media_upload_title(title_id: int):
    title = db.get_or_404(Title, title_id)
    if title.is_series:
        abort(400, description="A series plays by episode: upload on each episode's page.")
    return _upload(title, None, url_for("admin.title_edit", title_id=title.id))


@bp.post("/episodes/<int:episode_id>/media")
def media_upload_episode(episode_id: int):
    episode = db.get_or_404(Episode, episode_id)
    return _upload(episode.series, episode, url_for("admin.episode_edit", episode_id=episode.id))


@bp.post("/titles/<int:title_id>/trailers")
def media_upload_trailer(title_id: int):
    """A trailer cut for the title's muted previews, transcoded into a short ladder."""
    title = db.get_or_404(Title, title_id)
    try:
        name = trailers.clean_name(title, request.form.get("name"))
    except BadTrailerName as error:
        abort(400, description=str(error))
    except RequestEntityTooLarge:
        abort(413, description=too_large_message())
    return _upload(title, None, url_for("admin.title_edit", title_id=title.id), trailer=name)


@bp.get("/media/<int:asset_id>")
def media_status(asset_id: int):
    """A transcode's state, stage, percentage and error line, for pages that follow it."""
    return jsonify(status_of(db.get_or_404(MediaAsset, asset_id)).as_json())


def _upload(title: Title, episode: Episode | None, back: str, trailer: str | None = None):
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        abort(413, description=too_large_message())
    if upload is None or not upload.filename:
        abort(400, description=NO_FILE)
    with storage.incoming() as folder:
        source = folder / "source"
        upload.save(source)
        try:
            info = check_source(source)
        except BadSource as error:
            abort(400, description=str(error))  # the folder goes with the error
        name = upload.filename if storable(upload.filename) else "upload"
        if trailer is None:
            asset = assets.create(title.id, episode.id if episode else None, name)
        else:
            asset, _ = trailers.create(title, trailer, name)
    asset_id, app = asset.id, current_app._get_current_object()
    rungs = trailers.PREVIEW_RUNGS if trailer is not None else None

    def make_job():
        record = AssetRecord(asset_id)
        work = transcode_work(
            record, source, cleanup=lambda: storage.discard(folder), max_rungs=rungs
        )
        return record, work

    jobs.start(app, f"transcode-{asset_id}", make_job)
    what = f"the trailer “{trailer}”" if trailer else name
    flash(f"Uploaded {what} ({info.describe()}); transcoding has started.", "success")
    return redirect(back + "#media")
