"""Exposure: who gets shown, against what the catalog holds and what viewers watch.

- Popularity deciles rank catalog titles by distinct viewers in the window
  (decile 1 = the most watched tenth); each decile's share of impressions is
  set against its share of the catalog (10 %) and of viewing (viewer-title
  pairs).
- Genres: share of impressions against share of catalog titles and of hours
  (a title counts for each of its genres; shares are of the totals).
- Coverage: catalog titles shown at least once / catalog titles.
- Gini of exposure over all catalog titles' impressions (0 = even).
- Intra-list diversity: mean pairwise Jaccard distance of genre sets within a
  row as one profile saw it (profile, session, row), over the most recent
  LIST_SAMPLE impressions.
- Novelty: mean self-information -log2((viewers + 1) / (profiles + 1)) of
  the titles shown in that sample.
"""

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from webapp.activity.vocabulary import IMPRESSION
from webapp.insights.logview import LogView
from webapp.insights.stats import gini, share
from webapp.insights.supply import AiShare, ai_shares
from webapp.models import Event

LIST_SAMPLE = 50_000


@dataclass
class ShareRow:
    name: str
    catalog_share: float
    impressions_share: float
    viewing_share: float


@dataclass
class ExposureFigures:
    coverage: float
    gini: float
    intra_list_diversity: float
    novelty: float
    lists: int


@dataclass
class ExposureReport:
    start: str
    end: str
    impressions: int
    by_decile: list[ShareRow]
    by_genre: list[ShareRow]
    figures: ExposureFigures
    ai_use: dict[str, AiShare]  # "assisted" and "generated"
    calibration: object  # offline.CalibrationComparison


def viewers_per_title(log: LogView) -> np.ndarray:
    """Distinct viewers of each catalog title in the window (catalog order)."""
    s, cat = log.sittings, log.catalog
    rows = cat.rows_of(s.title)
    ok = rows >= 0
    pairs = (
        np.unique(np.stack([s.profile[ok], rows[ok]], axis=1), axis=0)
        if ok.any()
        else np.zeros((0, 2), int)
    )
    return np.bincount(pairs[:, 1], minlength=len(cat.ids)).astype(float)


def popularity_deciles(viewers: np.ndarray) -> np.ndarray:
    """Decile 0..9 of every title, 0 = most viewed (ties broken by catalog order)."""
    order = np.argsort(-viewers, kind="stable")
    deciles = np.empty(viewers.size, dtype=np.int64)
    deciles[order] = np.arange(viewers.size) * 10 // max(viewers.size, 1)
    return deciles


def impressions_per_title(log: LogView) -> np.ndarray:
    """Impressions of each catalog title in the window (catalog order)."""
    titles, shown = log.impressions_by_title
    rows = log.catalog.rows_of(titles)
    ok = rows >= 0
    return np.bincount(rows[ok], weights=shown[ok], minlength=len(log.catalog.ids))


def list_figures(
    log: LogView, viewers: np.ndarray, sample: int = LIST_SAMPLE
) -> tuple[float, float, int]:
    """(intra-list diversity, novelty, lists) over the most recent impressions."""
    rows = log.session.execute(
        select(Event.profile_id, Event.session_id, Event.row_key, Event.title_id)
        .where(Event.type == IMPRESSION, log.in_window(), Event.title_id.is_not(None))
        .order_by(Event.occurred_at.desc())
        .limit(sample)
    ).all()
    cat = log.catalog
    n_profiles = max(int(np.unique(log.activity.profile).size), 1)
    lists: dict[tuple, list[int]] = {}
    for p, sid, key, title in rows:
        index = cat.index.get(title)
        if index is not None:
            lists.setdefault((p, sid, key), []).append(index)
    shown = [i for items in lists.values() for i in items]
    novelty = float(np.mean(-np.log2((viewers[shown] + 1) / (n_profiles + 1)))) if shown else 0.0
    return intra_list_diversity(cat.genre_matrix, list(lists.values())), novelty, len(lists)


def intra_list_diversity(genre_matrix: np.ndarray, lists: list[list[int]]) -> float:
    """Mean over lists (of 2+ distinct items) of the mean pairwise Jaccard distance of genre sets."""
    values = []
    for items in lists:
        items = list(dict.fromkeys(items))
        if len(items) < 2:
            continue
        g = genre_matrix[items] > 0
        inter = g.astype(float) @ g.T.astype(float)
        sizes = g.sum(axis=1)
        union = sizes[:, None] + sizes[None, :] - inter
        jaccard = np.divide(inter, union, out=np.ones_like(inter), where=union > 0)
        upper = np.triu_indices(len(items), k=1)
        values.append(float((1 - jaccard[upper]).mean()))
    return float(np.mean(values)) if values else 0.0


def exposure_report(log: LogView, calibration=None) -> ExposureReport:
    cat, s = log.catalog, log.sittings
    viewers = viewers_per_title(log)
    shown = impressions_per_title(log)
    deciles = popularity_deciles(viewers)
    n = len(cat.ids)
    total_shown, total_views = shown.sum(), viewers.sum()
    by_decile = [
        ShareRow(
            f"Decile {d + 1}",
            share((deciles == d).sum(), n),
            share(shown[deciles == d].sum(), total_shown),
            share(viewers[deciles == d].sum(), total_views),
        )
        for d in range(10)
        if (deciles == d).any()
    ]
    rows = cat.rows_of(s.title)
    ok = rows >= 0
    title_hours = np.bincount(rows[ok], weights=s.watched[ok], minlength=n)
    g = cat.genre_matrix
    by_genre = [
        ShareRow(
            name,
            share(g[:, j].sum(), n),
            share((g[:, j] * shown).sum(), total_shown),
            share((g[:, j] * title_hours).sum(), title_hours.sum()),
        )
        for j, name in enumerate(cat.genre_names)
    ]
    ild, novelty, lists = list_figures(log, viewers)
    return ExposureReport(
        start=log.start.isoformat(),
        end=log.end.isoformat(),
        impressions=int(total_shown),
        by_decile=by_decile,
        by_genre=sorted(by_genre, key=lambda r: -r.impressions_share),
        figures=ExposureFigures(share((shown > 0).sum(), n), gini(shown), ild, novelty, lists),
        ai_use=ai_shares(log),
        calibration=calibration,
    )
