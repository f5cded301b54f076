"""Films and series, their people, genres, themes, seasons, episodes and artwork."""

from datetime import datetime
from typing import ClassVar

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Select,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import utcnow

title_genres = Table(
    "title_genres",
    db.metadata,
    Column("title_id", ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True),
    Column("genre_id", ForeignKey("genres.id", ondelete="CASCADE"), primary_key=True, index=True),
)

title_keywords = Table(
    "title_keywords",
    db.metadata,
    Column("title_id", ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "keyword_id", ForeignKey("keywords.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class SearchIndexed:
    """A catalog row whose text is part of titles' search documents.

    webapp.search.indexer hooks the session: before each commit it reindexes
    the titles that every such row added, changed or deleted names in
    `indexed_titles()`. SEARCH_COLUMNS are the columns whose change matters
    (None: any change, a collection included).
    """

    SEARCH_COLUMNS: ClassVar[tuple[str, ...] | None] = ("name",)

    def indexed_titles(self) -> Select | list[int]:
        """The titles whose search documents hold this row's text: ids, or a query of them."""
        raise NotImplementedError


class Genre(SearchIndexed, db.Model):
    __tablename__ = "genres"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)

    titles: Mapped[list["Title"]] = relationship(secondary=title_genres, back_populates="genres")

    def indexed_titles(self) -> Select:
        return select(title_genres.c.title_id).where(title_genres.c.genre_id == self.id)


class Keyword(SearchIndexed, db.Model):
    __tablename__ = "keywords"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True, index=True)

    titles: Mapped[list["Title"]] = relationship(
        secondary=title_keywords, back_populates="keywords"
    )

    def indexed_titles(self) -> Select:
        return select(title_keywords.c.title_id).where(title_keywords.c.keyword_id == self.id)


class Person(SearchIndexed, db.Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True, index=True)

    credits: Mapped[list["Credit"]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    def indexed_titles(self) -> Select:
        return select(Credit.title_id).where(Credit.person_id == self.id)


class Title(SearchIndexed, db.Model):
    __tablename__ = "titles"
    __table_args__ = (
        Index("ix_titles_maturity_age_added_at", "maturity_age", "added_at"),
        Index("ix_titles_external", "source", "external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)  # film | series
    name: Mapped[str] = mapped_column(String(200), index=True)
    slug: Mapped[str] = mapped_column(String(240), unique=True, index=True)
    year: Mapped[int | None]
    end_year: Mapped[int | None]
    runtime_minutes: Mapped[int | None]
    maturity_rating: Mapped[str] = mapped_column(String(10), default="NR")
    # Minimum viewer age implied by the rating: the one number visibility filters on.
    maturity_age: Mapped[int] = mapped_column(default=18)
    synopsis: Mapped[str] = mapped_column(Text, default="")
    mood: Mapped[str] = mapped_column(String(20), default="cool")
    # none | assisted | generated (webapp.catalog.ai_use); None until an admin answers.
    ai_use: Mapped[str | None] = mapped_column(String(10))
    # What AI did, in a sentence shown to viewers when AI was used.
    ai_use_note: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(
        String(20), default="admin"
    )  # demo | movielens | admin | csv
    external_id: Mapped[str | None] = mapped_column(String(40))
    added_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    genres: Mapped[list[Genre]] = relationship(
        secondary=title_genres, back_populates="titles", order_by=Genre.name
    )
    keywords: Mapped[list[Keyword]] = relationship(
        secondary=title_keywords, back_populates="titles", order_by=Keyword.name
    )
    credits: Mapped[list["Credit"]] = relationship(
        back_populates="title", cascade="all, delete-orphan", order_by="Credit.billing_order"
    )
    seasons: Mapped[list["Season"]] = relationship(
        back_populates="title", cascade="all, delete-orphan", order_by="Season.number"
    )
    artworks: Mapped[list["Artwork"]] = relationship(
        back_populates="title", cascade="all, delete-orphan", order_by="Artwork.variant"
    )

    SEARCH_COLUMNS = None

    def indexed_titles(self) -> list[int]:
        return [self.id]

    @property
    def is_series(self) -> bool:
        return self.kind == "series"

    def people_with_role(self, role: str) -> list["Person"]:
        return [c.person for c in self.credits if c.role == role]


class Credit(SearchIndexed, db.Model):
    __tablename__ = "credits"
    __table_args__ = (
        UniqueConstraint("title_id", "person_id", "role", name="uq_credits_title_person_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # cast | director | creator
    billing_order: Mapped[int] = mapped_column(default=0)
    character: Mapped[str | None] = mapped_column(String(120))

    title: Mapped[Title] = relationship(back_populates="credits")
    person: Mapped[Person] = relationship(back_populates="credits")

    SEARCH_COLUMNS = None

    def indexed_titles(self) -> list[int]:
        return [self.title_id]


class Season(db.Model):
    __tablename__ = "seasons"
    __table_args__ = (UniqueConstraint("title_id", "number", name="uq_seasons_title_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    name: Mapped[str | None] = mapped_column(String(120))

    title: Mapped[Title] = relationship(back_populates="seasons")
    episodes: Mapped[list["Episode"]] = relationship(
        back_populates="season", cascade="all, delete-orphan", order_by="Episode.number"
    )


class Episode(db.Model):
    __tablename__ = "episodes"
    __table_args__ = (UniqueConstraint("season_id", "number", name="uq_episodes_season_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), index=True)
    # Denormalised so that progress and events can find a series' episodes in one query.
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    # One line on what happens, shown under the name in the episode list.
    synopsis: Mapped[str] = mapped_column(Text, default="")
    runtime_minutes: Mapped[int] = mapped_column(default=30)

    season: Mapped[Season] = relationship(back_populates="episodes")
    series: Mapped[Title] = relationship(foreign_keys=[title_id])


class Artwork(db.Model):
    """One artwork variant of a title: the recipe the SVG generator draws from."""

    __tablename__ = "artworks"
    __table_args__ = (UniqueConstraint("title_id", "variant", name="uq_artworks_title_variant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"), index=True)
    variant: Mapped[int]
    style: Mapped[str] = mapped_column(String(20))  # typographic | spotlight | ensemble | ...
    palette: Mapped[str] = mapped_column(String(80))  # comma-separated hex colours
    label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    title: Mapped[Title] = relationship(back_populates="artworks")
    images: Mapped[list["ArtworkImage"]] = relationship(
        back_populates="artwork", cascade="all, delete-orphan", passive_deletes=True
    )


class ArtworkImage(db.Model):
    """An uploaded picture of an artwork variant: its poster, backdrop or title treatment.

    The files (each served size as WebP and JPEG, or PNG for a treatment) are
    named by `digest`, so a replaced picture gets new addresses.
    """

    __tablename__ = "artwork_images"
    __table_args__ = (UniqueConstraint("artwork_id", "kind", name="uq_artwork_images_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    artwork_id: Mapped[int] = mapped_column(
        ForeignKey("artworks.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))  # poster | backdrop | treatment
    width: Mapped[int]
    height: Mapped[int]
    digest: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    artwork: Mapped[Artwork] = relationship(back_populates="images")


class CatalogGeneration(db.Model):
    """One row whose number goes up in the transaction of every catalog edit.

    Each worker on each host compares it with the number its caches were built
    at (one primary-key read per request), so an edit reaches every cache.
    """

    __tablename__ = "catalog_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
