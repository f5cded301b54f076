"""Genres by daypart: what the log's sittings lean to, beside what the ranking's context learned.

The home page orders Top Picks by time of day with the served model's
context table (`recommender.context`); this report checks it against the
log. For each daypart, a genre's lean is its share of the daypart's sittings
over its share of all sittings (1.0: no lean), a title's sitting shared
among its genres. Both sides use the ranking's daypart hours, so they are
comparable; a daypart agrees when the two lists share their leading genre.
"""

from dataclasses import dataclass

import numpy as np

from recommender.context import DAYPARTS, daypart_of
from webapp.insights.logview import LogView
from webapp.recommendations.store import current_model

TOP = 3
HOURS = {"morning": "5–11", "afternoon": "12–16", "evening": "17–21", "night": "22–4"}


@dataclass
class DaypartGenres:
    daypart: str
    hours: str  # the daypart's local hours
    sittings: int
    log: list[tuple[str, float]]  # genre, lean: the log's strongest leans first
    ranking: list[tuple[str, float]]  # the same, from the served model's context table
    agrees: bool | None  # None: no served context or no sittings to compare


def leans(counts: np.ndarray, names: list[str], top: int = TOP) -> list[list[tuple[str, float]]]:
    """The ``top`` genres each row of a (dayparts x genres) table leans to, strongest first."""
    total = counts.sum()
    if total <= 0:
        return [[] for _ in counts]
    overall = counts.sum(axis=0) / total
    out = []
    for row in counts:
        n = row.sum()
        if n <= 0:
            out.append([])
            continue
        lean = (row / n) / np.where(overall > 0, overall, 1.0)
        order = np.argsort(-lean, kind="stable")[:top]
        out.append([(names[g], float(lean[g])) for g in order if row[g] > 0])
    return out


def daypart_genres(log: LogView, context=None) -> list[DaypartGenres]:
    """Each daypart's leading genres in the log and in ``context`` (a ContextModel or None)."""
    s, cat = log.sittings, log.catalog
    rows = cat.rows_of(s.title)
    ok = (rows >= 0) & (s.hour >= 0)
    shares = cat.genre_matrix[rows[ok]].astype(np.float64)
    shares /= np.maximum(shares.sum(axis=1, keepdims=True), 1.0)
    parts = daypart_of(s.hour[ok])
    counts = np.zeros((len(DAYPARTS), cat.genre_matrix.shape[1]))
    np.add.at(counts, parts, shares)
    sittings = np.bincount(parts, minlength=len(DAYPARTS))
    from_log = leans(counts, list(cat.genre_names))
    learned = context.daypart_genres(TOP) if context is not None else {}
    out = []
    for j, part in enumerate(DAYPARTS):
        mine, theirs = from_log[j], learned.get(part, [])
        agrees = None
        if mine and theirs:
            agrees = mine[0][0] in {g for g, _ in theirs} or theirs[0][0] in {g for g, _ in mine}
        out.append(DaypartGenres(part, HOURS[part], int(sittings[j]), mine, theirs, agrees))
    return out


def agreement(rows: list[DaypartGenres]) -> str:
    """One sentence: in how many dayparts the ranking and the log lead with the same genres."""
    compared = [r for r in rows if r.agrees is not None]
    if not compared:
        return "No served model with a time-of-day table to compare with the log's dayparts."
    differ = [r.daypart for r in compared if not r.agrees]
    sentence = (
        f"The home page's time-of-day ranking leads with the log's genres in "
        f"{len(compared) - len(differ)} of {len(compared)} dayparts"
    )
    return sentence + (f" (not in the {', '.join(differ)})." if differ else ".")


def served_context():
    """The served model version's context table, or None without a model or a context."""
    return getattr(current_model(), "context", None)
