"""Committing admin changes when a unique rule may still be hit by a concurrent edit."""

from sqlalchemy.exc import IntegrityError

from webapp.extensions import db

CONFLICT = "That clashes with an entry saved a moment ago. Reload the page and try again."


def commit() -> bool:
    """Commit; on a unique or foreign-key clash roll back and return False."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True
