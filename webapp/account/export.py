"""Everything Marquee holds about an account, as one JSON document."""

from datetime import datetime

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    Account,
    EpisodeProgress,
    Event,
    ListItem,
    Profile,
    Rating,
    Title,
    WatchState,
)

EVENT_COLUMNS = [c for c in Event.__table__.columns if c.key != "profile_id"]
PROFILE_FIELDS = (
    "id",
    "name",
    "avatar_color",
    "maturity_limit",
    "is_kids",
    "history_paused",
    "onboarded",
    "created_at",
)


def _plain(value):
    return value.isoformat() + "Z" if isinstance(value, datetime) else value


def _rows(stmt) -> list[dict]:
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in db.session.execute(stmt)]


def _columns(model, *skip):
    return [c for c in model.__table__.columns if c.key not in skip]


def export_account(account: Account) -> dict:
    """The account, its profiles and, per profile, every event and current-state row."""
    profiles = db.session.scalars(
        select(Profile).where(Profile.account_id == account.id).order_by(Profile.id)
    ).all()
    title_ids: set[int] = set()
    documents = []
    for profile in profiles:
        doc = {
            "profile": {k: _plain(getattr(profile, k)) for k in PROFILE_FIELDS}
            | {"has_pin": profile.has_pin},
            "ratings": _rows(
                select(*_columns(Rating, "profile_id")).where(Rating.profile_id == profile.id)
            ),
            "my_list": _rows(
                select(*_columns(ListItem, "profile_id")).where(ListItem.profile_id == profile.id)
            ),
            "watch_states": _rows(
                select(*_columns(WatchState, "profile_id")).where(
                    WatchState.profile_id == profile.id
                )
            ),
            "episode_progress": _rows(
                select(*_columns(EpisodeProgress, "profile_id")).where(
                    EpisodeProgress.profile_id == profile.id
                )
            ),
            "events": _rows(
                select(*EVENT_COLUMNS).where(Event.profile_id == profile.id).order_by(Event.id)
            ),
        }
        for key in ("ratings", "my_list", "watch_states", "events"):
            title_ids.update(r["title_id"] for r in doc[key] if r.get("title_id"))
        documents.append(doc)
    names = (
        dict(db.session.execute(select(Title.id, Title.name).where(Title.id.in_(title_ids))).all())
        if title_ids
        else {}
    )
    return {
        "format": "marquee-account-export/1",
        "account": {
            "id": account.id,
            "email": account.email,
            "is_admin": account.is_admin,
            "created_at": _plain(account.created_at),
        },
        "profiles": documents,
        "titles": {str(k): v for k, v in sorted(names.items())},
    }
