"""Browse pages: home, genres, films/series, title and person pages, and artwork (drawn and uploaded)."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.artwork import uploads
from webapp.artwork.cache import cached_svg
from webapp.artwork.recipes import STYLES, recipes_for
from webapp.artwork.svg import ArtSpec, url_version
from webapp.browse import bp, queries
from webapp.catalog.visibility import restrict
from webapp.extensions import db
from webapp.home.cards import showcase
from webapp.home.more_like_this import more_like_this
from webapp.home.page import KINDS, home_rows_html
from webapp.input_guard import page_arg
from webapp.models import Artwork, ArtworkImage, Genre, Person, Title
from webapp.profiles.current import load_current_profile, profile_required
from webapp.watch.resume import resume_target
from webapp.watch.viewer import viewer_state

GRID_PAGE_SIZE = 40
ART_MAX_AGE = 60 * 60 * 24 * 365
GENRE_SORT_LABELS = {"popular": "Popular", "newest": "Newest", "az": "A–Z"}
GENRE_KIND_LABELS = {None: "All", "film": "Films", "series": "Series"}


@bp.get("/browse/genres")
@profile_required
def genres():
    return render_template(
        "browse/genres.html", genres=queries.genres_with_counts(load_current_profile())
    )


@bp.get("/browse/genre/<slug>")
@profile_required
def genre(slug: str):
    """A paginated grid of one genre's titles: ?sort=popular|newest|az, ?kind=film|series.

    A sort or kind the page does not offer is ignored, as a hand-edited address
    deserves the page rather than an error; a page past the end is a 404.
    """
    genre = queries.genre_by_slug(slug)
    if genre is None:
        return _moved_or_404(Genre, slug, "browse.genre")
    sort = request.args.get("sort", "")
    sort = sort if sort in queries.GENRE_SORTS else queries.GENRE_SORTS[0]
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else None
    page = queries.genre_page(
        genre, load_current_profile(), sort, kind, page_arg(GRID_PAGE_SIZE), GRID_PAGE_SIZE
    )
    return render_template(
        "browse/genre.html",
        genre=genre,
        page=page,
        sort=sort,
        kind=kind,
        sorts=GENRE_SORT_LABELS,
        kinds=GENRE_KIND_LABELS,
    )


@bp.get("/browse/<kind>")
@profile_required
def kind(kind: str):
    """Films or series only, in rows planned and cached as the home page's are."""
    if kind not in KINDS:
        abort(404)
    rows_html = Markup(home_rows_html(load_current_profile(), kind))
    return render_template("browse/kind.html", kind=kind, rows_html=rows_html)


@bp.get("/title/<int:title_id>")
@bp.get("/title/<int:title_id>-<slug>")
@profile_required
def title(title_id: int, slug: str | None = None):
    """A title's page; any other slug redirects to the canonical address."""
    profile = load_current_profile()
    item = queries.title_or_404(title_id, profile)
    if slug != item.slug:
        return redirect(url_for("browse.title", title_id=item.id, slug=item.slug), 301)
    return render_template(
        "browse/title.html",
        title=item,
        viewer=viewer_state(profile, item),
        similar=more_like_this(item, profile),
        open_season=_open_season(profile, item),
        art=showcase(item.id),
        cast=[c for c in item.credits if c.role == "cast"],
        directors=[c.person for c in item.credits if c.role == "director"],
        creators=[c.person for c in item.credits if c.role == "creator"],
    )


@bp.get("/person/<slug>")
@profile_required
def person(slug: str):
    person = queries.person_by_slug(slug)
    if person is None:
        return _moved_or_404(Person, slug, "browse.person")
    entries = queries.filmography_or_404(person, load_current_profile())
    roles = list(dict.fromkeys(role for entry in entries for role in entry.roles))
    return render_template("browse/person.html", person=person, entries=entries, roles=roles)


