"""The demo seed: the catalog from webapp/seed/catalog/*.json plus simulated viewers.

`seed_demo()` loads the catalog through webapp.catalog.service, creates the
demo logins (admin@marquee.local, viewer1@ and viewer2@marquee.local, all with
password "marquee-demo") and simulated households (simulated-NNNN@marquee.local,
same password), then simulates `days` days of viewing into the event log and
the current-state tables. The same seed and `now` give the same rows.

Planted patterns (known only to the seed; the app and the analytics must
discover them from the log):

* Taste: each profile belongs to a segment (webapp.seed.population.SEGMENTS:
  thrill-seekers, classic-cinephiles, comfort-watchers, dark-genre-fans,
  series-bingers, curious-minds; kids profiles to "kids") with individual
  noise, favourite people, an era, a series affinity. What a profile plays
  is a softmax over taste match, popularity and its history, so a
  recommender can learn it. Ratings follow the match.
* Artwork: each segment prefers one artwork style (thrill-seekers and
  curious-minds: landscape; classic-cinephiles: typographic; comfort-watchers
  and series-bingers: portrait; dark-genre-fans and kids: emblem).
  Impressions show a variant chosen uniformly at random; an impression in the
  preferred style is ART_BOOST (2.2) times as likely to be the one clicked.
* Churn: a profile's risk rises with low patience (fewer completions, more
  abandons), narrow taste (few genres) and few My List adds
  (population.churn_risk). Churned profiles fade over two weeks, then have no
  activity at all in the last 14-28 days of the window (only when days >= 21).
* Daypart: thrill-seekers watch Action/Adventure by day and Crime/Thriller in
  the evening; comfort-watchers Comedy/Family by day and Romance/Drama in the
  evening; dark-genre-fans Science Fiction/Fantasy by day and Horror/Thriller
  in the evening (evening = local 18:00-05:00).
* Cohorts: about 28 % of simulated households join during the window.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from flask import current_app
from sqlalchemy import func, select
from tqdm import tqdm

from webapp.activity import vocabulary as ev
from webapp.auth.accounts import register_account
from webapp.caching import send_catalog_changed
from webapp.catalog.service import Catalog
from webapp.extensions import db
from webapp.models import (
    Account,
    EpisodeProgress,
    Event,
    ListItem,
    Profile,
    Rating,
    Title,
    WatchState,
)
from webapp.models.base import utcnow
from webapp.seed.bulk import insert_rows
from webapp.seed.catalog_files import GENRES, load_records, title_spec
from webapp.seed.errors import SeedError
from webapp.seed.population import (
    DEMO_PASSWORD,
    Household,
    Viewer,
    demo_households,
    draw_viewer,
    plan_households,
)
from webapp.seed.simulate import DAY, CatalogView, Outcome, ViewerSimulation

__all__ = ["SeedError", "SeedSummary", "database_is_empty", "seed_demo"]


@dataclass
class SeedSummary:
    films: int = 0
    series: int = 0
    episodes: int = 0
    accounts: int = 0
    profiles: int = 0
    kids_profiles: int = 0
    events: int = 0
    interactions: int = 0
    impressions: int = 0
    days: int = 0
    seconds: float = 0.0

    @property
    def titles(self) -> int:
        return self.films + self.series

    def describe(self) -> str:
        return (
            f"Seeded {self.titles:,} titles ({self.films:,} films, {self.series:,} series with "
            f"{self.episodes:,} episodes), {self.accounts:,} accounts with {self.profiles:,} "
            f"profiles ({self.kids_profiles:,} kids), and {self.events:,} events over {self.days} "
            f"days ({self.interactions:,} interactions, {self.impressions:,} impressions) "
            f"in {self.seconds:.1f} s."
        )


def database_is_empty() -> bool:
    """True when the catalog has no titles yet (what `seed-demo --if-empty` checks)."""
    return db.session.scalar(select(func.count()).select_from(Title)) == 0


def seed_demo(
    n_profiles: int = 520,
    seed: int = 7,
    days: int = 90,
    progress: bool = True,
    now: datetime | None = None,
    catalog_dir: Path | None = None,
) -> SeedSummary:
    """Load the demo catalog, accounts and simulated viewing; commit and summarise.

    The catalog is read from `catalog_dir`, else the app's DEMO_CATALOG_DIR
    setting. Bad input raises SeedError.
    """
    if not isinstance(n_profiles, int) or n_profiles < 1:
        raise SeedError("The number of profiles must be a whole number of at least 1.")
    if not isinstance(days, int) or not 1 <= days <= 3650:
        raise SeedError("The number of days must be between 1 and 3650.")
    if not isinstance(seed, int):
        raise SeedError("The seed must be a whole number.")
    began = time.perf_counter()
    records = load_records(catalog_dir or current_app.config["DEMO_CATALOG_DIR"])
    _check_not_seeded()
    now = _as_naive_utc(now or utcnow())
    rng = np.random.default_rng(seed)
    try:
        summary = _seed(records, n_profiles, seed, days, progress, now, rng)
        send_catalog_changed()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    summary.seconds = time.perf_counter() - began
    return summary


def _as_naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _check_not_seeded() -> None:
    """Refuse to seed twice: demo titles or any of the seed's email addresses exist."""
    demo_title = db.session.scalar(select(Title.id).where(Title.source == "demo").limit(1))
    emails = [h.email for h in demo_households()]
    taken = db.session.scalar(
        select(Account.email)
        .where(Account.email.in_(emails) | Account.email.like("simulated-%@marquee.local"))
        .limit(1)
    )
    if demo_title is not None or taken:
        raise SeedError(
            "The database already holds demo data"
            + (f" ({taken} exists)" if taken else "")
            + "; seed an empty database (or use --if-empty to leave it as it is)."
        )


