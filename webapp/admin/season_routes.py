"""Admin: a series' seasons and their episodes."""

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.admin import bp
from webapp.admin.forms import ConfirmForm, EpisodeForm, SeasonForm
from webapp.admin.saving import CONFLICT, commit
from webapp.admin.title_edits import add_season, next_number
from webapp.admin.title_routes import load_title, render_edit
from webapp.caching import send_catalog_changed
from webapp.extensions import db
from webapp.media.admin_routes import panel_for
from webapp.media.cleanup import prepare_cleanup
from webapp.models import Episode, Season


def _season_or_404(season_id: int) -> Season:
    season = db.session.scalar(
        select(Season)
        .where(Season.id == season_id)
        .options(selectinload(Season.episodes), selectinload(Season.title))
    )
    if season is None:
        abort(404)
    return season


def _title_page(title_id: int):
    return redirect(url_for("admin.title_edit", title_id=title_id, _anchor="seasons"))


def _season_page(season_id: int):
    return redirect(url_for("admin.season", season_id=season_id))


@bp.post("/titles/<int:title_id>/seasons")
def season_add(title_id: int):
    item = load_title(title_id)
    if not item.is_series:
        flash("Only series have seasons.", "error")
        return _title_page(item.id)
    form = SeasonForm(taken={s.number for s in item.seasons})
    if not form.validate_on_submit():
        return render_edit(item, season_form=form, status=400)
    season = add_season(item, form.number.data, form.episodes.data or 0, form.runtime.data)
    send_catalog_changed()
    if not commit():
        flash(CONFLICT, "error")
        return _title_page(title_id)
    flash(f"Added season {season.number} with {len(season.episodes)} episodes.", "success")
    return _title_page(item.id)


def _render_season(season: Season, form: EpisodeForm | None = None, status: int = 200):
    if form is None:
        form = EpisodeForm(
            formdata=None, number=next_number(e.number for e in season.episodes), runtime_minutes=30
        )
    page = render_template("admin/seasons/season.html", season=season, item=season.title, form=form)
    return page, status


@bp.get("/seasons/<int:season_id>")
def season(season_id: int):
    """A season's episodes, with a form to add one."""
    return _render_season(_season_or_404(season_id))


@bp.post("/seasons/<int:season_id>/episodes")
def episode_add(season_id: int):
    season = _season_or_404(season_id)
    form = EpisodeForm(taken={e.number for e in season.episodes})
    if not form.validate_on_submit():
        return _render_season(season, form, status=400)
    episode = Episode(
        number=form.number.data,
        name=form.name.data,
        runtime_minutes=form.runtime_minutes.data,
        series=season.title,
    )
    season.episodes.append(episode)
    send_catalog_changed()
    if not commit():
        flash(CONFLICT, "error")
        return _season_page(season_id)
    flash(f"Added episode {episode.number}.", "success")
    return _season_page(season.id)


@bp.route("/seasons/<int:season_id>/delete", methods=["GET", "POST"])
def season_delete(season_id: int):
    season = _season_or_404(season_id)
    title = season.title
    form = ConfirmForm()
    if form.validate_on_submit():
        number = season.number
        media = prepare_cleanup(title.id, [e.id for e in season.episodes])
        title.seasons.remove(season)
        send_catalog_changed()
        db.session.commit()
        media.remove_files()
        flash(f"Removed season {number} of “{title.name}”.", "success")
        return _title_page(title.id)
    return render_template(
        "admin/confirm.html",
        form=form,
        heading=f"Remove season {season.number} of “{title.name}”?",
        message=f"Its {len(season.episodes)} episodes and everyone's progress in them go too.",
        action=url_for("admin.season_delete", season_id=season.id),
        cancel=url_for("admin.season", season_id=season.id),
        button="Remove season",
    )


@bp.route("/episodes/<int:episode_id>", methods=["GET", "POST"])
def episode_edit(episode_id: int):
    episode = db.get_or_404(Episode, episode_id)
    season = episode.season
    taken = {e.number for e in season.episodes if e.id != episode.id}
    form = EpisodeForm(obj=episode, taken=taken)
    if form.validate_on_submit():
        episode.number = form.number.data
        episode.name = form.name.data
        episode.runtime_minutes = form.runtime_minutes.data
        send_catalog_changed()
        if commit():
            flash(f"Saved episode {episode.number}.", "success")
            return _season_page(season.id)
        flash(CONFLICT, "error")
        return _season_page(season.id)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/seasons/episode.html",
        form=form,
        episode=episode,
        season=season,
        media=panel_for(season.title, episode),
    ), status


@bp.route("/episodes/<int:episode_id>/delete", methods=["GET", "POST"])
def episode_delete(episode_id: int):
    episode = db.get_or_404(Episode, episode_id)
    season = episode.season
    form = ConfirmForm()
    if form.validate_on_submit():
        number = episode.number
        media = prepare_cleanup(season.title_id, [episode.id])
        season.episodes.remove(episode)
        send_catalog_changed()
        db.session.commit()
        media.remove_files()
        flash(f"Removed episode {number}.", "success")
        return _season_page(season.id)
    return render_template(
        "admin/confirm.html",
        form=form,
        heading=f"Remove episode {episode.number}, “{episode.name}”?",
        message="Everyone's progress in this episode goes too.",
        action=url_for("admin.episode_delete", episode_id=episode.id),
        cancel=url_for("admin.season", season_id=season.id),
        button="Remove episode",
    )
