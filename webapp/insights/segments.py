"""Audience segments: profiles clustered by taste with k-means.

A profile's taste vector is its share of viewing hours per genre (a title's
hours split evenly over its genres) followed by its share per daypart
(weighted by DAYPART_WEIGHT). Profiles with less than MIN_HOURS of viewing
in the window are not clustered and have no segment. The number of segments
is the k in K_RANGE with the best silhouette.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from sqlalchemy import select

from webapp.insights.log_records import DAYPARTS, daypart_of
from webapp.insights.logview import LogView
from webapp.models.catalog import Credit, Person
from webapp.personalization.segments import store_segments

if TYPE_CHECKING:
    from sklearn.cluster import KMeans

MIN_HOURS = 0.5
DAYPART_WEIGHT = 0.5
K_RANGE = range(2, 9)
SILHOUETTE_SAMPLE = 3000


@dataclass
class Segment:
    number: int
    label: str
    size: int
    share: float
    top_genres: list[tuple[str, float, float]]  # name, share of hours, lift over everyone
    top_people: list[tuple[str, float]]  # name, hours
    dayparts: list[tuple[str, float]]
    hours_per_profile_week: float
    active_days_per_week: float
    completion: float


@dataclass
class SegmentReport:
    start: str
    end: str
    profiles_clustered: int
    profiles_unclustered: int
    k: int
    silhouette: float | None
    segments: list[Segment]


@dataclass
class Assignment:
    """The clustering itself: who is in which segment, and the taste vectors."""

    profiles: np.ndarray
    labels: np.ndarray
    vectors: np.ndarray
    k: int
    silhouette: float | None


def taste_vectors(log: LogView) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(profile ids, taste vectors, hours watched) for profiles with MIN_HOURS or more."""
    s, cat = log.sittings, log.catalog
    rows = cat.rows_of(s.title)
    ok = rows >= 0
    profiles, pindex = np.unique(s.profile[ok], return_inverse=True)
    hours = s.watched[ok] / 3600.0
    genres = cat.genre_matrix[rows[ok]]
    genres = genres / np.maximum(genres.sum(axis=1, keepdims=True), 1.0)
    n_genres = cat.genre_matrix.shape[1]
    genre_hours = np.zeros((profiles.size, n_genres))
    np.add.at(genre_hours, pindex, genres * hours[:, None])
    part_hours = np.zeros((profiles.size, len(DAYPARTS)))
    np.add.at(part_hours, (pindex, daypart_of(s.hour[ok])), hours)
    total = part_hours.sum(axis=1)
    keep = total >= MIN_HOURS
    genre_share = genre_hours[keep] / np.maximum(
        genre_hours[keep].sum(axis=1, keepdims=True), 1e-12
    )
    part_share = part_hours[keep] / total[keep, None]
    return profiles[keep], np.hstack([genre_share, DAYPART_WEIGHT * part_share]), total[keep]


def cluster(
    profiles: np.ndarray, vectors: np.ndarray, k: int | None = None, seed: int = 0
) -> Assignment:
    """k-means over taste vectors; k by silhouette over K_RANGE when not given."""
    n = profiles.size
    if n < 3:
        return Assignment(profiles, np.zeros(n, dtype=np.int64), vectors, 1 if n else 0, None)
    rng = np.random.default_rng(seed)
    sample = rng.choice(n, size=min(n, SILHOUETTE_SAMPLE), replace=False)
    distinct = np.unique(vectors.round(9), axis=0).shape[0]
    if distinct < 2:
        return Assignment(profiles, np.zeros(n, dtype=np.int64), vectors, 1, None)
    candidates = [min(k, distinct)] if k else [c for c in K_RANGE if c < n and c <= distinct]
    sampled = vectors[sample]
    # Imported here, as in webapp.insights.churn: the site's start-up skips scikit-learn.
    from sklearn.metrics import silhouette_score

    best = None
    for c in candidates or [2]:
        # k is chosen on the sample (bounded cost); the chosen k is then fitted on everyone.
        labels = _kmeans(sampled, c, seed).labels_
        score = float(silhouette_score(sampled, labels)) if len(set(labels.tolist())) > 1 else -1.0
        if best is None or score > best[0]:
            best = (score, c)
    score, c = best
    labels = _ordered_by_size(_kmeans(vectors, c, seed).labels_)
    return Assignment(profiles, labels, vectors, c, score)


def _kmeans(vectors: np.ndarray, k: int, seed: int) -> KMeans:
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        # Near-duplicate tastes can leave a cluster empty; the silhouette then ranks that k low.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return KMeans(n_clusters=k, n_init=3, max_iter=100, random_state=seed).fit(vectors)