def _seed(records, n_profiles, seed, days, progress, now, rng) -> SeedSummary:
    titles = add_catalog(records, now, rng, progress)
    households = plan_households(n_profiles, days, rng)
    viewers = create_people(households, now, days, rng)
    view = catalog_view(titles, now, rng)
    outcomes = []
    with tqdm(
        total=len(viewers), desc="Simulating viewers", unit="profile", disable=not progress
    ) as bar:
        for viewer in viewers:
            outcomes.append(ViewerSimulation(view, viewer, now, days, seed).run())
            bar.update()
    summary = SeedSummary(
        films=sum(1 for t in titles if t.kind == "film"),
        series=sum(1 for t in titles if t.kind == "series"),
        episodes=sum(len(s.episodes) for t in titles for s in t.seasons),
        accounts=len(households),
        profiles=len(viewers),
        kids_profiles=sum(1 for v in viewers if v.plan.is_kids),
        days=days,
    )
    write_outcomes(outcomes, summary, progress)
    return summary


def add_catalog(
    records: list[dict], now: datetime, rng: np.random.Generator, progress: bool = False
) -> list[Title]:
    """Create every title, staggering when each was added over the last ~120 days."""
    catalog, titles = Catalog(), []
    with db.session.no_autoflush:
        for record in tqdm(records, desc="Catalog", unit="title", disable=not progress):
            title = catalog.create_title(title_spec(record))
            title.added_at = now - timedelta(seconds=int(_added_days_ago(rng) * DAY))
            for artwork in title.artworks:
                artwork.created_at = title.added_at
            titles.append(title)
    db.session.flush()
    return titles


def _added_days_ago(rng: np.random.Generator) -> float:
    """Most titles came with the launch catalog; some were added since, a few this week."""
    roll = rng.random()
    if roll < 0.7:
        return float(rng.uniform(100, 120))
    if roll < 0.95:
        return float(rng.uniform(7, 100))
    return float(rng.uniform(0.2, 7))


