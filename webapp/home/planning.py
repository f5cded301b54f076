"""Every row of a personal home page, planned as lists of title ids (cheap, in memory).

The profile's own rows, Top Picks, "Because you watched", trending, new, and
genre and theme rows by taste are each a `PlannedRow` whose cards are best
first (lazily, so the hundreds of candidates a row never reaches cost
nothing); `webapp.home.fill` then caps and orders them.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from webapp.home import context_rows, diversity
from webapp.home.catalog_index import CatalogIndex
from webapp.home.fill import MAX_ROW
from webapp.home.state import ProfileState
from webapp.home.themes import THEMES
from webapp.home.trending import Trending, trending
from webapp.home.types import Card, PlannedRow
from webapp.models import Profile
from webapp.personalization.segments import segment_for
from webapp.recommendations import wording

ANCHORS = 3
GENRE_ROWS = 6
# The lowest "N% match" a card shows: the profile's top fifth of the catalog.
SHOWN_MATCH = 0.8


class Scores:
    """A profile's personal ordering of the visible catalog, for any candidate list."""

    def __init__(self, order: list[int], reasons: dict[int, str], because: dict[int, int]):
        self.order = order
        self.position = {t: i for i, t in enumerate(order)}
        self._n = len(order)
        self.reasons = reasons
        self.because = because

    def sort(self, ids: Iterable[int]) -> list[int]:
        end = len(self.order)
        return sorted(ids, key=lambda t: (self.position.get(t, end), t))

    def match(self, title_id: int) -> float | None:
        """The card's "N% match", shown only where it recommends the title.

        A low figure on a row chosen for other reasons ("1% match" on a Top 10
        card) reads as a fault, not as information.
        """
        pos = self.position.get(title_id)
        if pos is None:
            return None
        share = 1.0 - pos / self._n
        return share if share >= SHOWN_MATCH else None


def _segment_of(profile_id: int) -> int | None:
    """The profile's taste segment; none when the last clustering cannot be read."""
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
        return Scores(
            [r.item_id for r in ranked], {r.item_id: wording.reason(r, model) for r in ranked}, {}
        )
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
        for key in index.themes.get(title_id, ()):
            themes[key] += weight
        for d in index.directors.get(title_id, ()):
            directors[d] += weight
    return genres, themes, directors


@dataclass
class _Context:
    """What every row of one page is planned from."""

    profile: Profile
    index: CatalogIndex
    state: ProfileState
    history: dict[int, float]
    model: object
    allowed_arr: np.ndarray
    allowed: set[int]
    scores: Scores
    blocked: set[int]
    seen: set[int]
    fresh: list[int]  # visible, unseen, unblocked titles, best first
    situation: object = None  # the request's time of day and device (webapp.home.context_rows)
    context_rows: list[PlannedRow] = field(default_factory=list)

    def card(self, t: int, reason: str | None = None, **extra) -> Card:
        return Card(t, reason or self.scores.reasons.get(t), self.scores.match(t), **extra)


def _cards(ctx: _Context, ids: Iterable[int], reason: str | None = None) -> Iterator[Card]:
    return (ctx.card(t, reason) for t in ids)


def _own_rows(ctx: _Context) -> Iterator[PlannedRow]:
    """Continue Watching, My List and Watch It Again: the profile's own titles."""
    state, allowed, name = ctx.state, ctx.allowed, ctx.profile.name
    if state.resume:
        yield PlannedRow(
            "continue",
            f"Continue Watching for {name}",
            [
                ctx.card(
                    r.title_id,
                    "Pick up where you left off",
                    progress=r.fraction,
                    note=r.episode_label,
                )
                for r in state.resume
                if r.title_id in allowed and r.title_id not in state.disliked
            ],
            relevance=10.0,
            kind="continue",
        )
    my_list = [t for t in state.my_list if t in allowed and t not in state.disliked]
    if my_list:
        yield PlannedRow(
            "my-list",
            "My List",
            _cards(ctx, my_list, "On your list"),
            relevance=7.0,
            kind="my-list",
        )
    again = [
        t
        for t in state.recently_completed
        if t in allowed and t not in state.disliked and ctx.history.get(t, 0) >= 1.0
    ]
    if again:
        yield PlannedRow(
            "watch-again",
            "Watch It Again",
            _cards(ctx, again, "You finished this"),
            relevance=3.0,
            kind="watch-again",
        )


