"""Admin: uploading a title's own posters, backdrops and title treatments, and deleting them.

Each upload makes (or adds to) an uploaded artwork variant: an `artworks` row
like the drawn ones, so the artwork bandit has one more arm to choose from.
Every submitted picture is checked before any file is written; a refused one
is named on the title's page with a 400 and nothing is kept.
"""

from flask import abort, current_app, flash, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.admin import bp
from webapp.admin.forms import ArtworkForm, ConfirmForm, artwork_form, uploaded_variants
from webapp.admin.title_routes import load_title, render_edit
from webapp.artwork import uploads
from webapp.caching import send_catalog_changed
from webapp.extensions import db
from webapp.models import Artwork, ArtworkImage, Title

# Room for the form's other fields and multipart framing around the pictures.
FORM_OVERHEAD_BYTES = 64 * 1024


@bp.url_value_preprocessor
def allow_artwork_uploads(endpoint: str | None, _values: dict | None) -> None:
    """One picture of each kind may reach the per-picture limit; runs before CSRF reads the form."""
    if endpoint != "admin.artwork_upload":
        return
    per_file = current_app.config["ARTWORK_UPLOAD_MAX_BYTES"]
    limit = per_file * len(uploads.KINDS) + FORM_OVERHEAD_BYTES
    if request.content_length is not None and request.content_length > limit:
        abort(
            413,
            description=f"Each picture may be at most {uploads.size_label(per_file)}; "
            "upload smaller files.",
        )
    request.max_content_length = limit


@bp.post("/titles/<int:title_id>/artwork")
def artwork_upload(title_id: int):
    item = load_title(title_id)
    form = artwork_form(item)
    if not form.validate_on_submit():
        return _refused(item, form)
    target = None
    if form.variant.data != "new":
        target = next(
            (a for a in uploaded_variants(item) if str(a.variant) == form.variant.data), None
        )
    chosen = {k: getattr(form, k).data for k in uploads.KINDS if getattr(form, k).data}
    chosen = {k: f for k, f in chosen.items() if getattr(f, "filename", "")}
    if not chosen:
        form.poster.errors.append("Choose a poster, a backdrop or a title treatment to upload.")
        return _refused(item, form)
    if target is None and "poster" not in chosen:
        form.poster.errors.append("A new artwork variant needs a poster: cards show it.")
        return _refused(item, form)
    prepared = _prepare(form, chosen)
    if prepared is None:
        return _refused(item, form)
    art = target or _new_variant(item, form.label.data)
    _store(item, art, prepared)
    flash(
        f"Uploaded the {', '.join(uploads.KIND_LABELS[k] for k in prepared)} "
        f"of “{art.label}” for “{item.name}”.",
        "success",
    )
    return redirect(url_for("admin.title_edit", title_id=item.id) + "#artwork")


@bp.post("/titles/<int:title_id>/artwork/<int:variant>/delete")
def artwork_delete(title_id: int, variant: int):
    """Delete an uploaded variant: its pictures, files and bandit arm."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400, description="The form had expired; reload the page and try again.")
    art = db.session.scalar(
        select(Artwork)
        .where(
            Artwork.title_id == title_id,
            Artwork.variant == variant,
            Artwork.style == uploads.UPLOADED_STYLE,
        )
        .options(selectinload(Artwork.images))
    )
    if art is None:
        abort(404)
    root = current_app.config["ARTWORK_UPLOAD_DIR"]
    files = [
        path
        for image in art.images
        for path in uploads.files_of(root, title_id, variant, image.kind, image.digest)
    ]
    label = art.label
    db.session.delete(art)
    send_catalog_changed()
    db.session.commit()
    uploads.remove(files)
    flash(f"Deleted the uploaded artwork “{label}”.", "success")
    return redirect(url_for("admin.title_edit", title_id=title_id) + "#artwork")


def _refused(item: Title, form: ArtworkForm):
    return render_edit(item, artwork=form, status=400)


def _prepare(form: ArtworkForm, chosen: dict) -> dict[str, uploads.PreparedPicture] | None:
    """Every chosen picture checked and encoded; None (errors on the form) if any is refused."""
    config = current_app.config
    max_bytes, max_pixels = config["ARTWORK_UPLOAD_MAX_BYTES"], config["ARTWORK_UPLOAD_MAX_PIXELS"]
    prepared, refused = {}, False
    for kind, upload in chosen.items():
        data = upload.stream.read(max_bytes + 1)
        try:
            prepared[kind] = uploads.prepare(kind, data, max_bytes, max_pixels)
        except uploads.RefusedPicture as error:
            getattr(form, kind).errors.append(str(error))
            refused = True
    return None if refused else prepared


def _new_variant(item: Title, label: str | None) -> Artwork:
    """A new uploaded variant, numbered after every variant the title has."""
    number = max([uploads.FIRST_UPLOADED_VARIANT - 1] + [a.variant for a in item.artworks]) + 1
    art = Artwork(
        variant=number,
        style=uploads.UPLOADED_STYLE,
        palette="",
        label=(label or "").strip() or f"Uploaded {number - uploads.FIRST_UPLOADED_VARIANT + 1}",
    )
    item.artworks.append(art)
    return art


def _store(item: Title, art: Artwork, prepared: dict[str, uploads.PreparedPicture]) -> None:
    """Write the files, then record them; files of replaced pictures go once that commits."""
    root = current_app.config["ARTWORK_UPLOAD_DIR"]
    current = {image.kind: image for image in art.images}
    written, replaced = [], []
    try:
        for kind, picture in prepared.items():
            old = current.get(kind)
            paths = uploads.write(root, item.id, art.variant, picture)
            if old is not None and old.digest == picture.digest:
                continue  # the same picture again: the files were its own already
            written += paths
            if old is None:
                art.images.append(
                    ArtworkImage(
                        kind=kind, width=picture.width, height=picture.height, digest=picture.digest
                    )
                )
            else:
                replaced += uploads.files_of(root, item.id, art.variant, kind, old.digest)
                old.width, old.height, old.digest = picture.width, picture.height, picture.digest
        send_catalog_changed()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        uploads.remove(written)
        raise
    uploads.remove(replaced)
