"""Putting one profile's home page together.

The rows are decided as lists of title ids first (cheap, in memory), then
ordered by how much this profile cares about each, then filled top to bottom
so that a title appears at most twice on the page and no row is a wall of
one franchise. Only at the end are the chosen titles loaded, in one query
that applies the visibility rule once more.
"""

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from webapp.catalog.visibility import restrict
from webapp.extensions import db
from webapp.home import diversity
from webapp.home.catalog_index import CatalogIndex, catalog_index
from webapp.home.state import ProfileState, load_state
from webapp.home.themes import THEMES
from webapp.home.trending import trending
from webapp.home.types import Row, RowItem
from webapp.models import Profile, Title
from webapp.recommendations.feedback import profile_history
from webapp.recommendations.store import current_model, model_store

log = logging.getLogger(__name__)

# Rows scroll sideways; two dozen cards fill several screens without bloating the page.
MIN_ROW, MAX_ROW = 10, 20
MAX_ROWS = 14
MAX_APPEARANCES = 2
PER_FRANCHISE = 2
PER_DIRECTOR = 3
ANCHORS = 3
GENRE_ROWS = 6
THEME_ROWS = 3
N_ARTWORK_VARIANTS = 4
# Rows a viewer expects to see even with one card in them.
ALWAYS_SHOWN = {"continue", "my-list"}
PINNED = {"continue", "my-list", "top10"}


@dataclass
class Card:
    title_id: int
    reason: str | None = None
    score: float | None = None  # 0..1: share of the visible catalog this title ranks above
    progress: float | None = None
    note: str | None = None
    rank: int | None = None


@dataclass
class PlannedRow:
    key: str
    title: str
    cards: list[Card]
    relevance: float
    kind: str = "recommendation"
    anchor: int | None = None
    href: str | None = None


@dataclass
class HomePage:
    rows: list[Row]
    model_version: str | None
    personalised: bool


class Scores:
    """A profile's personal ordering of the visible catalog, for any candidate list."""

    def __init__(self, order: list[int], reasons: dict[int, str], because: dict[int, int]):
        self.order = order
        self.position = {t: i for i, t in enumerate(order)}
        self.reasons = reasons
        self.because = because

    def sort(self, ids: Iterable[int]) -> list[int]:
        end = len(self.order)
        return sorted(ids, key=lambda t: (self.position.get(t, end), t))

    def match(self, title_id: int) -> float | None:
        pos = self.position.get(title_id)
        if pos is None or not self.order:
            return None
        return 1.0 - pos / len(self.order)


def _artwork_variants(profile_id: int, title_ids: list[int]) -> dict[int, int]:
    """The artwork bandit's choice when it is trained; otherwise a stable spread."""
    try:
        from webapp.insights.artwork_bandit import choose_variants
    except ImportError:
        choose_variants = None
    if choose_variants is not None:
        try:
            return choose_variants(profile_id, title_ids)
        except Exception:  # the page must render even if the bandit's cache is broken
            log.exception("artwork choice failed; using a stable spread")
    out = {}
    for t in title_ids:
        digest = hashlib.blake2b(f"{profile_id}:{t}".encode(), digest_size=2).digest()
        out[t] = int.from_bytes(digest, "big") % N_ARTWORK_VARIANTS
    return out


def _segment_of(profile_id: int) -> int | None:
    try:
        from webapp.insights.segments import segment_for
    except ImportError:
        return None
    try:
        return segment_for(profile_id)
    except (OSError, ValueError, KeyError):
        return None


def _personal_scores(model, history: dict[int, float], allowed: np.ndarray) -> Scores:
    if model is None:
        trend = trending()
        order = sorted(allowed.tolist(), key=lambda t: (-trend.scores.get(t, 0.0), t))
        return Scores(order, {}, {})
    if not history:
        ranked = model.popular(len(allowed), allowed=allowed)
        return Scores([r.item_id for r in ranked], {r.item_id: r.reason for r in ranked}, {})
    # Reasons come with the rows that show them (Top Picks, "Because you watched");
    # the whole catalog is only ordered here.
    return Scores(model.order(history, allowed), {}, {})


def _affinities(history: dict[int, float], index: CatalogIndex):
    """Shares of positive history per genre, per theme and per director."""
    genres, themes, directors = Counter(), Counter(), Counter()
    for title_id, weight in history.items():
        if weight <= 0:
            continue
        title_genres = index.genres.get(title_id, ())
        for g in title_genres:
            genres[g] += weight / len(title_genres)
        keywords = index.keywords.get(title_id, frozenset())
        for theme in THEMES:
            if theme.matches(title_genres, keywords):
                themes[theme.key] += weight
        for d in index.directors.get(title_id, ()):
            directors[d] += weight
    return genres, themes, directors


