"""Time of day and device on the home page: Top Picks ordered for when and where the profile watches.

When the served model version's context decision is on and the profile's
log shows a context pattern, `recommend` widens Top Picks' pool to the
context model's candidates, re-ranks it for the request's local hour,
weekday and device class (`recommender.context`, the context passed as
arguments), gives each title the context lifted a reason in words, and
offers the lifted titles Top Picks does not lead with as a row of their own
("Tonight on your phone"). For every other profile, and whenever the
decision is off, Top Picks is exactly what it is without context.

`situation` reads the request once: the `tz` cookie the site's script sets,
else the household's last known zone (kept on the account when a browser
sends a new one), else UTC. `cache_part` is what the page cache key needs:
the coarse context cell, and only for the profiles context changes.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from recommender.context import cell_key, context_cells, reason_text
from webapp.extensions import db
from webapp.home.fill import MAX_ROW, MIN_ROW
from webapp.home.types import PlannedRow
from webapp.models import Account, Profile
from webapp.recommendations.request_context import RequestContext, cookie_zone, request_context

# Just below Top Picks and above "Because you watched".
ROW_RELEVANCE = 8.6
DEVICE_PLACES = {
    "tv": "on the TV",
    "desktop": "on your computer",
    "mobile": "on your phone",
    "tablet": "on your tablet",
}
WEEKDAY_WHEN = {
    "morning": "This morning",
    "afternoon": "This afternoon",
    "evening": "This evening",
    "night": "Tonight",
}


def now() -> datetime:
    """The current time (UTC); tests replace it to stand at a chosen hour."""
    return datetime.now(UTC)


def situation(profile: Profile) -> RequestContext | None:
    """The request's local hour, weekday and device class; None outside a request.

    A zone the browser sends that differs from the household's stored one is
    stored (on a connection of its own, so the page's loaded rows stay valid).
    """
    if not has_request_context():
        return None
    account = profile.account
    sent = cookie_zone(request)
    if sent is not None and sent != account.time_zone:
        with db.engine.begin() as connection:
            connection.execute(
                update(Account).where(Account.id == account.id).values(time_zone=sent)
            )
        set_committed_value(account, "time_zone", sent)
    return request_context(request, now=now(), last_known=account.time_zone)


def active(model, profile_id: int, where: RequestContext | None):
    """The served version's context model when it is on and re-ranks this profile, else None."""
    context = getattr(model, "context", None)
    if where is None or context is None or not context.enabled:
        return None
    return context if context.has_pattern(profile_id) else None


def _cell(where: RequestContext) -> int:
    return int(context_cells([where.hour], [where.weekday], [where.device_class])[0])


def cache_part(model, profile_id: int, where: RequestContext | None) -> str | None:
    """The page cache key's context: "weekend-morning-tv" where context changes the page, else None."""
    if active(model, profile_id, where) is None:
        return None
    cell = _cell(where)
    return cell_key(cell) if cell >= 0 else None


def reason_words(key: str) -> str:
    """'weekend-morning-tv' -> 'Popular with you on weekend mornings on the TV'."""
    return f"Popular with you on {reason_text(key)}"


def row_name(where: RequestContext) -> str:
    """'Weekend morning picks on the TV', 'Tonight on your phone'."""
    place = DEVICE_PLACES[where.device_class]
    if where.weekend:
        return f"Weekend {where.daypart} picks {place}"
    return f"{WEEKDAY_WHEN[where.daypart]} {place}"


@dataclass
class Picks:
    """Top Picks' pool, best first for this context, and what the context adds to the page."""

    picks: list  # Recommendation values
    reasons: dict[int, str] = field(default_factory=dict)  # lifted title -> its reason
    rows: list[PlannedRow] = field(default_factory=list)


def recommend(model, profile_id: int, where, history, *, k: int, exclude, allowed, card) -> Picks:
    """Top Picks' pool of ``k`` for a history, re-ranked for the request's context when it is on.

    ``card(title_id, reason)`` makes a card of the context row.
    """
    context = active(model, profile_id, where)
    if context is None:
        return Picks(model.recommend_for_history(history, k=k, exclude=exclude, allowed=allowed))
    # The wider pool is scored without reasons: only the picks kept below get them.
    pool_ids, pool_scores = model.scores_for_history(
        history, k=max(k, context.top_n), exclude=exclude, allowed=allowed
    )
    ids, scores, keys = context.rerank(
        profile_id, pool_ids, pool_scores, where.hour, where.weekday, where.device_class
    )
    ranked = model.explain_for_history(history, ids[:k], scores[:k])
    reasons = {t: reason_words(key) for t, key in zip(ids.tolist(), keys, strict=True) if key}
    # The row shows what the context lifted beyond what Top Picks leads with.
    later = [t for t in ids.tolist()[MAX_ROW:] if t in reasons]
    rows = []
    if len(later) >= MIN_ROW:
        rows.append(
            PlannedRow(
                f"context-{cell_key(_cell(where))}",
                row_name(where),
                [card(t, reasons[t]) for t in later],
                relevance=ROW_RELEVANCE,
                kind="context",
            )
        )
    return Picks(ranked, reasons, rows)
