"""Admin: bulk import of titles from a CSV upload."""

from flask import current_app, flash, redirect, render_template, url_for

from webapp.admin import bp
from webapp.admin.csv_import import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    ImportFileError,
    decode,
    plan_import,
    save,
    size_label,
)
from webapp.admin.forms import ImportForm
from webapp.admin.saving import CONFLICT, commit
from webapp.caching import send_catalog_changed

SAMPLE = (
    "kind,name,year,runtime_minutes,maturity_rating,genres,keywords,directors,creators,cast,"
    "synopsis,ai_use,ai_use_note,seasons\n"
    "film,Heat,1995,170,R,Crime|Thriller,heist|los angeles,Michael Mann,,Al Pacino|Robert De Niro,"
    '"A detective and a thief circle each other across Los Angeles.",none,,\n'
    "film,Roadrunner,2021,118,R,Documentary|Biography,food|travel,Morgan Neville,,Anthony Bourdain,"
    '"The life of chef and writer Anthony Bourdain.",assisted,'
    '"A few lines of Anthony Bourdain\'s own writing are read in a voice synthesised with AI.",\n'
    "series,Breaking Bad,2008,47,TV-MA,Crime|Drama,drugs|gritty,,Vince Gilligan,Bryan Cranston|Aaron Paul,"
    '"A chemistry teacher turns to making drugs.",none,,7|13|13|13|16\n'
)


def _max_bytes() -> int:
    return current_app.config["ADMIN_CSV_MAX_BYTES"]


def _render(form: ImportForm, plan=None, file_error: str | None = None, status: int = 200):
    page = render_template(
        "admin/import.html",
        form=form,
        plan=plan,
        file_error=file_error,
        columns=COLUMNS,
        optional_columns=OPTIONAL_COLUMNS,
        sample=SAMPLE,
        max_size=size_label(_max_bytes()),
    )
    return page, status


@bp.route("/import", methods=["GET", "POST"])
def csv_import():
    """Upload a CSV; every row is checked and nothing is saved unless all rows are good."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _render(form, status=400 if form.is_submitted() else 200)
    limit = _max_bytes()
    try:
        text = decode(form.file.data.stream.read(limit + 1), limit)
        plan = plan_import(text)
    except ImportFileError as exc:
        return _render(form, file_error=str(exc), status=400)
    if plan.errors:
        return _render(form, plan=plan, status=400)
    titles = save(plan)
    send_catalog_changed()
    if not commit():
        return _render(form, file_error=CONFLICT, status=409)
    message = f"Imported {len(titles)} title{'s' if len(titles) != 1 else ''}."
    flash(message, "success")
    return redirect(url_for("admin.titles"))