def _plan_rows(profile: Profile, index: CatalogIndex, state: ProfileState,
               history: dict[int, float], model) -> tuple[list[PlannedRow], Scores]:
    allowed_arr = index.allowed(profile.maturity_limit)
    allowed = set(allowed_arr.tolist())
    scores = _personal_scores(model, history, allowed_arr)
    films = {t for t, k in index.kind.items() if k == "film"}
    blocked = state.disliked | (state.completed & films)
    seen = set(history) | state.watched
    fresh = [t for t in scores.order if t not in blocked and t not in seen]
    trend = trending()
    genre_aff, theme_aff, director_aff = _affinities(history, index)
    fav_directors = {d for d, _ in director_aff.most_common(5)}
    total_genre = sum(genre_aff.values()) or 1.0
    rows: list[PlannedRow] = []

    def card(t: int, reason: str | None = None, **extra) -> Card:
        return Card(t, reason or scores.reasons.get(t), scores.match(t), **extra)

    if state.resume:
        rows.append(PlannedRow(
            "continue", f"Continue Watching for {profile.name}",
            [card(r.title_id, "Pick up where you left off", progress=r.fraction, note=r.episode_label)
             for r in state.resume if r.title_id in allowed and r.title_id not in state.disliked],
            relevance=10.0, kind="continue"))

    if model is not None and history:
        diverse = diversity.arm(profile.id) == "diverse"
        # Twice a row's length leaves room for the page-wide caps; calibration needs a wider pool.
        picks = model.recommend_for_history(history, k=MAX_ROW * (3 if diverse else 2),
                                            exclude=blocked | seen, allowed=allowed_arr)
        reasons = {r.item_id: r.reason for r in picks}
        order = [r.item_id for r in picks]
        if diverse:
            order = diversity.calibrate(order, [r.score for r in picks], history, index, MAX_ROW * 2)
        rows.append(PlannedRow("top-picks", f"Top Picks for {profile.name}",
                               [card(t, reasons[t]) for t in order], relevance=9.0))
    else:
        rows.append(PlannedRow("top-picks", "Popular on Marquee",
                               [card(t, "Popular on Marquee") for t in fresh], relevance=9.0,
                               kind="popular"))

    if model is not None:
        anchors, families = [], set()
        for title_id in reversed(list(history)):
            if history[title_id] < 0.9 or title_id in state.disliked:
                continue
            family = index.franchise.get(title_id)
            if family in families:
                continue
            families.add(family)
            anchors.append(title_id)
            if len(anchors) == ANCHORS:
                break
        for n, anchor in enumerate(anchors):
            try:
                similar = model.similar_items(anchor, k=MAX_ROW + 10, allowed=allowed_arr,
                                              exclude=blocked | seen)
            except ValueError:  # a title the model has not met yet
                continue
            rows.append(PlannedRow(
                f"because-{anchor}", "", [card(r.item_id, r.reason) for r in similar],
                relevance=8.0 - 0.5 * n, kind="because", anchor=anchor))

    segment = _segment_of(profile.id)
    among_peers = segment is not None and segment in trend.by_segment
    trend_source = trend.by_segment[segment] if among_peers else trend.ranked
    trend_ids = [t for t in trend_source if t in allowed and t not in blocked]
    if trend_ids:
        top_genre = {t: (index.genres.get(t) or ("Marquee",))[0] for t in trend_ids}
        rows.append(PlannedRow(
            "trending", "Trending Now",
            [card(t, f"Trending with viewers like you in {top_genre[t]}" if among_peers
                  else f"Trending in {top_genre[t]}") for t in trend_ids], relevance=6.0,
            kind="trending"))
    top10 = [t for t in trend.today if t in allowed and t not in blocked][:10]
    if len(top10) == 10:
        rows.append(PlannedRow(
            "top-10", f"Top 10 on Marquee {trend.today_window}",
            [card(t, f"#{i} {trend.today_window}", rank=i) for i, t in enumerate(top10, 1)],
            relevance=5.5, kind="top10"))

    new = [t for t in index.newest if t in allowed and t not in blocked]
    rows.append(PlannedRow("new", "New on Marquee",
                           [card(t, "New on Marquee") for t in scores.sort(new)], relevance=5.0,
                           kind="new"))
    my_list = [t for t in state.my_list if t in allowed and t not in state.disliked]
    if my_list:
        rows.append(PlannedRow("my-list", "My List", [card(t, "On your list") for t in my_list],
                               relevance=7.0, kind="my-list"))
    again = [t for t in state.recently_completed
             if t in allowed and t not in state.disliked and history.get(t, 0) >= 1.0]
    if again:
        rows.append(PlannedRow("watch-again", "Watch It Again",
                               [card(t, "You finished this") for t in again], relevance=3.0,
                               kind="watch-again"))

    for genre, weight in genre_aff.most_common(GENRE_ROWS):
        share = weight / total_genre
        ids = [t for t in fresh if genre in index.genres.get(t, ())]
        cards = []
        for t in ids:
            fans = fav_directors.intersection(index.directors.get(t, ()))
            reason = f"Popular with fans of {min(fans)}" if fans else scores.reasons.get(t)
            cards.append(card(t, reason or f"Because you like {genre}"))
        rows.append(PlannedRow(f"genre-{index.genre_slugs.get(genre, genre)}", genre, cards,
                               relevance=2.0 + 6.0 * share, kind="genre"))
    total_theme = sum(theme_aff.values()) or 1.0
    for theme in THEMES:
        if theme_aff[theme.key] <= 0:
            continue
        ids = [t for t in fresh
               if theme.matches(index.genres.get(t, ()), index.keywords.get(t, frozenset()))]
        rows.append(PlannedRow(f"theme-{theme.key}", theme.label, [card(t) for t in ids],
                               relevance=2.0 + 5.0 * theme_aff[theme.key] / total_theme,
                               kind="theme"))
    if not genre_aff:
        # No taste yet: the most watched genres, so the page is never just two rows.
        popular_genres = Counter()
        for t in trend.ranked[:200]:
            for g in index.genres.get(t, ()):
                popular_genres[g] += 1
        for genre, count in popular_genres.most_common(GENRE_ROWS):
            ids = [t for t in fresh if genre in index.genres.get(t, ())]
            rows.append(PlannedRow(f"genre-{index.genre_slugs.get(genre, genre)}", genre,
                                   [card(t, f"Popular in {genre}") for t in ids],
                                   relevance=2.0 + count / 200, kind="genre"))
    return rows, scores


