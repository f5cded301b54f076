"""Creating and updating catalog entries: the one path used by the admin forms,
CSV import, the demo seed and the MovieLens importer.

A `Catalog` instance caches genres, keywords and people by name so that bulk
loads do not query once per credit.
"""

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select

from webapp.artwork.recipes import recipes_for
from webapp.catalog.maturity import rating_age
from webapp.extensions import db
from webapp.models import Artwork, Credit, Episode, Genre, Keyword, Person, Season, Title


def slugify(text: str) -> str:
    """ASCII, lowercase, hyphenated; never empty."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:200] or "untitled"


CAST_ENTRY = re.compile(r"^(?P<name>.*?)\s*\((?P<character>[^()]+)\)$")


def cast_entry(entry: str) -> tuple[str, str | None]:
    """A cast entry as written in catalog files and CSV: "Name" or "Name (Character)"."""
    match = CAST_ENTRY.match(" ".join((entry or "").split()))
    if match is None or not match["name"]:
        return " ".join((entry or "").split()), None
    return match["name"], match["character"].strip() or None


@dataclass
class SeasonSpec:
    number: int
    episodes: list[tuple[str, int]]  # (episode name, runtime minutes), in order
    synopses: list[str] = field(default_factory=list)  # one line per episode, when known


@dataclass
class TitleSpec:
    """Everything that describes a title, as plain values."""

    kind: str
    name: str
    year: int | None = None
    end_year: int | None = None
    runtime_minutes: int | None = None
    maturity_rating: str = "NR"
    genres: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)
    creators: list[str] = field(default_factory=list)
    cast: list[str] = field(default_factory=list)
    # Who each cast member plays, by their name as in `cast`, where the source says.
    characters: dict[str, str] = field(default_factory=dict)
    synopsis: str = ""
    mood: str = "cool"
    ai_use: str | None = None  # webapp.catalog.ai_use; None: not answered yet
    ai_use_note: str = ""
    source: str = "admin"
    external_id: str | None = None
    seasons: list[SeasonSpec] = field(default_factory=list)


class Catalog:
    """Get-or-create for the named things a title refers to, cached for bulk work."""

    def __init__(self) -> None:
        self._genres: dict[str, Genre] = {}
        self._keywords: dict[str, Keyword] = {}
        self._people: dict[str, Person] = {}
        self._slugs: set[str] | None = None

    def genre(self, name: str) -> Genre:
        name = name.strip()
        if name not in self._genres:
            found = db.session.scalar(select(Genre).where(Genre.name == name))
            if found is None:
                found = Genre(name=name, slug=slugify(name))
                db.session.add(found)
            self._genres[name] = found
        return self._genres[name]

    def keyword(self, name: str) -> Keyword:
        name = name.strip().lower()
        if name not in self._keywords:
            found = db.session.scalar(select(Keyword).where(Keyword.name == name))
            if found is None:
                found = Keyword(name=name, slug=slugify(name))
                db.session.add(found)
            self._keywords[name] = found
        return self._keywords[name]

    def person(self, name: str) -> Person:
        name = " ".join(name.split())
        slug = slugify(name)
        if slug not in self._people:
            found = db.session.scalar(select(Person).where(Person.slug == slug))
            if found is None:
                found = Person(name=name, slug=slug)
                db.session.add(found)
            self._people[slug] = found
        return self._people[slug]

    def unique_slug(self, name: str, year: int | None) -> str:
        """A title slug not yet used: name, then name-year, then a counter."""
        if self._slugs is None:
            self._slugs = set(db.session.scalars(select(Title.slug)))
        base = slugify(name)
        first = [base, f"{base}-{year}"] if year else [base]
        for slug in itertools.chain(first, (f"{base}-{n}" for n in range(2, 10_000))):
            if slug not in self._slugs:
                self._slugs.add(slug)
                return slug
        raise ValueError(f"no free slug for {name!r}")

    def create_title(self, spec: TitleSpec) -> Title:
        """Add a title with its genres, themes, credits, seasons and artwork (not committed)."""
        title = Title(kind=spec.kind, slug=self.unique_slug(spec.name, spec.year))
        db.session.add(title)
        self.apply(title, spec)
        for recipe in recipes_for(spec.name, spec.genres, spec.mood):
            title.artworks.append(Artwork(**recipe))
        return title

    def apply(self, title: Title, spec: TitleSpec) -> Title:
        """Overwrite a title's fields and relations from a spec."""
        title.kind = spec.kind
        title.name = spec.name.strip()
        title.year = spec.year
        title.end_year = spec.end_year
        title.runtime_minutes = spec.runtime_minutes if spec.kind == "film" else None
        title.maturity_rating = (spec.maturity_rating or "NR").upper()
        title.maturity_age = rating_age(title.maturity_rating)
        title.synopsis = spec.synopsis.strip()
        title.mood = spec.mood or "cool"
        title.ai_use = spec.ai_use
        title.ai_use_note = (spec.ai_use_note or "").strip()
        title.source = spec.source
        title.external_id = spec.external_id
        title.genres = _unique([self.genre(g) for g in spec.genres if g.strip()])
        title.keywords = _unique([self.keyword(k) for k in spec.keywords if k.strip()])
        title.credits = []
        order = 0
        for role, names in (
            ("director", spec.directors),
            ("creator", spec.creators),
            ("cast", spec.cast),
        ):
            seen = set()
            for name in names:
                if not name.strip():
                    continue
                person = self.person(name)
                if person.slug in seen:
                    continue
                seen.add(person.slug)
                character = spec.characters.get(name) if role == "cast" else None
                title.credits.append(
                    Credit(person=person, role=role, billing_order=order, character=character)
                )
                order += 1
        if spec.kind == "series" and spec.seasons:
            title.seasons = []
            for season_spec in spec.seasons:
                season = Season(number=season_spec.number)
                lines = season_spec.synopses
                for number, (episode_name, runtime) in enumerate(season_spec.episodes, start=1):
                    season.episodes.append(
                        Episode(
                            number=number,
                            name=episode_name,
                            synopsis=lines[number - 1] if number <= len(lines) else "",
                            runtime_minutes=runtime,
                            series=title,
                        )
                    )
                title.seasons.append(season)
        return title


def _unique(items: list) -> list:
    seen, result = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            result.append(item)
    return result
