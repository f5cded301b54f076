"""Every browse page of rows (home, Films, Series): its cache key, its build, its hero and its HTML.

The key holds everything the rows are computed from beyond the catalog: the
profile's own state (a fingerprint of its resume points, ratings, list and
episode progress, read in one indexed query), its maturity limit, whether it
hides AI-generated titles, its name, the served model version, the ages of
the catalog index and the trending figures, and the request's coarse time of
day and device where context re-ranks the profile (webapp.home.context_rows).
The catalog itself is covered by the app's page cache being emptied on every
catalog change (webapp.caching). The cached HTML holds nothing tied to a browser session.
"""

import hashlib
import logging
import zlib
from dataclasses import dataclass

from flask import render_template, url_for
from sqlalchemy import bindparam, func, select

from webapp.caching import catalog_caches
from webapp.catalog.visibility import restrict
from webapp.extensions import db
from webapp.home import context_rows
from webapp.home.cards import showcase
from webapp.home.catalog_index import CatalogIndex, catalog_index
from webapp.home.fill import ALWAYS_SHOWN, MIN_ROW, fill
from webapp.home.planning import plan_rows
from webapp.home.state import load_state
from webapp.home.trending import trending
from webapp.home.types import CARD_COLUMNS, CardTitle, Row, RowItem
from webapp.models import EpisodeProgress, ListItem, Profile, Rating, Title, WatchState
from webapp.personalization.artwork import choose_variants
from webapp.recommendations import wording
from webapp.recommendations.feedback import profile_history, read_profile_rows
from webapp.recommendations.store import model_for_catalog, model_store
from webapp.watch.resume import PlayTarget, resume_target

log = logging.getLogger(__name__)

N_ARTWORK_VARIANTS = 4


@dataclass
class HomePage:
    rows: list[Row]
    model_version: str | None
    personalised: bool

    @property
    def hero(self):
        return featured(self.rows)


def featured(rows: list[Row]):
    """The title shown large above a page's rows: the first card of the first row."""
    return rows[0].items[0].title if rows and rows[0].items else None


def hero_play(profile: Profile, hero) -> PlayTarget | None:
    """Where the hero's Play (or Resume) button starts the profile; None with no hero."""
    return resume_target(profile, hero) if hero is not None else None


_PROFILE = bindparam("profile_id")
# Built once: composing nine subqueries cost as much as running them.
_FINGERPRINT = select(
    select(func.count()).where(WatchState.profile_id == _PROFILE).scalar_subquery(),
    select(func.max(WatchState.updated_at))
    .where(WatchState.profile_id == _PROFILE)
    .scalar_subquery(),
    select(func.count())
    .where(WatchState.profile_id == _PROFILE, WatchState.hidden.is_(True))
    .scalar_subquery(),
    select(func.count()).where(Rating.profile_id == _PROFILE).scalar_subquery(),
    select(func.max(Rating.updated_at)).where(Rating.profile_id == _PROFILE).scalar_subquery(),
    select(func.count()).where(ListItem.profile_id == _PROFILE).scalar_subquery(),
    select(func.max(ListItem.added_at)).where(ListItem.profile_id == _PROFILE).scalar_subquery(),
    select(func.count()).where(EpisodeProgress.profile_id == _PROFILE).scalar_subquery(),
    select(func.max(EpisodeProgress.updated_at))
    .where(EpisodeProgress.profile_id == _PROFILE)
    .scalar_subquery(),
)


def profile_fingerprint(profile_id: int) -> tuple:
    """Counts and latest changes of the profile's current-state rows, in one round trip."""
    row = db.session.execute(_FINGERPRINT, {"profile_id": profile_id}).one()
    return tuple(str(v) for v in row)


def page_inputs() -> tuple[CatalogIndex, object, str | None]:
    """The catalog index, the served model (None: popularity rows) and its version, read once."""
    index = catalog_index()
    model = model_for_catalog(index.max_id)
    return index, model, (model_store().version if model is not None else None)


KINDS = ("film", "series")


