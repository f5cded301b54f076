"""Genre and theme rows by taste, weighted by how much of the profile's history falls in each.

Every card on a theme row says why it is there in words that are true: it
shares the theme with a title the profile watched, liked, picked or put on
its list, and the card names that title (the one of them it shares most
keywords with).
"""

from collections import Counter
from collections.abc import Iterable, Iterator

from webapp.home.candidates import Candidates
from webapp.home.themes import THEMES, Theme
from webapp.home.trending import Trending
from webapp.home.types import Card, PlannedRow
from webapp.recommendations import wording

GENRE_ROWS = 6


def affinities(history: dict[int, float], index):
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


def tagged(ids: list[int], tags: dict[int, Iterable[str]], tag: str) -> Iterator[int]:
    """The ids carrying tag, lazily (a function, so each row's generator keeps its own tag)."""
    return (t for t in ids if tag in tags.get(t, ()))


def _genre_cards(ctx: Candidates, genre: str, fav_directors: set[str]) -> Iterator[Card]:
    index, reasons = ctx.index, ctx.scores.reasons
    for t in tagged(ctx.fresh, index.genres, genre):
        fans = fav_directors.intersection(index.directors.get(t, ()))
        reason = f"Popular with fans of {min(fans)}" if fans else reasons.get(t)
        yield ctx.card(t, reason or f"Because you like {genre}")


def _theme_cards(ctx: Candidates, theme: Theme, evidence: list[int]) -> Iterator[Card]:
    """The theme's titles, each naming the profile's title in the theme it resembles most."""
    keywords, history = ctx.index.keywords, ctx.history
    # Most shared keywords first, then the heavier history, then the earlier evidence: one
    # pass over the card's keywords through an inverted index rather than over the evidence.
    rank = {h: (history[h], -n) for n, h in enumerate(evidence)}
    fallback = max(evidence, key=rank.__getitem__)
    holders: dict[str, list[int]] = {}
    for h in evidence:
        for word in keywords.get(h, ()):
            holders.setdefault(word, []).append(h)
    for t in tagged(ctx.fresh, ctx.index.themes, theme.key):
        shared = Counter(h for word in keywords.get(t, ()) for h in holders.get(word, ()))
        anchor = max(shared, key=lambda h: (shared[h], *rank[h])) if shared else fallback
        reason = wording.theme_reason(theme.like, ctx.evidence(anchor))
        yield ctx.card(t, reason, anchor=anchor)


def _genre_label(genre: str, kind: str | None) -> str:
    return genre if kind is None else f"{genre} {wording.KIND_NOUNS[kind]}"


def taste_rows(ctx: Candidates, trend: Trending) -> Iterator[PlannedRow]:
    """Genre and theme rows, weighted by how much of the history falls in each."""
    index, fresh = ctx.index, ctx.fresh
    genre_aff, theme_aff, director_aff = affinities(ctx.history, index)
    fav_directors = {d for d, _ in director_aff.most_common(5)}
    total_genre = sum(genre_aff.values()) or 1.0
    for genre, weight in genre_aff.most_common(GENRE_ROWS):
        slug = index.genre_slugs.get(genre, genre)
        yield PlannedRow(
            f"genre-{slug}",
            _genre_label(genre, ctx.kind),
            _genre_cards(ctx, genre, fav_directors),
            relevance=2.0 + 6.0 * weight / total_genre,
            kind="genre",
            genre=slug,
        )
    total_theme = sum(theme_aff.values()) or 1.0
    for theme in THEMES:
        if theme_aff[theme.key] <= 0:
            continue
        evidence = [
            h
            for h, w in ctx.history.items()
            if w > 0 and theme.key in index.themes.get(h, ()) and ctx.evidence(h)
        ]
        if not evidence:
            continue  # no title of the profile's to name: no true reason for the row
        yield PlannedRow(
            f"theme-{theme.key}",
            theme.label,
            _theme_cards(ctx, theme, evidence),
            relevance=2.0 + 5.0 * theme_aff[theme.key] / total_theme,
            kind="theme",
        )
    if not genre_aff:
        # No taste yet: the most watched genres of the page's kind, so the page is never
        # just two rows (a Series page counts series, not the films that lead the chart).
        popular_genres = Counter()
        for t in [t for t in trend.ranked if t in ctx.allowed][:200]:
            for g in index.genres.get(t, ()):
                popular_genres[g] += 1
        for genre, count in popular_genres.most_common(GENRE_ROWS):
            slug = index.genre_slugs.get(genre, genre)
            yield PlannedRow(
                f"genre-{slug}",
                _genre_label(genre, ctx.kind),
                (ctx.card(t, f"Popular in {genre}") for t in tagged(fresh, index.genres, genre)),
                relevance=2.0 + count / 200,
                kind="genre",
                genre=slug,
            )
