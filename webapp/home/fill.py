"""Filling planned rows: order by relevance, show each title once and cap each row's sameness.

A title appears once on a page (Continue Watching and My List aside: they are
the profile's own, and may hold a title another row recommends), a row that
meets a title already shown takes its next best candidate, and a row holds at
most PER_FRANCHISE titles of one franchise and PER_DIRECTOR of one director,
so no row is a wall of one series. The same caps fill the home, Films and
Series pages.
"""

from webapp.home.catalog_index import CatalogIndex
from webapp.home.types import PlannedRow

# Rows scroll sideways; two dozen cards fill several screens without bloating the page.
MIN_ROW, MAX_ROW = 10, 20
MAX_ROWS = 14
PER_FRANCHISE = 2
PER_DIRECTOR = 3
THEME_ROWS = 3
# Rows a viewer expects to see even with one card in them; they claim no title from other rows.
ALWAYS_SHOWN = {"continue", "my-list"}
PINNED = {"continue", "my-list", "top10"}


def fill(rows: list[PlannedRow], index: CatalogIndex) -> list[PlannedRow]:
    """Order rows, show each title once, and cap each row's repetitiveness.

    A fallback row (every title, in one short row) is kept only where no other
    row but the profile's own could be filled.
    """
    themes_kept = 0
    ordered = sorted((r for r in rows if not r.fallback), key=lambda r: -r.relevance)
    # The viewer's own rows and the numbered Top 10 claim their titles first;
    # every other row then takes what is left.
    fill_order = sorted(ordered, key=lambda r: r.kind not in PINNED)
    used: set[int] = set()
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
            if t in seen_here or (t in used and row.key not in ALWAYS_SHOWN):
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
        if row.key not in ALWAYS_SHOWN:
            used.update(c.title_id for c in chosen)
        row.cards = chosen
        if row.kind == "theme":
            themes_kept += 1
        out.append(row)
    if all(r.key in ALWAYS_SHOWN for r in out):
        # Too few titles for a full row (a kids profile's series): show them all the same.
        for row in (r for r in rows if r.fallback):
            row.cards = list(row.cards)[:MAX_ROW]
            if row.cards:
                out.append(row)
    # A page of more rows than this is scrolled past; fewer rows keep it fast to build and load.
    return sorted(out, key=lambda r: -r.relevance)[:MAX_ROWS]
