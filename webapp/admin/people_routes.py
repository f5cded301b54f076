"""Admin: people (list, search, create, rename, delete)."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from webapp.admin import bp
from webapp.admin.access import list_page
from webapp.admin.fields import search_term
from webapp.admin.forms import ConfirmForm, PersonForm
from webapp.admin.saving import CONFLICT, commit
from webapp.caching import send_catalog_changed
from webapp.catalog.service import slugify
from webapp.extensions import db
from webapp.models import Credit, Person


def _credited_titles(person_id: int) -> list[int]:
    return list(
        db.session.scalars(select(Credit.title_id).where(Credit.person_id == person_id).distinct())
    )


@bp.get("/people")
def people():
    q = search_term(request.args.get("q"))
    stmt = select(Person).order_by(Person.name, Person.id)
    if q:
        stmt = stmt.where(Person.name.icontains(q, autoescape=True))
    page = list_page(stmt)
    ids = [p.id for p in page.items]
    counts = {}
    if ids:
        counts = dict(
            db.session.execute(
                select(Credit.person_id, func.count())
                .where(Credit.person_id.in_(ids))
                .group_by(Credit.person_id)
            ).all()
        )
    return render_template("admin/people/list.html", page=page, q=q, counts=counts)


@bp.route("/people/new", methods=["GET", "POST"])
def person_new():
    form = PersonForm()
    if form.validate_on_submit():
        person = Person(name=form.name.data, slug=slugify(form.name.data))
        db.session.add(person)
        send_catalog_changed()
        if commit():
            flash(f"Added {person.name}.", "success")
            return redirect(url_for("admin.people", q=person.name))
        form.name.errors.append(CONFLICT)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/people/form.html", form=form, person=None), status


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
def person_edit(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = PersonForm(obj=person, person_id=person.id)
    if form.validate_on_submit():
        person.name = form.name.data
        person.slug = slugify(form.name.data)
        send_catalog_changed()
        if commit():
            flash(f"Saved {person.name}.", "success")
            return redirect(url_for("admin.person_edit", person_id=person.id))
        form.name.errors.append(CONFLICT)
    status = 400 if form.is_submitted() else 200
    credits = db.session.scalars(
        select(Credit)
        .where(Credit.person_id == person.id)
        .options(joinedload(Credit.title))
        .order_by(Credit.title_id, Credit.role)
    ).all()
    return render_template(
        "admin/people/form.html", form=form, person=person, credits=credits
    ), status


@bp.route("/people/<int:person_id>/delete", methods=["GET", "POST"])
def person_delete(person_id: int):
    person = db.get_or_404(Person, person_id)
    titles = _credited_titles(person.id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = person.name
        db.session.delete(person)
        send_catalog_changed()
        db.session.commit()
        flash(f"Deleted {name}.", "success")
        return redirect(url_for("admin.people"))
    return render_template(
        "admin/confirm.html",
        form=form,
        heading=f"Delete {person.name}?",
        message=f"Their {len(titles)} credit{'s' if len(titles) != 1 else ''} go too.",
        action=url_for("admin.person_delete", person_id=person.id),
        cancel=url_for("admin.person_edit", person_id=person.id),
        button="Delete person",
    )
