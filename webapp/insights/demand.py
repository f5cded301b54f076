"""Demand: what is watched, by genre, theme and era, and how it is moving.

Viewing hours of a group are the hours of sittings of its titles (a title in
two genres counts for both); completion is the share of films and episodes
started in the window that were finished; share of profiles is the share of
watching profiles who watched the group at all; growth compares the last 28
days with the 28 before.
"""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from scipy import sparse

from webapp.insights.logview import LogView
from webapp.insights.stats import growth, share

WEEK = 7 * 86400.0
HALF = 28 * 86400.0


@dataclass
class DemandRow:
    name: str
    titles: int
    hours: float
    hours_share: float
    completion: float
    profiles_share: float
    hours_recent: float
    hours_before: float
    growth: float | None


@dataclass
class DemandReport:
    start: str
    end: str
    total_hours: float
    watching_profiles: int
    weeks: list[str]
    genres: list[DemandRow]
    themes: list[DemandRow]
    eras: list[DemandRow]
    genre_weekly_hours: dict[str, list[float]]


def membership(log: LogView, by: str) -> tuple[list[str], sparse.csr_matrix]:
    """Group names and a titles x groups 0/1 matrix: by 'genre', 'theme' or 'era'."""
    cat = log.catalog
    n = len(cat.ids)
    if by == "genre":
        return list(cat.genre_names), sparse.csr_matrix(cat.genre_matrix)
    if by == "theme":
        rows, cols = cat.keyword_pairs
        matrix = sparse.csr_matrix(
            (np.ones(rows.size), (rows, cols)), shape=(n, len(cat.keyword_names))
        )
        return list(cat.keyword_names), matrix
    if by == "era":
        decades = np.where(cat.year > 0, cat.year // 10 * 10, -1)
        names = sorted({int(d) for d in decades if d > 0})
        col = {d: j for j, d in enumerate(names)}
        known = decades > 0
        rows = np.flatnonzero(known)
        cols = np.array([col[int(d)] for d in decades[known]], dtype=np.int64)
        matrix = sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, len(names)))
        return [f"{d}s" for d in names], matrix
    raise ValueError(f"Unknown grouping {by!r}: use 'genre', 'theme' or 'era'.")


def group_rows(log: LogView, names: list[str], matrix: sparse.csr_matrix) -> list[DemandRow]:
    s, cat = log.sittings, log.catalog
    n_titles = len(cat.ids)
    row = cat.rows_of(s.title)
    ok = row >= 0
    hours = s.watched / 3600.0
    recent = s.started >= (log.end - log.start).total_seconds() - HALF
    before = ~recent & (s.started >= (log.end - log.start).total_seconds() - 2 * HALF)
    per_title = lambda weights: np.bincount(row[ok], weights=weights[ok], minlength=n_titles)
    title_hours = per_title(hours)
    title_recent = per_title(np.where(recent, hours, 0.0))
    title_before = per_title(np.where(before, hours, 0.0))
    started, finished = _items_per_title(s, row, ok, n_titles)
    profiles = np.unique(s.profile[ok])
    pindex = np.searchsorted(profiles, s.profile[ok])
    watched = sparse.csr_matrix(
        (np.ones(pindex.size), (pindex, row[ok])), shape=(profiles.size, n_titles)
    )
    profile_groups = (watched @ matrix) > 0
    profiles_per_group = np.asarray(profile_groups.sum(axis=0)).ravel()
    mt = matrix.T.tocsr()
    total = float(hours[ok].sum())
    g_hours, g_recent, g_before = mt @ title_hours, mt @ title_recent, mt @ title_before
    g_started, g_finished = mt @ started, mt @ finished
    g_titles = np.asarray(matrix.sum(axis=0)).ravel()
    return [
        DemandRow(
            name=name,
            titles=int(g_titles[j]),
            hours=float(g_hours[j]),
            hours_share=share(g_hours[j], total),
            completion=share(g_finished[j], g_started[j]),
            profiles_share=share(profiles_per_group[j], profiles.size),
            hours_recent=float(g_recent[j]),
            hours_before=float(g_before[j]),
            growth=growth(g_recent[j], g_before[j]),
        )
        for j, name in enumerate(names)
    ]


def _items_per_title(s, row, ok, n_titles) -> tuple[np.ndarray, np.ndarray]:
    """Films/episodes started and finished per title (one count per profile and item)."""
    if not ok.any():
        return np.zeros(n_titles), np.zeros(n_titles)
    keys = np.stack([s.profile[ok], row[ok], s.episode[ok]], axis=1)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    done = np.zeros(len(unique), dtype=bool)
    np.logical_or.at(done, inverse.ravel(), s.done[ok])
    started = np.bincount(unique[:, 1], minlength=n_titles).astype(float)
    finished = np.bincount(unique[:, 1], weights=done.astype(float), minlength=n_titles)
    return started, finished


def weekly_hours(
    log: LogView, names: list[str], matrix: sparse.csr_matrix, top: int = 6
) -> tuple[list[str], dict[str, list[float]]]:
    """Hours per week of the `top` most watched groups, oldest week first."""
    s, cat = log.sittings, log.catalog
    n_weeks = max(1, int(np.ceil((log.end - log.start).total_seconds() / WEEK)))
    row = cat.rows_of(s.title)
    ok = row >= 0
    week = np.minimum((s.started[ok] // WEEK).astype(np.int64), n_weeks - 1)
    per = sparse.csr_matrix(
        (s.watched[ok] / 3600.0, (row[ok], week)), shape=(len(cat.ids), n_weeks)
    )
    grouped = np.asarray((matrix.T @ per).todense())
    order = np.argsort(-grouped.sum(axis=1), kind="stable")[:top]
    labels = [(log.start + timedelta(seconds=i * WEEK)).date().isoformat() for i in range(n_weeks)]
    return labels, {
        names[j]: [round(float(v), 3) for v in grouped[j]] for j in order if grouped[j].sum() > 0
    }


def demand_report(log: LogView, top_themes: int = 25) -> DemandReport:
    """Demand by genre, theme and era over the window (best with 56 days)."""
    s = log.sittings
    genre_names, genre_matrix = membership(log, "genre")
    themes = group_rows(log, *membership(log, "theme"))
    themes = sorted(themes, key=lambda r: -r.hours)[:top_themes]
    weeks, weekly = weekly_hours(log, genre_names, genre_matrix)
    rows = group_rows(log, genre_names, genre_matrix)
    return DemandReport(
        start=log.start.isoformat(),
        end=log.end.isoformat(),
        total_hours=float(s.watched.sum() / 3600.0),
        watching_profiles=int(np.unique(s.profile).size),
        weeks=weeks,
        genres=sorted(rows, key=lambda r: -r.hours),
        themes=themes,
        eras=group_rows(log, *membership(log, "era")),
        genre_weekly_hours=weekly,
    )
