"""Former slugs of people and genres, so that addresses made before a rename still work.

Person and genre pages are addressed by slug alone; renaming one changes its
slug. A flush that changes such a slug records the old one here, whatever path
made the change (admin form, CLI, import), and the pages redirect an old slug
to the current one. A slug in use now always wins over a former one. Title
addresses carry the title's id, so they redirect without this table.
"""

from datetime import datetime

from sqlalchemy import Index, String, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from webapp.extensions import db
from webapp.models.base import utcnow
from webapp.models.catalog import Genre, Person

SLUGGED = {Person: "person", Genre: "genre"}


class SlugHistory(db.Model):
    """One slug a person or genre had before; the newest row for a slug wins."""

    __tablename__ = "slug_history"
    __table_args__ = (Index("ix_slug_history_kind_slug", "kind", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # person | genre
    slug: Mapped[str] = mapped_column(String(240))
    # No foreign key: the target is a person or a genre. A deleted target leaves a
    # row that leads nowhere, which the lookup treats as unknown.
    target_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@event.listens_for(Session, "before_flush")
def _record_former_slugs(session: Session, _context, _instances) -> None:
    """Keep the old slug of every person or genre whose slug this flush changes."""
    for obj in list(session.dirty):
        kind = SLUGGED.get(type(obj))
        if kind is None:
            continue
        history = inspect(obj).attrs.slug.history
        if not history.deleted or not history.added:
            continue
        old, new = history.deleted[0], history.added[0]
        if old and old != new:
            session.add(SlugHistory(kind=kind, slug=old, target_id=obj.id))