def create_people(
    households: list[Household], now: datetime, days: int, rng: np.random.Generator
) -> list[Viewer]:
    """Accounts and profiles (flushed for their ids) and each profile's hidden traits."""
    # Hash once (the model picks the method) and share it: one scrypt per account is slow.
    template = Account(email="", password_hash="")
    template.set_password(DEMO_PASSWORD)
    shared_hash = template.password_hash
    viewers: list[Viewer] = []
    profiles: list[Profile] = []
    for household in households:
        if household.demo:
            account = register_account(household.email, DEMO_PASSWORD, is_admin=household.is_admin)
        else:
            account = Account(email=household.email, password_hash=shared_hash)
            db.session.add(account)
        account.session_token = rng.bytes(8).hex()
        account.created_at = now - timedelta(seconds=int(household.joined_days_ago * DAY))
        for plan in household.profiles:
            viewer = draw_viewer(len(viewers), household, plan, days, rng)
            profile = Profile(
                name=plan.name,
                avatar_color=plan.avatar_color,
                maturity_limit=plan.maturity_limit,
                is_kids=plan.is_kids,
                onboarded=True,
                created_at=now - timedelta(seconds=int(viewer.joined_days_ago * DAY)),
            )
            account.profiles.append(profile)
            viewers.append(viewer)
            profiles.append(profile)
    db.session.flush()
    for viewer, profile in zip(viewers, profiles, strict=True):
        viewer.profile_id = profile.id
    return viewers


def catalog_view(titles: list[Title], now: datetime, rng: np.random.Generator) -> CatalogView:
    """The arrays the simulation reads, plus each title's hidden popularity and quality."""
    keyword_names = sorted({k.name for t in titles for k in t.keywords})
    keyword_index = {name: k for k, name in enumerate(keyword_names)}
    genre_index = {name: g for g, name in enumerate(GENRES)}
    genre_matrix = np.zeros((len(titles), len(GENRES)))
    keyword_matrix = np.zeros((len(titles), len(keyword_names)))
    for i, title in enumerate(titles):
        for genre in title.genres:
            if genre.name in genre_index:
                genre_matrix[i, genre_index[genre.name]] = 1
        for keyword in title.keywords:
            keyword_matrix[i, keyword_index[keyword.name]] = 1
    episodes = [
        [(e.id, 60.0 * e.runtime_minutes) for s in t.seasons for e in s.episodes] for t in titles
    ]
    return CatalogView(
        ids=[t.id for t in titles],
        names=[t.name for t in titles],
        is_series=np.array([t.kind == "series" for t in titles]),
        genre_matrix=genre_matrix,
        keyword_names=keyword_names,
        keyword_matrix=keyword_matrix,
        people=[[c.person.name for c in t.credits] for t in titles],
        year=np.array([t.year or 2000 for t in titles], dtype=float),
        runtime=np.array([60.0 * (t.runtime_minutes or 90) for t in titles]),
        maturity_age=np.array([t.maturity_age for t in titles]),
        added_ago=np.array([(now - t.added_at).total_seconds() for t in titles]),
        popularity=rng.normal(0, 1, len(titles)),
        quality=rng.normal(0, 1, len(titles)),
        artworks=[
            [(a.variant, a.style) for a in sorted(t.artworks, key=lambda a: a.variant)]
            for t in titles
        ],
        episodes=episodes,
    )


def write_outcomes(outcomes: list[Outcome], summary: SeedSummary, progress: bool) -> None:
    """Events in time order, then the current-state rows, in bulk."""
    events = [e for o in outcomes for e in o.events]
    order = sorted(range(len(events)), key=lambda k: (events[k]["occurred_at"], k))
    events = [events[k] for k in order]
    summary.events = len(events)
    summary.impressions = sum(1 for e in events if e["type"] == ev.IMPRESSION)
    summary.interactions = sum(1 for e in events if e["type"] in ev.INTERACTIONS)
    tables = (
        (WatchState, [r for o in outcomes for r in o.watch_states]),
        (EpisodeProgress, [r for o in outcomes for r in o.episode_progress]),
        (Rating, [r for o in outcomes for r in o.ratings]),
        (ListItem, [r for o in outcomes for r in o.list_items]),
    )
    total = len(events) + sum(len(rows) for _, rows in tables)
    with tqdm(total=total, desc="Writing activity", unit="row", disable=not progress) as bar:
        insert_rows(Event, events, bar)
        for model, rows in tables:
            insert_rows(model, rows, bar)