@bp.get("/artwork/<int:title_id>/<int:variant>/<any(poster, backdrop):shape>.svg")
def artwork(title_id: int, variant: int, shape: str):
    """A drawn poster or backdrop, cached on disk and in the browser."""
    if not current_user.is_authenticated:
        abort(404)
    query = select(Title).where(Title.id == title_id).options(selectinload(Title.artworks))
    item = db.session.scalar(restrict(query, load_current_profile()))
    if item is None or not 0 <= variant < 100:
        abort(404)
    spec = _art_spec(item, variant)
    data, key = cached_svg(current_app.config["ARTWORK_CACHE_DIR"], spec, shape)
    response = current_app.response_class(data, mimetype="image/svg+xml")
    response.set_etag(key)
    # Versioned URLs (the ?v= the templates add) never change; others revalidate daily.
    fresh = request.args.get("v") == url_version(item, variant)
    response.cache_control.private = True
    response.cache_control.max_age = ART_MAX_AGE if fresh else 60 * 60 * 24
    if fresh:
        response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response.make_conditional(request)


@bp.get(
    "/artwork/<int:title_id>/<int:variant>/<any(poster, backdrop, treatment):kind>"
    "-<int:width>.<any(webp, jpg, png):ext>"
)
def uploaded_artwork(title_id: int, variant: int, kind: str, width: int, ext: str):
    """An uploaded picture at one served size, for those who may see the title."""
    if not current_user.is_authenticated:
        abort(404)
    shape = uploads.SHAPES[kind]
    if width not in shape.widths or ext not in ("webp", shape.fallback):
        abort(404)
    query = (
        select(ArtworkImage.digest)
        .join(ArtworkImage.artwork)
        .join(Title, Title.id == Artwork.title_id)
        .where(Title.id == title_id, Artwork.variant == variant, ArtworkImage.kind == kind)
    )
    digest = db.session.scalar(restrict(query, load_current_profile()))
    if digest is None:
        abort(404)
    path = uploads.file_path(
        current_app.config["ARTWORK_UPLOAD_DIR"], title_id, variant, kind, digest, f"{width}.{ext}"
    )
    try:
        data = path.read_bytes()  # a few hundred KB at most: the served sizes are small
    except OSError:
        abort(404)
    response = current_app.response_class(data, mimetype=uploads.MIMETYPES[ext])
    response.set_etag(digest)
    # The address names the picture by its digest: the same ?v= never changes.
    fresh = request.args.get("v") == digest
    response.cache_control.private = True
    response.cache_control.max_age = ART_MAX_AGE if fresh else 60 * 60 * 24
    if fresh:
        response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)


def _art_spec(item: Title, variant: int) -> ArtSpec:
    """The stored recipe for this variant, else one made from the title's genres."""
    art = next((a for a in item.artworks if a.variant == variant), None)
    if art is not None:
        style, palette = art.style, art.palette
    elif variant < len(STYLES):
        recipe = recipes_for(item.name, [g.name for g in item.genres], item.mood)[variant]
        style, palette = recipe["style"], recipe["palette"]
    else:
        abort(404)
    return ArtSpec.build(item.id, variant, item.name, item.year, style, palette, item.kind)


def _moved_or_404(model, slug: str, endpoint: str):
    """A permanent redirect from a slug renamed away to the current one, else 404."""
    now = queries.current_slug(model, slug)
    if now is None:
        abort(404)
    # The query (a genre's sort and kind) comes along; url_for's own arguments never do.
    query = {k: v for k, v in request.args.items() if k != "slug" and not k.startswith("_")}
    return redirect(url_for(endpoint, **query, slug=now), 301)


def _open_season(profile, item: Title) -> int | None:
    """The season whose episodes the page shows open: where this profile resumes, else the first."""
    if not item.is_series or not item.seasons:
        return None
    target = resume_target(profile, item)
    return target.episode.season if target is not None else item.seasons[0].number