def _fill(rows: list[PlannedRow], index: CatalogIndex) -> list[PlannedRow]:
    """Order rows and cap each title's appearances and each row's repetitiveness."""
    themes_kept = 0
    ordered = sorted(rows, key=lambda r: -r.relevance)
    # The viewer's own rows and the numbered Top 10 claim their titles first;
    # every other row then takes what is left under the two-appearance cap.
    fill_order = sorted(ordered, key=lambda r: r.kind not in PINNED)
    used: Counter = Counter()
    out = []
    for row in fill_order:
        if row.kind == "theme" and themes_kept >= THEME_ROWS:
            continue
        families, directors, chosen, seen_here, deferred = Counter(), Counter(), [], set(), []
        for c in row.cards:
            if c.title_id in seen_here:
                continue
            if used[c.title_id] >= MAX_APPEARANCES:
                continue
            seen_here.add(c.title_id)
            family = index.franchise.get(c.title_id)
            row_directors = index.directors.get(c.title_id, ())
            if row.kind not in ("continue", "my-list", "top10") and (
                families[family] >= PER_FRANCHISE
                or any(directors[d] >= PER_DIRECTOR for d in row_directors)
            ):
                deferred.append(c)
                continue
            chosen.append(c)
            families[family] += 1
            for d in row_directors:
                directors[d] += 1
            if len(chosen) == MAX_ROW:
                break
        if len(chosen) < MIN_ROW:
            # A small catalog may not have ten varied titles: variety yields to a full row.
            chosen += deferred[: MIN_ROW - len(chosen)]
        if row.kind == "top10" and len(chosen) < 10:
            continue
        if len(chosen) < (1 if row.key in ALWAYS_SHOWN else MIN_ROW):
            continue
        for c in chosen:
            used[c.title_id] += 1
        row.cards = chosen
        if row.kind == "theme":
            themes_kept += 1
        out.append(row)
    # A page of more rows than this is scrolled past; fewer rows keep it fast to build and load.
    return sorted(out, key=lambda r: -r.relevance)[:MAX_ROWS]


def build_home(profile: Profile) -> HomePage:
    """The rows for this profile, as typed values ready for the template."""
    index = catalog_index()
    model = current_model()
    if model is not None:
        from webapp.recommendations.store import ensure_new_titles

        ensure_new_titles(model, index.max_id)
    state = load_state(profile.id)
    history = profile_history(profile.id)
    planned, _ = _plan_rows(profile, index, state, history, model)
    filled = _fill(planned, index)

    needed = {c.title_id for r in filled for c in r.cards} | {r.anchor for r in filled if r.anchor}
    titles = {
        t.id: t
        for t in db.session.scalars(restrict(select(Title).where(Title.id.in_(needed)), profile))
    }
    variants = _artwork_variants(profile.id, sorted(titles))
    rows = []
    for row in filled:
        name = row.title
        if row.kind == "because":
            anchor = titles.get(row.anchor)
            if anchor is None:
                continue
            name = f"Because you watched {anchor.name}"
        items = tuple(
            RowItem(titles[c.title_id], variants.get(c.title_id, 0), c.reason, c.score,
                    c.progress, c.note, c.rank)
            for c in row.cards
            if c.title_id in titles
        )
        if len(items) < (1 if row.key in ALWAYS_SHOWN else MIN_ROW):
            continue
        rows.append(Row(row.key, name, items, row.href, row.kind, anchor=row.anchor))
    store = model_store()
    return HomePage(rows, store.version if model is not None else None, model is not None)
