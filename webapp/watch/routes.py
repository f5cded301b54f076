"""The player (a film, or an episode of a series) and My List."""

from flask import abort, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.catalog.visibility import get_visible_title_or_404, restrict
from webapp.extensions import db
from webapp.media.playback import playback_for
from webapp.models import Episode, ListItem, Title
from webapp.profiles.current import load_current_profile, profile_required
from webapp.watch import bp
from webapp.watch.resume import PlayTarget, episode_target, resume_target

MY_LIST_LIMIT = 500


@bp.get("/watch/<int:title_id>")
@profile_required
def play(title_id: int):
    """Play a film, or a series from the episode this profile is on."""
    profile = load_current_profile()
    title = get_visible_title_or_404(title_id, profile)
    target = resume_target(profile, title)
    if target is None:
        abort(404, description="This series has no episodes yet.")
    return _player(target)


@bp.get("/watch/<int:title_id>/episode/<int:episode_id>")
@profile_required
def play_episode(title_id: int, episode_id: int):
    """Play one episode, from where this profile left it."""
    profile = load_current_profile()
    title = get_visible_title_or_404(title_id, profile)
    target = episode_target(profile, title, episode_id) if title.is_series else None
    if target is None:
        abort(404)
    return _player(target)


def _player(target: PlayTarget):
    following = target.next_episode
    title = target.title
    next_url = (
        url_for("watch.play_episode", title_id=title.id, episode_id=following.id)
        if following
        else None
    )
    profile = load_current_profile()
    episode = db.session.get(Episode, target.episode.id) if target.episode else None
    # None when nothing is ready to play: the page says so instead of showing a player.
    playback = playback_for(profile, title, episode)
    upload_url = None
    if playback is None and current_user.is_admin:
        upload_url = (
            url_for("admin.episode_edit", episode_id=episode.id)
            if episode
            else url_for("admin.title_edit", title_id=title.id)
        )
    return render_template(
        "watch/player.html",
        target=target,
        title=title,
        playback=playback,
        upload_url=upload_url,
        next_url=next_url,
        paused=profile.history_paused,
    )


@bp.get("/my-list")
@profile_required
def my_list():
    """The titles this profile saved, newest first (only those it may still see)."""
    profile = load_current_profile()
    titles = db.session.scalars(
        restrict(
            select(Title)
            .join(ListItem, ListItem.title_id == Title.id)
            .where(ListItem.profile_id == profile.id)
            .order_by(ListItem.added_at.desc(), Title.name)
            .options(selectinload(Title.artworks))
            .limit(MY_LIST_LIMIT),
            profile,
        )
    ).all()
    return render_template("watch/my_list.html", titles=titles)
