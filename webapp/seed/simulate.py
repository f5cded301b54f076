"""Simulated viewing: what each hidden taste does on the site over the seed's window.

One `ViewerSimulation` per profile turns the traits drawn in
webapp.seed.population into the same events the site logs (impressions,
clicks, plays with sparse heartbeats, pauses, seeks, completions,
abandons, ratings, My List, searches) and the current-state rows
(WatchState, EpisodeProgress, Rating, ListItem) those events imply.

This module holds a profile's taste, its sessions and the results; what
happens within a session is split by behaviour into mixins: browsing the home
page (webapp.seed.browsing), searching (webapp.seed.searching) and watching
(webapp.seed.watching). Times are seconds relative to `now` (negative = in
the past) until written.
"""

import math
from datetime import datetime, timedelta

import numpy as np

from webapp.seed.browsing import BrowsingBehaviour
from webapp.seed.catalog_files import GENRES
from webapp.seed.population import DEVICES, KIDS_SEGMENT, NIGHT_GENRES, Viewer
from webapp.seed.searching import SearchBehaviour
from webapp.seed.viewing_state import DAY, CatalogView, Outcome, PlayState, _standardize
from webapp.seed.watching import PlaybackBehaviour

__all__ = ["DAY", "EVENT_KEYS", "CatalogView", "Outcome", "PlayState", "ViewerSimulation"]

# Planted: which screen a session is on depends on the hour. Multipliers of
# the viewer's own device habits (tv, desktop, mobile, tablet) by local
# daypart: phones in bed at night, the TV in the evening.
DEVICE_BY_DAYPART = {
    "morning": (0.8, 1.0, 1.5, 1.5),
    "afternoon": (0.7, 2.0, 1.2, 1.0),
    "evening": (2.5, 0.8, 0.6, 0.8),
    "night": (0.4, 1.0, 3.5, 1.5),
}
KIDS_MATURITY = 7  # what children pick on a shared profile
EVENT_KEYS = (
    "profile_id",
    "title_id",
    "episode_id",
    "type",
    "value",
    "text",
    "duration",
    "page",
    "row_key",
    "row_pos",
    "col_pos",
    "artwork_variant",
    "occurred_at",
    "local_hour",
    "local_weekday",
    "device",
    "session_id",
    "model_version",
)


