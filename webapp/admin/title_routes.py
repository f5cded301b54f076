"""Admin: the title list, create, edit, delete and setting a title's use of AI."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.admin import bp
from webapp.admin.access import list_page
from webapp.admin.fields import search_term
from webapp.admin.forms import (
    ConfirmForm,
    CreditForm,
    SeasonForm,
    TitleForm,
    artwork_form,
    uploaded_variants,
)
from webapp.admin.title_edits import (
    create_from_form,
    next_number,
    ordered_credits,
    update_from_form,
)
from webapp.artwork import uploads
from webapp.auth.safety import safe_next
from webapp.caching import send_catalog_changed
from webapp.catalog.ai_use import AI_USES, DISCLOSED, NONE, needs_note
from webapp.extensions import db
from webapp.media.admin_routes import panel_for
from webapp.media.cleanup import prepare_cleanup
from webapp.models import Artwork, Credit, Season, Title

UNANSWERED = "unanswered"
# The list's filter and the values its per-row form sets, as admins read them.
AI_FILTERS = {NONE: "No AI used", **DISCLOSED, UNANSWERED: "Not answered yet"}


@bp.get("/titles")
def titles():
    """Titles by name, searchable by part of the name, filterable by kind and use of AI."""
    q = search_term(request.args.get("q"))
    kind = request.args.get("kind", "")
    kind = kind if kind in ("film", "series") else ""
    ai = request.args.get("ai", "")
    ai = ai if ai in AI_USES or ai == UNANSWERED else ""
    stmt = select(Title).options(selectinload(Title.genres)).order_by(Title.name, Title.id)
    if q:
        stmt = stmt.where(Title.name.icontains(q, autoescape=True))
    if kind:
        stmt = stmt.where(Title.kind == kind)
    if ai == UNANSWERED:
        stmt = stmt.where(Title.ai_use.is_(None))
    elif ai:
        stmt = stmt.where(Title.ai_use == ai)
    page = list_page(stmt)
    return render_template(
        "admin/titles/list.html", page=page, q=q, kind=kind, ai=ai, ai_choices=AI_FILTERS
    )


@bp.route("/titles/new", methods=["GET", "POST"])
def title_new():
    form = TitleForm()
    if form.validate_on_submit():
        item = create_from_form(form)
        send_catalog_changed()
        db.session.commit()
        flash(f"Added “{item.name}”.", "success")
        return redirect(url_for("admin.title_edit", title_id=item.id))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/titles/form.html", form=form, item=None), status


def load_title(title_id: int) -> Title:
    """A title with what its edit page shows, loaded in a fixed number of queries."""
    item = db.session.scalar(
        select(Title)
        .where(Title.id == title_id)
        .options(
            selectinload(Title.genres),
            selectinload(Title.keywords),
            selectinload(Title.artworks).selectinload(Artwork.images),
            selectinload(Title.credits).joinedload(Credit.person),
            selectinload(Title.seasons).selectinload(Season.episodes),
        )
    )
    if item is None:
        abort(404)
    return item


def render_edit(
    item: Title, form=None, credit_form=None, season_form=None, artwork=None, status: int = 200
):
    """The title edit page: details form, credits, artwork and (for series) seasons."""
    if form is None:
        form = TitleForm(formdata=None, obj=item, has_seasons=bool(item.seasons))
        form.genres.data = [g.id for g in item.genres]
        form.keywords.data = ", ".join(k.name for k in item.keywords)
    if credit_form is None:
        credit_form = CreditForm(formdata=None)
    if season_form is None:
        season_form = SeasonForm(formdata=None, number=next_number(s.number for s in item.seasons))
    page = render_template(
        "admin/titles/form.html",
        form=form,
        item=item,
        credits=ordered_credits(item),
        credit_form=credit_form,
        season_form=season_form,
        media=None if item.is_series else panel_for(item),
        artwork_form=artwork or artwork_form(item, formdata=None),
        uploaded=uploaded_variants(item),
    )
    return page, status


@bp.route("/titles/<int:title_id>", methods=["GET", "POST"])
def title_edit(title_id: int):
    item = load_title(title_id)
    if request.method == "GET":
        return render_edit(item)
    form = TitleForm(has_seasons=bool(item.seasons))
    if not form.validate_on_submit():
        return render_edit(item, form=form, status=400)
    update_from_form(item, form)
    send_catalog_changed()
    db.session.commit()
    flash(f"Saved “{item.name}”.", "success")
    return redirect(url_for("admin.title_edit", title_id=item.id))


@bp.route("/titles/<int:title_id>/delete", methods=["GET", "POST"])
def title_delete(title_id: int):
    item = db.get_or_404(Title, title_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name, item_id = item.name, item.id
        media = prepare_cleanup(item.id)
        db.session.delete(item)
        send_catalog_changed()
        db.session.commit()
        media.remove_files()
        uploads.remove_title(current_app.config["ARTWORK_UPLOAD_DIR"], item_id)
        flash(f"Deleted “{name}”.", "success")
        return redirect(url_for("admin.titles"))
    return render_template(
        "admin/confirm.html",
        form=form,
        heading=f"Delete “{item.name}”?",
        message="Its credits, seasons, episodes, artwork and every viewer's history of it go too.",
        action=url_for("admin.title_delete", title_id=item.id),
        cancel=url_for("admin.title_edit", title_id=item.id),
        button="Delete title",
    )


@bp.post("/titles/<int:title_id>/ai")
def title_set_ai_use(title_id: int):
    """Set how a title used AI from the list, then go back where the form was."""
    item = db.get_or_404(Title, title_id)
    form = ConfirmForm()
    back = safe_next(request.form.get("next")) or url_for("admin.titles")
    if not form.validate_on_submit():
        return redirect(back)
    wanted = request.form.get("ai_use", "")
    if wanted not in AI_USES:
        flash("Choose how AI was used: none, AI-assisted or AI-generated.", "error")
    elif needs_note(wanted) and not item.ai_use_note:
        flash(
            f"“{item.name}” needs a note for viewers on what AI did: set it on the title's page.",
            "error",
        )
    else:
        item.ai_use = wanted
        send_catalog_changed()
        db.session.commit()
        flash(f"“{item.name}”: {AI_FILTERS[wanted].lower()}.", "success")
    return redirect(back)
