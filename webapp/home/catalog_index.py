"""An in-memory index of the catalog for building rows without scanning tables.

Each worker keeps it in its per-app catalog cache (webapp.caching), so it is
built again on the first request after any catalog edit, import or deletion.
"""

import re
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select

from webapp.caching import catalog_caches
from webapp.catalog.ai_use import GENERATED
from webapp.catalog.visibility import visible_mask
from webapp.extensions import db
from webapp.home.themes import THEMES
from webapp.models import (
    Artwork,
    ArtworkImage,
    Credit,
    Genre,
    Keyword,
    Person,
    Title,
    title_genres,
    title_keywords,
)

NEW_WINDOW_TITLES = 60

_SEQUEL = re.compile(r"(\s*[:\-–].*$)|(\s+(part\s+)?([0-9]+|ii|iii|iv|v|vi)\b.*$)", re.IGNORECASE)


def franchise_key(name: str) -> str:
    """'Toy Story 3' and 'Toy Story' share a key; used to keep rows varied."""
    base = _SEQUEL.sub("", name.strip().lower())
    return re.sub(r"^(the|a|an)\s+", "", base) or name.lower()


@dataclass
class CatalogIndex:
    ids: np.ndarray  # sorted title ids
    maturity: np.ndarray  # minimum age, parallel to ids
    generated: np.ndarray  # AI-generated or not, parallel to ids
    kind: dict[int, str]
    genres: dict[int, tuple[str, ...]]
    keywords: dict[int, frozenset[str]]
    directors: dict[int, tuple[str, ...]]
    franchise: dict[int, str]
    newest: list[int]  # most recently added first
    genre_slugs: dict[str, str]
    max_id: int
    films: frozenset[int] = frozenset()
    artwork: dict[int, list[tuple[int, str]]] = field(
        default_factory=dict
    )  # title -> [(variant, style)]
    themes: dict[int, frozenset[str]] = field(default_factory=dict)  # title -> keys of its THEMES
    # (title, uploaded variant) -> {kind: digest} of its uploaded pictures
    uploads: dict[tuple[int, int], dict[str, str]] = field(default_factory=dict)
    built_at: float = field(default_factory=time.monotonic)

    def allowed(self, profile) -> np.ndarray:
        """Ids this profile may see: the visibility rule, vectorised."""
        return self.ids[visible_mask(self.maturity, self.generated, profile)]

    def with_genre(self, genre: str, allowed: set[int]) -> list[int]:
        return [t for t in self.ids.tolist() if t in allowed and genre in self.genres.get(t, ())]


def _build() -> CatalogIndex:
    rows = db.session.execute(
        select(Title.id, Title.maturity_age, Title.kind, Title.name, Title.ai_use).order_by(
            Title.id
        )
    ).all()
    genres, keywords, directors = defaultdict(list), defaultdict(set), defaultdict(list)
    slugs = {}
    for title_id, name, slug in db.session.execute(
        select(title_genres.c.title_id, Genre.name, Genre.slug).join(Genre)
    ):
        genres[title_id].append(name)
        slugs[name] = slug
    for title_id, name in db.session.execute(
        select(title_keywords.c.title_id, Keyword.name).join(Keyword)
    ):
        keywords[title_id].add(name)
    for title_id, name in db.session.execute(
        select(Credit.title_id, Person.name).join(Person).where(Credit.role == "director")
    ):
        directors[title_id].append(name)
    artwork = {}
    for title_id, variant, style in db.session.execute(
        select(Artwork.title_id, Artwork.variant, Artwork.style).order_by(
            Artwork.title_id, Artwork.variant
        )
    ):
        artwork.setdefault(title_id, []).append((variant, style))
    uploads: dict[tuple[int, int], dict[str, str]] = {}
    for title_id, variant, kind, digest in db.session.execute(
        select(Artwork.title_id, Artwork.variant, ArtworkImage.kind, ArtworkImage.digest).join(
            ArtworkImage.artwork
        )
    ):
        uploads.setdefault((title_id, variant), {})[kind] = digest
    newest = list(
        db.session.scalars(
            select(Title.id)
            .order_by(Title.added_at.desc(), Title.id.desc())
            .limit(NEW_WINDOW_TITLES)
        )
    )
    ids = np.array([r.id for r in rows], dtype=np.int64)
    genre_names = {t: tuple(sorted(g)) for t, g in genres.items()}
    keyword_names = {t: frozenset(k) for t, k in keywords.items()}
    return CatalogIndex(
        ids=ids,
        maturity=np.array([r.maturity_age for r in rows], dtype=np.int16),
        generated=np.array([r.ai_use == GENERATED for r in rows], dtype=bool),
        kind={r.id: r.kind for r in rows},
        genres=genre_names,
        keywords=keyword_names,
        directors={t: tuple(d) for t, d in directors.items()},
        franchise={r.id: franchise_key(r.name) for r in rows},
        newest=newest,
        genre_slugs=slugs,
        max_id=int(ids.max()) if len(ids) else 0,
        films=frozenset(r.id for r in rows if r.kind == "film"),
        artwork=artwork,
        themes=_themes(genre_names, keyword_names),
        uploads=uploads,
    )


def _themes(genres: dict[int, tuple[str, ...]], keywords: dict[int, frozenset[str]]):
    """Which theme rows each title belongs in, decided once per index rather than per page."""
    out = {}
    for title_id, names in genres.items():
        words = keywords.get(title_id, frozenset())
        matched = frozenset(theme.key for theme in THEMES if theme.matches(names, words))
        if matched:
            out[title_id] = matched
    return out


def catalog_index() -> CatalogIndex:
    """The index of this app's catalog as of its last change."""
    caches = catalog_caches()
    return caches.get_or_build(caches.catalog, "index", _build)
