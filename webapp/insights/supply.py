"""Supply versus demand: where viewing outgrows the catalog, and what searches miss.

A group's gap is its share of viewing hours divided by its share of the
catalog: 2.0 means its titles draw twice the hours their number suggests.
Failed searches are queries that found nothing, and queries that found
titles but were not followed by any play within PLAY_WITHIN.
"""

from dataclasses import dataclass

import numpy as np
from sqlalchemy import and_, distinct, exists, func, select
from sqlalchemy.orm import aliased

from webapp.activity.vocabulary import PLAY_START, SEARCH
from webapp.catalog.ai_use import DISCLOSED
from webapp.insights.demand import group_rows, membership
from webapp.insights.log_records import PLAY_WITHIN
from webapp.insights.logview import LogView
from webapp.insights.stats import share
from webapp.models import Event


@dataclass
class SupplyRow:
    name: str
    titles: int
    catalog_share: float
    hours: float
    hours_share: float
    hours_per_title: float
    gap: float | None


@dataclass
class SearchGap:
    query: str
    searches: int
    profiles: int


@dataclass
class AiShare:
    titles: int
    catalog_share: float
    impressions_share: float
    hours_share: float


@dataclass
class SupplyReport:
    start: str
    end: str
    catalog_titles: int
    genres: list[SupplyRow]
    themes: list[SupplyRow]
    zero_result_searches: list[SearchGap]
    unwatched_searches: list[SearchGap]
    ai_use: dict[str, AiShare]  # "assisted" and "generated"


def supply_rows(log: LogView, by: str) -> list[SupplyRow]:
    """Catalog share against hours share for each genre or theme, biggest gap first."""
    names, matrix = membership(log, by)
    n = len(log.catalog.ids)
    out = []
    for row in group_rows(log, names, matrix):
        if row.titles == 0:
            continue
        catalog_share = share(row.titles, n)
        out.append(
            SupplyRow(
                name=row.name,
                titles=row.titles,
                catalog_share=catalog_share,
                hours=row.hours,
                hours_share=row.hours_share,
                hours_per_title=row.hours / row.titles,
                gap=row.hours_share / catalog_share if catalog_share else None,
            )
        )
    return sorted(out, key=lambda r: -(r.gap or 0.0))


def _normalized_query():
    return func.lower(func.trim(Event.text))


def zero_result_searches(log: LogView, limit: int = 30) -> list[SearchGap]:
    """Queries that found nothing, most asked first."""
    query = _normalized_query()
    rows = log.session.execute(
        select(query, func.count(), func.count(distinct(Event.profile_id)))
        .where(Event.type == SEARCH, log.in_window(), Event.value == 0, Event.text.is_not(None))
        .group_by(query)
        .order_by(func.count().desc(), query)
        .limit(limit)
    ).all()
    return [SearchGap(q, n, p) for q, n, p in rows if q]


def unwatched_searches(log: LogView, limit: int = 30) -> list[SearchGap]:
    """Queries that found titles but led to no play within PLAY_WITHIN."""
    play = aliased(Event, name="play")
    followed = exists().where(
        and_(
            play.profile_id == Event.profile_id,
            play.type == PLAY_START,
            play.occurred_at >= Event.occurred_at,
            play.occurred_at <= log.shifted(Event.occurred_at, PLAY_WITHIN),
        )
    )
    query = _normalized_query()
    rows = log.session.execute(
        select(query, func.count(), func.count(distinct(Event.profile_id)))
        .where(
            Event.type == SEARCH,
            log.in_window(),
            Event.value > 0,
            Event.text.is_not(None),
            ~followed,
        )
        .group_by(query)
        .order_by(func.count().desc(), query)
        .limit(limit)
    ).all()
    return [SearchGap(q, n, p) for q, n, p in rows if q]


def ai_shares(log: LogView) -> dict[str, AiShare]:
    """For AI-assisted and AI-generated titles: how much of the catalog, of what is shown
    and of what is watched they are."""
    cat, s = log.catalog, log.sittings
    titles, shown = log.impressions_by_title
    out = {}
    for level in DISCLOSED:
        ai_ids = cat.ids[cat.ai_use == level]
        hours_ai = float(s.watched[np.isin(s.title, ai_ids)].sum())
        shown_ai = float(shown[np.isin(titles, ai_ids)].sum())
        out[level] = AiShare(
            titles=int(ai_ids.size),
            catalog_share=share(ai_ids.size, len(cat.ids)),
            impressions_share=share(shown_ai, shown.sum()),
            hours_share=share(hours_ai, s.watched.sum()),
        )
    return out


def supply_report(log: LogView, top_themes: int = 30) -> SupplyReport:
    themes = [r for r in supply_rows(log, "theme") if r.titles >= 2]
    themes = sorted(themes, key=lambda r: -r.hours)[:top_themes]
    return SupplyReport(
        start=log.start.isoformat(),
        end=log.end.isoformat(),
        catalog_titles=len(log.catalog.ids),
        genres=supply_rows(log, "genre"),
        themes=sorted(themes, key=lambda r: -(r.gap or 0.0)),
        zero_result_searches=zero_result_searches(log),
        unwatched_searches=unwatched_searches(log),
        ai_use=ai_shares(log),
    )
