"""Admin: genres (list, create, edit, delete)."""

from flask import flash, redirect, render_template, url_for
from sqlalchemy import func, select

from webapp.admin import bp
from webapp.admin.forms import ConfirmForm, GenreForm
from webapp.admin.saving import CONFLICT, commit
from webapp.caching import send_catalog_changed
from webapp.extensions import db
from webapp.models import Genre
from webapp.models.catalog import title_genres


def _title_ids(genre_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(title_genres.c.title_id).where(title_genres.c.genre_id == genre_id)
        )
    )


@bp.get("/genres")
def genres():
    """Every genre with how many titles it holds (a short list: no paging needed)."""
    counts = (
        select(title_genres.c.genre_id, func.count().label("n"))
        .group_by(title_genres.c.genre_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Genre, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.genre_id == Genre.id)
        .order_by(Genre.name)
    ).all()
    return render_template("admin/genres/list.html", rows=rows)


@bp.route("/genres/new", methods=["GET", "POST"])
def genre_new():
    form = GenreForm()
    if form.validate_on_submit():
        genre = Genre(name=form.name.data, slug=form.final_slug())
        db.session.add(genre)
        send_catalog_changed()
        if commit():
            flash(f"Added the genre {genre.name}.", "success")
            return redirect(url_for("admin.genres"))
        form.name.errors.append(CONFLICT)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/genres/form.html", form=form, genre=None), status


@bp.route("/genres/<int:genre_id>", methods=["GET", "POST"])
def genre_edit(genre_id: int):
    genre = db.get_or_404(Genre, genre_id)
    form = GenreForm(obj=genre, genre_id=genre.id)
    if form.validate_on_submit():
        genre.name = form.name.data
        genre.slug = form.final_slug()
        send_catalog_changed()
        if commit():
            flash(f"Saved the genre {genre.name}.", "success")
            return redirect(url_for("admin.genres"))
        form.name.errors.append(CONFLICT)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/genres/form.html", form=form, genre=genre), status


@bp.route("/genres/<int:genre_id>/delete", methods=["GET", "POST"])
def genre_delete(genre_id: int):
    genre = db.get_or_404(Genre, genre_id)
    titles = _title_ids(genre.id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = genre.name
        db.session.delete(genre)
        send_catalog_changed()
        db.session.commit()
        flash(f"Deleted the genre {name}.", "success")
        return redirect(url_for("admin.genres"))
    return render_template(
        "admin/confirm.html",
        form=form,
        heading=f"Delete the genre {genre.name}?",
        message=f"{len(titles)} title{'s' if len(titles) != 1 else ''} lose this genre; the titles themselves stay.",
        action=url_for("admin.genre_delete", genre_id=genre.id),
        cancel=url_for("admin.genre_edit", genre_id=genre.id),
        button="Delete genre",
    )