def _top_picks(ctx: _Context) -> PlannedRow:
    model, history, name = ctx.model, ctx.history, ctx.profile.name
    if model is None or not history:
        return PlannedRow(
            "top-picks",
            wording.POPULAR,
            _cards(ctx, ctx.fresh, wording.POPULAR),
            relevance=9.0,
            kind="popular",
        )
    diverse = diversity.arm(ctx.profile.id) == "diverse"
    # Twice a row's length leaves room for the page-wide caps; calibration needs a wider pool.
    chosen = context_rows.recommend(
        model,
        ctx.profile.id,
        ctx.situation,
        history,
        k=MAX_ROW * (3 if diverse else 2),
        exclude=ctx.blocked | ctx.seen,
        allowed=ctx.allowed_arr,
        card=ctx.card,
    )
    picks, lifted = chosen.picks, chosen.reasons
    ctx.context_rows += chosen.rows
    reasons = {
        r.item_id: lifted.get(r.item_id) or wording.reason(r, model, ctx.state.watched)
        for r in picks
    }
    order = [r.item_id for r in picks]
    if diverse:
        order = diversity.calibrate(
            order, [r.score for r in picks], history, ctx.index, MAX_ROW * 2
        )
    return PlannedRow(
        "top-picks",
        f"Top Picks for {name}",
        [ctx.card(t, reasons[t]) for t in order],
        relevance=9.0,
    )


def _anchors(ctx: _Context) -> list[int]:
    """The most recent well-liked titles, one per franchise, for "Because you watched"."""
    history, anchors, families = ctx.history, [], set()
    for title_id in reversed(list(history)):
        if history[title_id] < 0.9 or title_id in ctx.state.disliked:
            continue
        family = ctx.index.franchise.get(title_id)
        if family in families:
            continue
        families.add(family)
        anchors.append(title_id)
        if len(anchors) == ANCHORS:
            break
    return anchors


def _because_rows(ctx: _Context) -> Iterator[PlannedRow]:
    if ctx.model is None:
        return
    for n, anchor in enumerate(_anchors(ctx)):
        try:
            similar = ctx.model.similar_items(
                anchor, k=MAX_ROW + 10, allowed=ctx.allowed_arr, exclude=ctx.blocked | ctx.seen
            )
        except ValueError:  # a title the model has not met yet
            continue
        yield PlannedRow(
            f"because-{anchor}",
            "",
            [ctx.card(r.item_id, wording.reason(r, ctx.model, ctx.state.watched)) for r in similar],
            relevance=8.0 - 0.5 * n,
            kind="because",
            anchor=anchor,
            # A thumbs up (an onboarding pick among them) is not a viewing.
            evidence="watched" if anchor in ctx.state.watched else "liked",
        )


def _trending_rows(ctx: _Context, trend: Trending) -> Iterator[PlannedRow]:
    """Trending Now (among the profile's taste segment when it watched enough) and the Top 10."""
    allowed, blocked, index = ctx.allowed, ctx.blocked, ctx.index
    segment = _segment_of(ctx.profile.id)
    among_peers = segment is not None and segment in trend.by_segment
    source = trend.by_segment[segment] if among_peers else trend.ranked
    trend_ids = [t for t in source if t in allowed and t not in blocked]
    if trend_ids:
        where = "Trending with viewers like you in" if among_peers else "Trending in"
        yield PlannedRow(
            "trending",
            "Trending Now",
            (ctx.card(t, f"{where} {(index.genres.get(t) or ('Marquee',))[0]}") for t in trend_ids),
            relevance=6.0,
            kind="trending",
        )
    top10 = [t for t in trend.today if t in allowed and t not in blocked][:10]
    if len(top10) == 10:
        yield PlannedRow(
            "top-10",
            f"Top 10 on Marquee {trend.today_window}",
            [ctx.card(t, f"#{i} {trend.today_window}", rank=i) for i, t in enumerate(top10, 1)],
            relevance=5.5,
            kind="top10",
        )