def _ordered_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber so that segment 0 is the largest (labels stay readable between refreshes)."""
    sizes = np.bincount(labels)
    order = np.argsort(-sizes, kind="stable")
    renumber = np.empty_like(order)
    renumber[order] = np.arange(order.size)
    return renumber[labels]


def describe(log: LogView, assignment: Assignment, hours: np.ndarray) -> list[Segment]:
    """Each segment's size, top genres (by lift), people, dayparts and engagement."""
    cat, s, act = log.catalog, log.sittings, log.activity
    n_genres = cat.genre_matrix.shape[1]
    people_hours, people_names = _people_hours(log, assignment)
    overall = (
        assignment.vectors[:, :n_genres].mean(axis=0)
        if assignment.profiles.size
        else np.zeros(n_genres)
    )
    weeks = max(log.days / 7.0, 1e-9)
    active_days = _per_profile(assignment.profiles, act.profile, np.ones(act.profile.size))
    started, finished = _completion_per_profile(assignment.profiles, s)
    out = []
    total = assignment.profiles.size
    for number in range(assignment.k):
        members = assignment.labels == number
        if not members.any():
            continue
        mean = assignment.vectors[members, :n_genres].mean(axis=0)
        lift = mean / np.maximum(overall, 1e-9)
        order = np.argsort(-(mean * np.minimum(lift, 5)), kind="stable")[:4]
        genres = [
            (cat.genre_names[j], float(mean[j]), float(lift[j])) for j in order if mean[j] > 0
        ]
        parts = assignment.vectors[members, n_genres:].mean(axis=0) / DAYPART_WEIGHT
        people = people_hours[number] if number < people_hours.shape[0] else np.zeros(0)
        top_people = [
            (people_names[j], float(people[j]))
            for j in np.argsort(-people, kind="stable")[:5]
            if people[j] > 0
        ]
        label = " · ".join(g[0] for g in genres[:2]) + f" ({DAYPARTS[int(np.argmax(parts))]})"
        out.append(
            Segment(
                number=number,
                label=label,
                size=int(members.sum()),
                share=float(members.sum() / total),
                top_genres=genres,
                top_people=top_people,
                dayparts=[(DAYPARTS[j], float(parts[j])) for j in range(len(DAYPARTS))],
                hours_per_profile_week=float(hours[members].mean() / weeks),
                active_days_per_week=float(active_days[members].mean() / weeks),
                completion=float(finished[members].sum() / max(started[members].sum(), 1)),
            )
        )
    return out


def _per_profile(profiles: np.ndarray, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(profiles, ids)
    pos = np.minimum(pos, max(profiles.size - 1, 0))
    hit = profiles.size > 0 and (profiles[pos] == ids)
    out = np.zeros(profiles.size)
    if profiles.size:
        np.add.at(out, pos[hit], weights[hit])
    return out


def _completion_per_profile(profiles: np.ndarray, s) -> tuple[np.ndarray, np.ndarray]:
    return (
        _per_profile(profiles, s.profile, np.ones(len(s))),
        _per_profile(profiles, s.profile, s.done.astype(float)),
    )


def _people_hours(log: LogView, assignment: Assignment) -> tuple[np.ndarray, list[str]]:
    """Hours per segment (rows) for each director and leading cast member (columns)."""
    rows = log.session.execute(
        select(Credit.title_id, Credit.person_id, Person.name)
        .join(Person, Person.id == Credit.person_id)
        .where((Credit.role != "cast") | (Credit.billing_order < 3))
    ).all()
    if not rows or not assignment.profiles.size:
        return np.zeros((assignment.k, 0)), []
    cat, s = log.catalog, log.sittings
    person_ids = sorted({r[1] for r in rows})
    names = {r[1]: r[2] for r in rows}
    pcol = {p: j for j, p in enumerate(person_ids)}
    title_rows = cat.rows_of(np.array([r[0] for r in rows], dtype=np.int64))
    known = title_rows >= 0
    credits = sparse.csr_matrix(
        (np.ones(known.sum()), (title_rows[known], np.array([pcol[r[1]] for r in rows])[known])),
        shape=(len(cat.ids), len(person_ids)),
    )
    where = np.minimum(
        np.searchsorted(assignment.profiles, s.profile), assignment.profiles.size - 1
    )
    segment_rows = cat.rows_of(s.title)
    ok = (assignment.profiles[where] == s.profile) & (segment_rows >= 0)
    hours = sparse.csr_matrix(
        (s.watched[ok] / 3600.0, (assignment.labels[where[ok]], segment_rows[ok])),
        shape=(assignment.k, len(cat.ids)),
    )
    return np.asarray((hours @ credits).todense()), [names[p] for p in person_ids]


def segment_report(log: LogView, k: int | None = None) -> tuple[SegmentReport, Assignment]:
    """Cluster the window's viewers and describe every segment."""
    profiles, vectors, hours = taste_vectors(log)
    assignment = cluster(profiles, vectors, k)
    watching = np.unique(log.sittings.profile).size
    return SegmentReport(
        start=log.start.isoformat(),
        end=log.end.isoformat(),
        profiles_clustered=int(profiles.size),
        profiles_unclustered=int(watching - profiles.size),
        k=assignment.k,
        silhouette=assignment.silhouette,
        segments=describe(log, assignment, hours),
    ), assignment


def store_assignment(assignment: Assignment) -> None:
    """Keep the clustering for the pages' per-profile choices."""
    store_segments(assignment.profiles, assignment.labels)
