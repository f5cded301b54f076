"""Every row of every browse page, planned as lists of title ids (cheap, in memory).

The home page and the Films and Series pages are one plan: `plan_rows` takes
a kind (None, "film" or "series") and draws every row from the visible titles
of that kind. The profile's own rows, Top Picks, "Because you watched",
trending, new, and genre and theme rows by taste are each a `PlannedRow`
whose cards are best first (lazily, so the hundreds of candidates a row never
reaches cost nothing); `webapp.home.fill` then caps and orders them.
"""

from collections.abc import Iterable, Iterator

import numpy as np

from webapp.home import context_rows, diversity
from webapp.home.candidates import Candidates, Scores
from webapp.home.catalog_index import CatalogIndex
from webapp.home.fill import MAX_ROW
from webapp.home.onboarding import still_picked
from webapp.home.popularity import popular_order
from webapp.home.state import ProfileState
from webapp.home.taste import taste_rows
from webapp.home.trending import Trending, trending
from webapp.home.types import Card, PlannedRow
from webapp.models import Profile
from webapp.personalization.segments import segment_for
from webapp.recommendations import wording

ANCHORS = 3


def _segment_of(profile_id: int) -> int | None:
    """The profile's taste segment; none when the last clustering cannot be read."""
    try:
        return segment_for(profile_id)
    except (OSError, ValueError, KeyError):
        return None


def _personal_scores(model, history: dict[int, float], allowed: np.ndarray) -> Scores:
    if model is None or not history:
        # Nothing personal to go on: the one notion of popular (webapp.home.popularity).
        return Scores(popular_order(allowed.tolist()), {}, {})
    # Reasons come with the rows that show them (Top Picks, "Because you watched");
    # the whole catalog is only ordered here.
    return Scores(model.order(history, allowed), {}, {})


def _cards(ctx: Candidates, ids: Iterable[int], reason: str | None = None) -> Iterator[Card]:
    return (ctx.card(t, reason) for t in ids)


def _own_rows(ctx: Candidates) -> Iterator[PlannedRow]:
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


def _top_picks(ctx: Candidates) -> PlannedRow:
    model, history, name = ctx.model, ctx.history, ctx.profile.name
    if model is None or not history:
        return PlannedRow(
            "top-picks",
            wording.POPULAR if ctx.kind is None else f"Popular {wording.KIND_NOUNS[ctx.kind]}",
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
        r.item_id: lifted.get(r.item_id) or wording.reason(r, model, evidence=ctx.evidence)
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


def _anchors(ctx: Candidates) -> list[int]:
    """The most recent well-liked titles, one per franchise, for "Because you watched".

    A place on My List alone is interest, not liking: such a title anchors no row."""
    history, anchors, families = ctx.history, [], set()
    for title_id in reversed(list(history)):
        evidence = ctx.evidence(title_id)
        if history[title_id] < 0.9 or title_id in ctx.state.disliked or evidence == "listed":
            continue
        family = ctx.index.franchise.get(title_id)
        if family in families:
            continue
        families.add(family)
        anchors.append(title_id)
        if len(anchors) == ANCHORS:
            break
    return anchors


def _because_rows(ctx: Candidates) -> Iterator[PlannedRow]:
    if ctx.model is None:
        return
    for n, anchor in enumerate(_anchors(ctx)):
        try:
            # Room for the titles the rows above take: a title shows once a page.
            similar = ctx.model.similar_items(
                anchor, k=MAX_ROW * 2, allowed=ctx.allowed_arr, exclude=ctx.blocked | ctx.seen
            )
        except ValueError:  # a title the model has not met yet
            continue
        yield PlannedRow(
            f"because-{anchor}",
            "",
            [
                ctx.card(r.item_id, wording.reason(r, ctx.model, evidence=ctx.evidence))
                for r in similar
            ],
            relevance=8.0 - 0.5 * n,
            kind="because",
            anchor=anchor,
            # A thumbs up is not a viewing, and an onboarding pick not a verdict on a viewing.
            evidence=ctx.evidence(anchor),
        )


def _trending_rows(ctx: Candidates, trend: Trending) -> Iterator[PlannedRow]:
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
        noun = "" if ctx.kind is None else f" {wording.KIND_NOUNS[ctx.kind]}"
        yield PlannedRow(
            "top-10",
            f"Top 10{noun} on Marquee {trend.today_window}",
            [ctx.card(t, f"#{i} {trend.today_window}", rank=i) for i, t in enumerate(top10, 1)],
            relevance=5.5,
            kind="top10",
        )


def _of_kind(index: CatalogIndex, ids: np.ndarray, kind: str | None) -> np.ndarray:
    if kind is None:
        return ids
    films = index.films
    return ids[
        np.fromiter(((t in films) == (kind == "film") for t in ids.tolist()), bool, len(ids))
    ]


def _every_card(ctx: Candidates) -> Iterator[Card]:
    """A generator, so the sort runs only on the rare page that shows the fallback row."""
    yield from _cards(ctx, ctx.scores.sort(ctx.allowed - ctx.state.disliked))


def _everything(ctx: Candidates) -> PlannedRow:
    """Every candidate in one row: shown only when the profile may see too few for rows."""
    noun = "titles" if ctx.kind is None else wording.KIND_NOUNS[ctx.kind]
    return PlannedRow(
        "all",
        f"All {noun}",
        _every_card(ctx),
        relevance=0.0,
        kind="catalog",
        fallback=True,
    )


def plan_rows(
    profile: Profile,
    index: CatalogIndex,
    state: ProfileState,
    history: dict[int, float],
    model,
    kind: str | None = None,
    situation=None,
) -> list[PlannedRow]:
    """Every row a page may show: the home page (kind None) or the Films or Series page."""
    visible = index.allowed(profile)
    visible_ids = set(visible.tolist())
    # The profile's own past above its limit (watched before the limit was lowered) is kept
    # but never shown: every reason and anchor is drawn from this history, so none names it.
    history = {t: w for t, w in history.items() if t in visible_ids}
    allowed_arr = _of_kind(index, visible, kind)
    allowed = visible_ids if kind is None else set(allowed_arr.tolist())
    scores = _personal_scores(model, history, allowed_arr)
    blocked = state.disliked | (state.completed & index.films)
    seen = set(history) | state.watched
    fresh = [t for t in scores.order if t not in blocked and t not in seen]
    liked_unseen = {t: state.rated_at[t] for t in state.liked if t not in state.watched}
    picked = still_picked(profile.id, liked_unseen) if liked_unseen else set()
    ctx = Candidates(
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
        picked,
        kind,
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
            "New on Marquee" if kind is None else f"New {wording.KIND_NOUNS[kind]}",
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
    rows += taste_rows(ctx, trend)
    rows.append(_everything(ctx))
    return rows