def _tagged(ids: list[int], tags: dict[int, Iterable[str]], tag: str) -> Iterator[int]:
    """The ids carrying tag, lazily (a function, so each row's generator keeps its own tag)."""
    return (t for t in ids if tag in tags.get(t, ()))


def _genre_cards(ctx: _Context, genre: str, fav_directors: set[str]) -> Iterator[Card]:
    index, reasons = ctx.index, ctx.scores.reasons
    for t in _tagged(ctx.fresh, index.genres, genre):
        fans = fav_directors.intersection(index.directors.get(t, ()))
        reason = f"Popular with fans of {min(fans)}" if fans else reasons.get(t)
        yield ctx.card(t, reason or f"Because you like {genre}")


def _taste_rows(ctx: _Context, trend: Trending) -> Iterator[PlannedRow]:
    """Genre and theme rows, weighted by how much of the history falls in each."""
    index, fresh = ctx.index, ctx.fresh
    genre_aff, theme_aff, director_aff = _affinities(ctx.history, index)
    fav_directors = {d for d, _ in director_aff.most_common(5)}
    total_genre = sum(genre_aff.values()) or 1.0
    for genre, weight in genre_aff.most_common(GENRE_ROWS):
        yield PlannedRow(
            f"genre-{index.genre_slugs.get(genre, genre)}",
            genre,
            _genre_cards(ctx, genre, fav_directors),
            relevance=2.0 + 6.0 * weight / total_genre,
            kind="genre",
        )
    total_theme = sum(theme_aff.values()) or 1.0
    for theme in THEMES:
        if theme_aff[theme.key] <= 0:
            continue
        yield PlannedRow(
            f"theme-{theme.key}",
            theme.label,
            _cards(ctx, _tagged(fresh, index.themes, theme.key)),
            relevance=2.0 + 5.0 * theme_aff[theme.key] / total_theme,
            kind="theme",
        )
    if not genre_aff:
        # No taste yet: the most watched genres, so the page is never just two rows.
        popular_genres = Counter()
        for t in trend.ranked[:200]:
            for g in index.genres.get(t, ()):
                popular_genres[g] += 1
        for genre, count in popular_genres.most_common(GENRE_ROWS):
            yield PlannedRow(
                f"genre-{index.genre_slugs.get(genre, genre)}",
                genre,
                _cards(ctx, _tagged(fresh, index.genres, genre), f"Popular in {genre}"),
                relevance=2.0 + count / 200,
                kind="genre",
            )


def plan_rows(
    profile: Profile,
    index: CatalogIndex,
    state: ProfileState,
    history: dict[int, float],
    model,
    situation=None,
) -> list[PlannedRow]:
    allowed_arr = index.allowed(profile)
    allowed = set(allowed_arr.tolist())
    # The profile's own past above its limit (watched before the limit was lowered) is kept
    # but never shown: every reason and anchor is drawn from this history, so none names it.
    history = {t: w for t, w in history.items() if t in allowed}
    scores = _personal_scores(model, history, allowed_arr)
    blocked = state.disliked | (state.completed & index.films)
    seen = set(history) | state.watched
    fresh = [t for t in scores.order if t not in blocked and t not in seen]
    ctx = _Context(
        profile,
        index,
        state,
        history,
        model,
        allowed_arr,
        allowed,
        scores,
        blocked,
        seen,
        fresh,
        situation,
    )
    trend = trending()
    own = list(_own_rows(ctx))
    rows = [r for r in own if r.key == "continue"]
    rows.append(_top_picks(ctx))
    rows += ctx.context_rows
    rows += _because_rows(ctx)
    rows += _trending_rows(ctx, trend)
    rows.append(
        PlannedRow(
            "new",
            "New on Marquee",
            _cards(
                ctx,
                scores.sort(t for t in index.newest if t in ctx.allowed and t not in blocked),
                "New on Marquee",
            ),
            relevance=5.0,
            kind="new",
        )
    )
    rows += [r for r in own if r.key != "continue"]
    rows += _taste_rows(ctx, trend)
    return rows