def home_rows_html(profile: Profile, kind: str | None = None) -> str:
    """The rows' HTML from the app's page cache, or built now when anything they depend on changed.

    ``kind`` None is the home page; "film" or "series" the Films or Series page.
    """
    caches = catalog_caches()
    index, model, version = page_inputs()
    situation = context_rows.situation(profile)
    key = (
        kind,
        profile.id,
        profile.name,
        profile.maturity_limit,
        profile.hide_ai_generated,
        profile_fingerprint(profile.id),
        version,
        index.built_at,
        trending().computed_at,
        context_rows.cache_part(model, profile.id, situation),
    )
    blob = caches.get(caches.pages, key)
    if blob is not None:
        return zlib.decompress(blob).decode()
    page = build_home(profile, index, model, version, kind, situation)
    hero = page.hero
    html = render_template(
        "browse/_home_rows.html",
        rows=page.rows,
        hero=hero,
        hero_art=showcase(hero.id) if hero else None,
        # The fingerprint in the key changes with the profile's progress, so a
        # cached page never offers to resume from an old position.
        hero_play=hero_play(profile, hero),
        page=page,
        profile=profile,
        kind=kind,
    )
    caches.put(caches.pages, key, zlib.compress(html.encode(), 1))
    return html


def build_home(
    profile: Profile,
    index: CatalogIndex,
    model,
    version: str | None,
    kind: str | None = None,
    situation=None,
) -> HomePage:
    """The rows for this profile (of one kind of title, or all), as typed values for the template.

    Planned as title ids, filled under the page-wide caps, then the chosen
    titles are loaded in one query that applies the visibility rule once more.
    ``situation`` is the request's time of day and device (webapp.home.context_rows).
    """
    own = read_profile_rows(profile.id)
    state = load_state(profile.id, own)
    history = profile_history(profile.id, rows=own)
    filled = fill(plan_rows(profile, index, state, history, model, kind, situation), index)

    needed = {c.title_id for r in filled for c in r.cards}
    needed |= {r.anchor for r in filled if r.anchor} | {
        c.anchor for r in filled for c in r.cards if c.anchor
    }
    titles = {
        row[0]: CardTitle._make(row)
        for row in db.session.execute(
            restrict(select(*CARD_COLUMNS).where(Title.id.in_(needed)), profile)
        )
    }
    variants = _artwork_variants(profile.id, sorted(titles), index)
    rows = []
    for row in filled:
        name = row.title
        if row.kind == "because":
            anchor = titles.get(row.anchor)
            if anchor is None:
                continue
            name = wording.because(row.evidence, anchor.name)
        items = tuple(
            RowItem(
                titles[c.title_id],
                variants.get(c.title_id, 0),
                _reason(c, titles),
                c.score,
                c.progress,
                c.note,
                c.rank,
            )
            for c in row.cards
            # A card whose reason names a title this profile may not see is left out.
            if c.title_id in titles and (c.anchor is None or c.anchor in titles)
        )
        if len(items) < (1 if row.key in ALWAYS_SHOWN or row.fallback else MIN_ROW):
            continue
        href = url_for("browse.genre", slug=row.genre, kind=kind) if row.genre else row.href
        rows.append(Row(row.key, name, items, href, row.kind, anchor=row.anchor))
    return HomePage(rows, version, model is not None)


def _reason(card, titles: dict[int, CardTitle]) -> str | None:
    """The card's reason, naming its anchor title where it has one."""
    if card.anchor is None:
        return card.reason
    return card.reason.format(anchor=titles[card.anchor].name)


def _artwork_variants(profile_id: int, title_ids: list[int], index: CatalogIndex) -> dict[int, int]:
    """The artwork bandit's choice; a stable spread when its stored posteriors are unreadable."""
    try:
        return choose_variants(profile_id, title_ids, catalog_styles=index.artwork)
    except Exception:  # the page must render even if the bandit's cache is broken
        log.exception("artwork choice failed; using a stable spread")
    out = {}
    for t in title_ids:
        digest = hashlib.blake2b(f"{profile_id}:{t}".encode(), digest_size=2).digest()
        out[t] = int.from_bytes(digest, "big") % N_ARTWORK_VARIANTS
    return out
