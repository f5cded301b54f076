"""Changing titles from the admin forms without losing what the form does not show.

New titles go through `Catalog().create_title`. Edits change the scalar fields,
genres and keywords in place (so credits, seasons, episodes and everyone's
viewing history stay attached) and keep the derived values in step: the
maturity age and the artwork variants' palettes.
"""

from sqlalchemy import select

from webapp.admin.forms import TitleForm
from webapp.admin.names import canonical_keywords
from webapp.artwork.recipes import recipes_for
from webapp.catalog.maturity import rating_age
from webapp.catalog.service import Catalog, TitleSpec, slugify
from webapp.extensions import db
from webapp.models import Artwork, Credit, Episode, Genre, Season, Title


def _genre_names(ids: list[int]) -> list[str]:
    if not ids:
        return []
    by_id = {g.id: g.name for g in db.session.scalars(select(Genre).where(Genre.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def create_from_form(form: TitleForm) -> Title:
    """A new title from the form, through the catalog service (not committed)."""
    kind = form.kind.data
    spec = TitleSpec(
        kind=kind,
        name=form.name.data,
        year=form.year.data,
        end_year=form.end_year.data if kind == "series" else None,
        runtime_minutes=form.runtime_minutes.data if kind == "film" else None,
        maturity_rating=form.maturity_rating.data,
        genres=_genre_names(form.genres.data or []),
        keywords=canonical_keywords(form.keyword_list()),
        synopsis=form.synopsis.data or "",
        mood=form.mood.data,
        ai_use=form.ai_use.data,
        ai_use_note=form.ai_use_note.data or "",
        source="admin",
    )
    return Catalog().create_title(spec)


def update_from_form(title: Title, form: TitleForm) -> None:
    """Apply the form's fields to a title; credits and seasons are left as they are."""
    kind = form.kind.data
    catalog = Catalog()
    if slugify(form.name.data) != slugify(title.name):
        # A renamed title reads right in its address; links to the old one still
        # reach it, because title addresses carry the id.
        title.slug = catalog.unique_slug(form.name.data, form.year.data)
    title.kind = kind
    title.name = form.name.data
    title.year = form.year.data
    title.end_year = form.end_year.data if kind == "series" else None
    title.runtime_minutes = form.runtime_minutes.data if kind == "film" else None
    title.maturity_rating = form.maturity_rating.data
    title.maturity_age = rating_age(title.maturity_rating)
    title.synopsis = form.synopsis.data or ""
    title.mood = form.mood.data
    title.ai_use = form.ai_use.data
    title.ai_use_note = form.ai_use_note.data or ""
    ids = form.genres.data or []
    title.genres = list(db.session.scalars(select(Genre).where(Genre.id.in_(ids)))) if ids else []
    title.keywords = [catalog.keyword(word) for word in canonical_keywords(form.keyword_list())]
    refresh_artwork(title)


def refresh_artwork(title: Title) -> None:
    """Recompute each artwork variant's recipe from the current name, genres and mood."""
    recipes = recipes_for(title.name, [g.name for g in title.genres], title.mood)
    existing = {art.variant: art for art in title.artworks}
    for recipe in recipes:
        art = existing.get(recipe["variant"])
        if art is None:
            title.artworks.append(Artwork(**recipe))
        else:
            art.style, art.palette, art.label = recipe["style"], recipe["palette"], recipe["label"]


# -- credits ----------------------------------------------------------------------------------


def ordered_credits(title: Title) -> list[Credit]:
    return sorted(title.credits, key=lambda c: (c.billing_order, c.id or 0))


def _renumber(credits: list[Credit]) -> None:
    for position, credit in enumerate(credits):
        credit.billing_order = position


def add_credit(
    title: Title, person_name: str, role: str, character: str | None, billing: int | None
) -> Credit | None:
    """Credit a person (created if new) at a billing position; None if already credited so."""
    person = Catalog().person(person_name)
    if person.id is not None and any(
        c.person_id == person.id and c.role == role for c in title.credits
    ):
        return None
    credits = ordered_credits(title)
    credit = Credit(person=person, role=role, character=character or None)
    position = len(credits) if billing is None else min(billing, len(credits))
    credits.insert(position, credit)
    title.credits.append(credit)
    _renumber(credits)
    return credit


def move_credit(title: Title, credit: Credit, step: int) -> bool:
    """Swap a credit with its neighbour of the same role (step -1 up, +1 down)."""
    credits = ordered_credits(title)
    same_role = [c for c in credits if c.role == credit.role]
    index = same_role.index(credit)
    target = index + step
    if not 0 <= target < len(same_role):
        return False
    a, b = credits.index(credit), credits.index(same_role[target])
    credits[a], credits[b] = credits[b], credits[a]
    _renumber(credits)
    return True


def remove_credit(title: Title, credit: Credit) -> None:
    title.credits.remove(credit)
    _renumber(ordered_credits(title))


# -- seasons and episodes ----------------------------------------------------------------------


def next_number(numbers) -> int:
    return max(numbers, default=0) + 1


def add_season(title: Title, number: int, episodes: int, runtime: int | None) -> Season:
    """A new season, optionally with numbered placeholder episodes."""
    season = Season(number=number)
    for n in range(1, episodes + 1):
        season.episodes.append(
            Episode(
                number=n,
                name=f"Episode {n}",
                runtime_minutes=runtime or title.runtime_minutes or 30,
                series=title,
            )
        )
    title.seasons.append(season)
    return season
