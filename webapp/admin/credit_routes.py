"""Admin: a title's credits (add, move up or down, remove)."""

from flask import flash, redirect, render_template, request, url_for

from webapp.admin import bp
from webapp.admin.forms import ConfirmForm, CreditForm
from webapp.admin.title_edits import add_credit, move_credit, remove_credit
from webapp.admin.title_routes import load_title, render_edit
from webapp.caching import send_catalog_changed
from webapp.extensions import db
from webapp.models import Credit


def _back(title_id: int):
    return redirect(url_for("admin.title_edit", title_id=title_id, _anchor="credits"))


@bp.post("/titles/<int:title_id>/credits")
def credit_add(title_id: int):
    """Credit a person by name; a new name adds the person."""
    item = load_title(title_id)
    form = CreditForm()
    if not form.validate_on_submit():
        return render_edit(item, credit_form=form, status=400)
    credit = add_credit(
        item, form.person_name.data, form.role.data, form.character.data, form.billing_order.data
    )
    if credit is None:
        form.person_name.errors.append(f"{form.person_name.data} is already credited in that role.")
        return render_edit(item, credit_form=form, status=400)
    send_catalog_changed()
    db.session.commit()
    flash(f"Credited {credit.person.name}.", "success")
    return _back(item.id)


@bp.post("/credits/<int:credit_id>/move")
def credit_move(credit_id: int):
    """Move a credit one place up or down among the credits of its role."""
    credit = db.get_or_404(Credit, credit_id)
    title_id = credit.title_id
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    valid = ConfirmForm().validate_on_submit() and step is not None
    if valid and move_credit(credit.title, credit, step):
        send_catalog_changed()
        db.session.commit()
    return _back(title_id)


@bp.route("/credits/<int:credit_id>/delete", methods=["GET", "POST"])
def credit_delete(credit_id: int):
    credit = db.get_or_404(Credit, credit_id)
    title = credit.title
    form = ConfirmForm()
    if form.validate_on_submit():
        name = credit.person.name
        remove_credit(title, credit)
        send_catalog_changed()
        db.session.commit()
        flash(f"Removed {name} from “{title.name}”.", "success")
        return _back(title.id)
    return render_template(
        "admin/confirm.html",
        form=form,
        heading=f"Remove {credit.person.name} from “{title.name}”?",
        message="The person stays in the catalog; only this credit goes.",
        action=url_for("admin.credit_delete", credit_id=credit.id),
        cancel=url_for("admin.title_edit", title_id=title.id, _anchor="credits"),
        button="Remove credit",
    )
