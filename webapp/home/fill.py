"""Filling planned rows: order by relevance, cap each title's appearances and each row's sameness.

A title appears at most MAX_APPEARANCES times on a page and a row holds at
most PER_FRANCHISE titles of one franchise and PER_DIRECTOR of one director,
so no row is a wall of one series.
"""

from webapp.home.catalog_index import CatalogIndex
from webapp.home.types import PlannedRow

# Rows scroll sideways; two dozen cards fill several screens without bloating the page.
MIN_ROW, MAX_ROW = 10, 20
MAX_ROWS = 14
MAX_APPEARANCES = 2
PER_FRANCHISE = 2
PER_DIRECTOR = 3
THEME_ROWS = 3
# Rows a viewer expects to see even with one card in them.
ALWAYS_SHOWN = {"continue", "my-list"}
PINNED = {"continue", "my-list", "top10"}


def fill(rows: list[PlannedRow], index: CatalogIndex) -> list[PlannedRow]:
    """Order rows and cap each title's appearances and each row's repetitiveness."""
    themes_kept = 0
    ordered = sorted(rows, key=lambda r: -r.relevance)
    # The viewer's own rows and the numbered Top 10 claim their titles first;
    # every other row then takes what is left under the two-appearance cap.
    fill_order = sorted(ordered, key=lambda r: r.kind not in PINNED)
    used: dict[int, int] = {}
    out = []
    for row in fill_order:
        if row.kind == "theme" and themes_kept >= THEME_ROWS:
            continue
        varied = row.kind not in ("continue", "my-list", "top10")
        families: dict[str | None, int] = {}
        directors: dict[str, int] = {}
        chosen, seen_here, deferred = [], set(), []
        for c in row.cards:
            t = c.title_id
            if t in seen_here or used.get(t, 0) >= MAX_APPEARANCES:
                continue
            seen_here.add(t)
            family = index.franchise.get(t)
            row_directors = index.directors.get(t, ())
            if varied and (
                families.get(family, 0) >= PER_FRANCHISE
                or any(directors.get(d, 0) >= PER_DIRECTOR for d in row_directors)
            ):
                deferred.append(c)
                continue
            chosen.append(c)
            families[family] = families.get(family, 0) + 1
            for d in row_directors:
                directors[d] = directors.get(d, 0) + 1
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
            used[c.title_id] = used.get(c.title_id, 0) + 1
        row.cards = chosen
        if row.kind == "theme":
            themes_kept += 1
        out.append(row)
    # A page of more rows than this is scrolled past; fewer rows keep it fast to build and load.
    return sorted(out, key=lambda r: -r.relevance)[:MAX_ROWS]