class ViewerSimulation(BrowsingBehaviour, SearchBehaviour, PlaybackBehaviour):
    """Runs one profile's sessions over the window and records what happened."""

    def __init__(self, view: CatalogView, viewer: Viewer, now: datetime, days: int, seed: int):
        self.view = view
        self.viewer = viewer
        self.now = now
        self.days = days
        self.rng = np.random.default_rng([seed, 7919, viewer.index])
        self.visible = view.maturity_age <= viewer.plan.maturity_limit
        self.events: list[dict] = []
        self.watch: dict[int, PlayState] = {}
        self.status: dict[int, str] = {}  # progress | completed | abandoned
        self.completed = np.zeros(len(view), dtype=bool)
        self.episode_progress: dict[int, dict] = {}
        self.ratings: dict[int, tuple[int, float]] = {}
        self.my_list: dict[int, float] = {}
        self.session = ("", "tv")
        self.z_day, self.z_evening = self._preferences()
        self.kids_starts: set[float] = set()
        self.z_kids = self._kids_preferences() if viewer.plan.shared_with_kids else None
        self.preferred_style = viewer.segment.artwork_style
        self.preferred_cut = viewer.segment.trailer_cut

    # -- taste -----------------------------------------------------------------------------

    def _preferences(self) -> tuple[np.ndarray, np.ndarray]:
        """Standardised match of every title by day and by evening (the planted daypart shift)."""
        view, viewer = self.view, self.viewer
        base = view.genre_matrix @ viewer.genre_taste / view.genre_sizes
        words = np.array([viewer.keyword_taste.get(k, 0.0) for k in view.keyword_names])
        if len(words):
            base = base + 0.6 * (view.keyword_matrix @ words) / view.keyword_sizes
        centre, width = viewer.era
        base = base - 0.5 * np.clip(((view.year - centre) / width) ** 2, 0, 3)
        base = base + 0.5 * viewer.series_affinity * view.is_series + 0.3 * view.quality
        viewer.favourite_people = self._favourite_people(base)
        liked = set(viewer.favourite_people)
        base = base + 0.7 * np.array([any(p in liked for p in names) for names in view.people])
        shifts = []
        evening = dict(viewer.segment.evening_genres)
        if viewer.plan.shared_with_kids:
            for genre, weight in NIGHT_GENRES.items():
                evening[genre] = evening.get(genre, 0.0) + weight
        for genres in (viewer.segment.daytime_genres, evening):
            vector = np.array([genres.get(g, 0.0) for g in GENRES])
            shifts.append(_standardize(base + 1.5 * view.genre_matrix @ vector / view.genre_sizes))
        return shifts[0], shifts[1]

    def _kids_preferences(self) -> np.ndarray:
        """What the children who borrow this profile like: the kids archetype's genres and words."""
        view, kids = self.view, KIDS_SEGMENT
        taste = np.array([kids.genres.get(g, -0.25) for g in GENRES])
        score = view.genre_matrix @ taste / view.genre_sizes
        words = np.array([kids.keywords.get(k, 0.0) for k in view.keyword_names])
        if len(words):
            score = score + 0.6 * (view.keyword_matrix @ words) / view.keyword_sizes
        return _standardize(score + 0.3 * view.quality)

    def _favourite_people(self, base: np.ndarray) -> list[str]:
        """A few directors and leads of the titles this viewer would like most."""
        order = np.argsort(-np.where(self.visible, base, -np.inf), kind="stable")[:15]
        candidates = sorted({p for i in order for p in self.view.people[i][:3]})
        if not candidates:
            return []
        size = min(3, len(candidates))
        return [str(p) for p in self.rng.choice(candidates, size=size, replace=False)]

    # -- time ------------------------------------------------------------------------------

    def session_starts(self) -> list[float]:
        """Session start times: a Poisson number a day at the viewer's usual hours."""
        viewer, rng = self.viewer, self.rng
        tz = viewer.household.tz_offset
        local_now = self.now + timedelta(hours=tz)
        local_midnight = local_now.replace(hour=0, minute=0, second=0)
        # Seconds from now back to local midnight; the same span in UTC.
        offset = (local_midnight - local_now).total_seconds()
        earliest = -min(self.days, viewer.joined_days_ago) * DAY
        quiet = viewer.churn_quiet_days
        latest = -(quiet * DAY if quiet else 0.0) - 5 * 3600.0
        starts = []
        for day in range(self.days + 1):
            rate = viewer.activity
            weekday = (local_midnight - timedelta(days=day)).weekday()
            if weekday >= 5:
                rate *= 1.35
            if quiet:
                # Planted: activity fades over the two weeks before a profile goes quiet.
                before_quiet = day - quiet
                if 0 <= before_quiet < 14:
                    rate *= 0.3 + 0.7 * before_quiet / 14
            for _ in range(min(int(rng.poisson(rate)), 3)):
                hour = self._session_hour(weekday >= 5)
                t = offset - day * DAY + hour * 3600.0
                if earliest <= t <= latest:
                    starts.append(t)
            if viewer.plan.shared_with_kids:
                t = offset - day * DAY + self._kids_hour(weekday >= 5) * 3600.0
                if not math.isnan(t) and earliest <= t <= latest:
                    starts.append(t)
                    self.kids_starts.add(t)
        return sorted(starts)

    def _session_hour(self, weekend: bool) -> float:
        roll = self.rng.random()
        if roll < 0.75:
            hour = self.rng.normal(self.viewer.peak_hour, 1.3)
        elif weekend and roll < 0.9:
            # Weekend days are free: late mornings and afternoons too.
            hour = self.rng.uniform(9, 17)
        else:
            hour = self.rng.uniform(7, 24)
        return float(hour % 24)

    def _kids_hour(self, weekend: bool) -> float:
        """When the children take the profile: most weekend mornings, some weekday breakfasts."""
        if weekend:
            return float(self.rng.normal(8.5, 0.8)) if self.rng.random() < 0.55 else math.nan
        return float(self.rng.normal(7.2, 0.3)) if self.rng.random() < 0.1 else math.nan

    def _device(self, hour: int) -> str:
        """The session's screen: the viewer's habit, shifted by the time of day."""
        habit = np.full(len(DEVICES), 0.25 / (len(DEVICES) - 1))
        habit[DEVICES.index(self.viewer.device)] = 0.75
        daypart = (
            "morning"
            if 5 <= hour < 12
            else "afternoon"
            if hour < 17
            else "evening"
            if hour < 22
            else "night"
        )
        weights = habit * np.array(DEVICE_BY_DAYPART[daypart])
        return DEVICES[int(self.rng.choice(len(DEVICES), p=weights / weights.sum()))]

    def _context(self, t: float) -> tuple[datetime, int, int]:
        occurred = self.now + timedelta(seconds=int(t))
        local = occurred + timedelta(hours=self.viewer.household.tz_offset)
        return occurred, local.hour, local.weekday()

    def emit(self, t: float, kind: str, index: int | None = None, **fields) -> None:
        occurred, hour, weekday = self._context(t)
        event = dict.fromkeys(EVENT_KEYS)
        event.update(
            profile_id=self.viewer.profile_id,
            title_id=self.view.ids[index] if index is not None else None,
            type=kind,
            occurred_at=occurred,
            local_hour=hour,
            local_weekday=weekday,
            session_id=self.session[0],
            device=self.session[1],
        )
        event.update(fields)
        self.events.append(event)

    # -- sessions --------------------------------------------------------------------------

    def run(self) -> Outcome:
        last_end = -math.inf
        for start in self.session_starts():
            if start < last_end + 600:
                continue
            last_end = self.run_session(start)
        return self.outcome()

    def run_session(self, t: float) -> float:
        rng, viewer = self.rng, self.viewer
        _, hour, _ = self._context(t)
        children = t in self.kids_starts
        if children:
            device = "tv" if rng.random() < 0.85 else "tablet"
        else:
            device = self._device(hour)
        self.session = (rng.bytes(8).hex(), device)
        available = self.visible & (self.view.added_ago >= -t)
        if children:
            available &= self.view.maturity_age <= KIDS_MATURITY
        if not available.any():
            return t
        if children:
            z = self.z_kids
        else:
            z = self.z_evening if (hour >= 18 or hour < 5) else self.z_day
        budget = min(float(rng.lognormal(math.log(95 * 60), 0.5)), 4 * 3600.0)
        if viewer.plan.is_kids or children:
            budget *= 0.6
        end = t + budget
        impressions = self.home_page(t, available, z)
        # The hero previews a title the page puts first; one already in progress is resumed instead.
        if impressions and impressions[0][1] != "continue-watching":
            after = self.hero_preview(impressions[0][0], t, z, end)
            if after is not None:
                self.tidy_up(after)
                return after
        t += 40.0 + float(rng.uniform(0, 40))
        if rng.random() < 0.12:  # just browsing
            return t
        for action in range(4):
            if t >= end or (action > 0 and rng.random() < 0.35):
                break
            if rng.random() < viewer.search_habit:
                t = self.search(t, available, z, end)
            else:
                chosen = self.pick(impressions, z)
                if chosen is None:
                    break
                t = self.from_impression(chosen, t, z, end)
            t += float(rng.uniform(5, 90))
        self.tidy_up(t)
        return t

    # -- results ---------------------------------------------------------------------------

    def at(self, t: float) -> datetime:
        return self.now + timedelta(seconds=int(t))

    def outcome(self) -> Outcome:
        pid, ids = self.viewer.profile_id, self.view.ids
        watch_states = [
            {
                "profile_id": pid,
                "title_id": ids[i],
                "episode_id": s.episode_id,
                "position": s.position,
                "duration": s.duration,
                "completed": s.completed,
                "times_completed": s.times_completed,
                "hidden": False,
                "started_at": self.at(s.started_at),
                "updated_at": self.at(s.updated_at),
            }
            for i, s in sorted(self.watch.items())
        ]
        episode_progress = [
            {
                "profile_id": pid,
                "episode_id": eid,
                "position": p["position"],
                "duration": p["duration"],
                "completed": p["completed"],
                "updated_at": self.at(p["updated_at"]),
            }
            for eid, p in sorted(self.episode_progress.items())
        ]
        ratings = [
            {"profile_id": pid, "title_id": ids[i], "value": v, "updated_at": self.at(at)}
            for i, (v, at) in sorted(self.ratings.items())
        ]
        list_items = [
            {"profile_id": pid, "title_id": ids[i], "added_at": self.at(at)}
            for i, at in sorted(self.my_list.items())
        ]
        return Outcome(self.events, watch_states, episode_progress, ratings, list_items)
