"""Simulated viewing: what each hidden taste does on the site over the seed's window.

One `ViewerSimulation` per profile turns the traits drawn in
webapp.seed.population into the same events the site logs (impressions,
clicks, plays with sparse heartbeats, pauses, seeks, completions,
abandons, ratings, My List, searches) and the current-state rows
(WatchState, EpisodeProgress, Rating, ListItem) those events imply.

Playback endings: "complete" at 90 % or more; "pause" when the viewer stops
meaning to come back (the title stays in Continue Watching); "abandon" when
the viewer gives up. Heartbeats are sparse (one per 10 minutes watched).
Times are seconds relative to `now` (negative = in the past) until written.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from webapp.activity import vocabulary as ev
from webapp.catalog.service import slugify
from webapp.media.demo_trailers import CUTS as DEMO_CUTS
from webapp.seed.catalog_files import GENRES
from webapp.seed.population import DEVICES, KIDS_SEGMENT, NIGHT_GENRES, Viewer

DAY = 86400.0
HEARTBEAT_EVERY = 600.0  # seconds of content between heartbeats
# Playback quality by device: median startup seconds, and stalls per ten minutes watched.
QUALITY_STARTUP_MEDIAN = {"tv": 1.8, "desktop": 0.9, "tablet": 1.2, "mobile": 1.4}
QUALITY_STALL_CHANCE = {"tv": 0.05, "desktop": 0.03, "tablet": 0.08, "mobile": 0.15}
COMPLETE_AT = 0.9
ART_BOOST = 2.2  # planted: choice weight of an impression in the segment's preferred style
PREVIEW_PLAY = 0.08  # chance that the hero's preview starts the title at once
PREVIEW_BOOST = 4.0  # planted: that chance times this for the segment's trailer cut
CARDS_VISIBLE = {"tv": 5, "desktop": 6, "tablet": 4, "mobile": 3}
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
# Searches for what the catalog does not have.
MISSING_QUERIES = (
    "anime",
    "bollywood",
    "k drama",
    "cooking show",
    "stand up comedy",
    "telenovela",
    "reality tv",
    "baking competition",
    "chess",
    "true crime podcast",
    "nature 4k",
    "esports",
)
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


@dataclass
class CatalogView:
    """The catalog as arrays, indexed 0..n-1 in title order."""

    ids: list[int]
    names: list[str]
    is_series: np.ndarray
    genre_matrix: np.ndarray  # n x len(GENRES), 0/1
    keyword_names: list[str]
    keyword_matrix: np.ndarray  # n x len(keyword_names), 0/1
    people: list[list[str]]  # person names, directors/creators first, then cast
    year: np.ndarray
    runtime: np.ndarray  # seconds (films)
    maturity_age: np.ndarray
    added_ago: np.ndarray  # seconds before now the title was added
    popularity: np.ndarray  # hidden z-score
    quality: np.ndarray  # hidden z-score
    artworks: list[list[tuple[int, str]]]  # (variant, style)
    episodes: list[list[tuple[int, float]]]  # series: (episode id, runtime seconds) in order
    search_names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.search_names = [_normalize(n) for n in self.names]
        self.genre_sizes = np.sqrt(np.maximum(self.genre_matrix.sum(axis=1), 1))
        self.keyword_sizes = np.sqrt(np.maximum(self.keyword_matrix.sum(axis=1), 1))

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class PlayState:
    """A WatchState row in the making."""

    started_at: float
    updated_at: float
    position: float = 0.0
    duration: float = 0.0
    completed: bool = False
    times_completed: int = 0
    episode_id: int | None = None


@dataclass
class Outcome:
    """What one simulated profile did: events and the current state they imply."""

    events: list[dict]
    watch_states: list[dict]
    episode_progress: list[dict]
    ratings: list[dict]
    list_items: list[dict]


def _normalize(text: str) -> str:
    return " ".join(slugify(text).split("-"))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _standardize(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / (spread if spread > 1e-9 else 1.0)


class ViewerSimulation:
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
        if impressions:
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

    def home_page(self, t: float, available: np.ndarray, z: np.ndarray) -> list[tuple]:
        """Rows of cards as the home page would show them; impressions for what is seen."""
        rng, view = self.rng, self.view
        rows = []
        progress = [i for i, s in self.status.items() if s == "progress" and available[i]]
        progress.sort(key=lambda i: -self.watch[i].updated_at)
        if progress:
            rows.append(("continue-watching", progress[:10]))
        unseen = available & ~self.completed
        rows.append(("top-picks", self._top(z + rng.normal(0, 0.8, len(view)), unseen)))
        fresh = np.clip(1 - view.added_ago / (30 * DAY), 0, 1)
        rows.append(
            (
                "popular",
                self._top(view.popularity + fresh + rng.normal(0, 0.3, len(view)), available),
            )
        )
        rows.append(("new", self._top(-view.added_ago, available)))
        if self.my_list:
            listed = sorted(self.my_list, key=lambda i: -self.my_list[i])
            rows.append(("my-list", [i for i in listed if available[i]][:12]))
        weights = np.exp(self.viewer.genre_taste - self.viewer.genre_taste.max())
        for g in rng.choice(len(GENRES), size=2, replace=False, p=weights / weights.sum()):
            in_genre = available & (view.genre_matrix[:, g] > 0)
            score = view.popularity + rng.normal(0, 0.5, len(view))
            rows.append((f"genre-{slugify(GENRES[g])}", self._top(score, in_genre)))
        rows = [r for r in rows if r[1]]
        # Everyone sees the first two rows; scrolling further gets rarer row by row.
        seen_rows = min(len(rows), 1 + int(rng.geometric(0.45)))
        visible_cards = CARDS_VISIBLE[self.session[1]]
        impressions = []
        for row_pos, (row_key, items) in enumerate(rows[:seen_rows]):
            cards = visible_cards * (2 if rng.random() < 0.25 else 1)
            for col_pos, index in enumerate(items[:cards]):
                variants = view.artworks[index]
                variant, style = (
                    variants[int(rng.integers(len(variants)))] if variants else (None, "")
                )
                self.emit(
                    t + row_pos * 4 + col_pos * 0.5,
                    ev.IMPRESSION,
                    index,
                    page="home",
                    row_key=row_key,
                    row_pos=row_pos,
                    col_pos=col_pos,
                    artwork_variant=variant,
                )
                impressions.append((index, row_key, row_pos, col_pos, variant, style))
        return impressions

    def hero_preview(self, index: int, t: float, z: np.ndarray, end: float) -> float | None:
        """The hero's muted preview, a random demo cut (`text`: the seed of trailer cuts turns it
        into the variant id); the segment's planted cut more often starts the title at once.
        The time after that playback, or None when the viewer browses on."""
        cut = DEMO_CUTS[int(self.rng.integers(len(DEMO_CUTS)))].name
        self.emit(t + 1.0, ev.PREVIEW, index, page="home", text=cut)
        chance = PREVIEW_PLAY * (PREVIEW_BOOST if cut == self.preferred_cut else 1.0)
        if self.rng.random() < chance * self.appeal_share(index, z):
            return self.play(index, t + float(self.rng.uniform(8, 30)), z, end)
        return None

    def appeal_share(self, index: int, z: np.ndarray) -> float:
        """How much more than usual the title appeals (0.5 to 1.5): taste still decides."""
        return 0.5 + _sigmoid(self.appeal(index, z))

    def _top(self, score: np.ndarray, mask: np.ndarray, size: int = 12) -> list[int]:
        masked = np.where(mask, score, -np.inf)
        order = np.argsort(-masked, kind="stable")[:size]
        return [int(i) for i in order if np.isfinite(masked[i])]

    def appeal(self, index: int, z: np.ndarray) -> float:
        """Utility of a title now: taste, popularity, and where the viewer stands with it."""
        bonus = {
            "progress": 2.2 if self.view.is_series[index] else 1.6,
            "completed": -3.5,
            "abandoned": -4.0,
        }.get(self.status.get(index), 0.0)
        if index in self.my_list:
            bonus += 0.8
        return self.viewer.beta * float(z[index]) + 0.5 * float(self.view.popularity[index]) + bonus

    def pick(self, impressions: list[tuple], z: np.ndarray) -> tuple | None:
        """Softmax over what is on screen; the preferred artwork style draws more clicks."""
        if not impressions:
            return None
        utilities = np.array([self.appeal(imp[0], z) for imp in impressions])
        weights = np.exp(utilities - utilities.max())
        for k, imp in enumerate(impressions):
            weights[k] /= 1 + 0.08 * imp[3] + 0.1 * imp[2]
            if imp[5] == self.preferred_style:
                weights[k] *= ART_BOOST
        return impressions[int(self.rng.choice(len(impressions), p=weights / weights.sum()))]

    def from_impression(self, impression: tuple, t: float, z: np.ndarray, end: float) -> float:
        index, row_key, row_pos, col_pos, variant, _ = impression
        rng = self.rng
        self.emit(
            t,
            ev.CLICK,
            index,
            page="home",
            row_key=row_key,
            row_pos=row_pos,
            col_pos=col_pos,
            artwork_variant=variant,
        )
        t += float(rng.uniform(5, 40))
        new_to_viewer = index not in self.my_list and self.status.get(index) is None
        save = _sigmoid(-2.3 + 0.9 * self.viewer.list_habit + 0.4 * z[index])
        if new_to_viewer and rng.random() < save:
            self.emit(t, ev.LIST_ADD, index, page="title")
            self.my_list[index] = t
            t += float(rng.uniform(3, 20))
            if rng.random() < 0.6:
                return t
        if rng.random() < 0.1:  # looked at the page, went back
            return t
        return self.play(index, t, z, end)

    # -- search ----------------------------------------------------------------------------

    def search(self, t: float, available: np.ndarray, z: np.ndarray, end: float) -> float:
        """A typed query, its result count, and maybe a click and a play."""
        rng, view = self.rng, self.view
        roll = rng.random()
        candidates: list[int] = []
        if roll < 0.55:
            target = self._choose(np.flatnonzero(available), z)
            query = self._title_query(view.names[target])
            needle = _normalize(query)
            candidates = [i for i in np.flatnonzero(available) if needle in view.search_names[i]]
            if target in candidates:
                candidates.remove(target)
            candidates.insert(0, target)
        elif roll < 0.7 and self.viewer.favourite_people:
            person = self.viewer.favourite_people[
                int(rng.integers(len(self.viewer.favourite_people)))
            ]
            query = person.lower() if rng.random() < 0.5 else person.split()[-1].lower()
            candidates = [i for i in np.flatnonzero(available) if person in view.people[i]]
        elif roll < 0.9:
            weights = np.exp(self.viewer.genre_taste - self.viewer.genre_taste.max())
            g = int(rng.choice(len(GENRES), p=weights / weights.sum()))
            name = GENRES[g].lower()
            query = [name, f"{name} movies", f"best {name}", f"{name} series"][int(rng.integers(4))]
            members = np.flatnonzero(available & (view.genre_matrix[:, g] > 0))
            candidates = sorted(members.tolist(), key=lambda i: -view.popularity[i])
        else:
            query = MISSING_QUERIES[int(rng.integers(len(MISSING_QUERIES)))]
        if rng.random() < 0.15:
            query = self._typo(query)
        self.emit(t, ev.SEARCH, None, page="search", text=query, value=float(len(candidates)))
        t += float(rng.uniform(4, 25))
        if not candidates or rng.random() < 0.2:
            return t
        shown = candidates[:20]
        chosen = (
            shown[0] if roll < 0.55 and rng.random() < 0.85 else self._choose(np.array(shown), z)
        )
        self.emit(
            t,
            ev.SEARCH_CLICK,
            chosen,
            page="search",
            text=query,
            row_pos=0,
            col_pos=shown.index(chosen),
        )
        t += float(rng.uniform(5, 30))
        if rng.random() < 0.15:
            return t
        return self.play(chosen, t, z, end)

    def _choose(self, indexes: np.ndarray, z: np.ndarray) -> int:
        utilities = np.array([self.appeal(int(i), z) for i in indexes])
        weights = np.exp(utilities - utilities.max())
        return int(indexes[int(self.rng.choice(len(indexes), p=weights / weights.sum()))])

    def _title_query(self, name: str) -> str:
        text = name.lower()
        words = text.split()
        roll = self.rng.random()
        if roll < 0.2 and words[0] == "the" and len(words) > 1:
            return " ".join(words[1:])
        if roll < 0.45 and len(words) > 2:
            return " ".join(words[:2])
        if roll < 0.55 and len(text) > 6:
            return text[: int(self.rng.integers(4, len(text)))]
        return text

    def _typo(self, query: str) -> str:
        """A slip of the finger: a dropped, doubled or swapped letter."""
        spots = [
            i for i in range(1, len(query) - 1) if query[i].isalpha() and query[i + 1].isalpha()
        ]
        if not spots:
            return query
        i = spots[int(self.rng.integers(len(spots)))]
        kind = int(self.rng.integers(3))
        if kind == 0:
            return query[:i] + query[i + 1 :]
        if kind == 1:
            return query[:i] + query[i] + query[i:]
        return query[:i] + query[i + 1] + query[i] + query[i + 2 :]

    # -- playback --------------------------------------------------------------------------

    def play(self, index: int, t: float, z: np.ndarray, end: float) -> float:
        if self.view.is_series[index] and self.view.episodes[index]:
            return self.play_series(index, t, z, end)
        return self.play_film(index, t, z, end)

    def _plan_playback(
        self, start: float, duration: float, match: float, t: float, end: float, ease: float
    ) -> tuple[float, str]:
        """Where playback stops and how: complete, pause (to come back) or abandon."""
        rng, viewer = self.rng, self.viewer
        resumed = 0.8 if start > 0 else 0.0
        if rng.random() < _sigmoid(1.4 * match + 0.8 * viewer.patience + ease + resumed):
            stop, ending = duration * float(rng.uniform(0.93, 1.0)), ev.COMPLETE
        else:
            share = rng.uniform(0.02, 0.3) if match < 0 else rng.uniform(0.1, 0.85)
            stop = min(max(start + 60.0, duration * float(share)), duration * 0.89)
            comeback = _sigmoid(0.6 * match + 0.6 * viewer.patience - 1.2)
            ending = ev.PAUSE if rng.random() < comeback else ev.ABANDON
        if stop - start > end - t:
            stop = min(start + max(300.0, end - t), duration * 0.89)
            ending = ev.PAUSE
        return max(stop, start), ending

    def playback_quality(
        self, index: int, episode_id: int | None, t: float, seconds: float
    ) -> None:
        """Startup time and the odd rebuffer of one sitting, as the player logs them.

        Drawn from their own generator so the rest of the simulation is unchanged.
        Startup is slower on TVs and phones; phones rebuffer more often.
        """
        rng = np.random.default_rng([self.viewer.index, int(abs(t) * 10), 31337])
        device = self.session[1]
        median = QUALITY_STARTUP_MEDIAN.get(device, 1.0)
        common = {"episode_id": episode_id, "page": "player"}
        startup = min(float(rng.lognormal(math.log(median), 0.45)), 30.0)
        self.emit(t - 1.0, ev.STARTUP, index, value=round(startup, 3), text="click", **common)
        stall_chance = QUALITY_STALL_CHANCE.get(device, 0.06)
        for _ in range(int(rng.poisson(stall_chance * max(seconds, 0) / 600))):
            at = t + float(rng.uniform(0, max(seconds, 1)))
            stall = min(float(rng.lognormal(math.log(1.2), 0.7)), 60.0)
            self.emit(at, ev.REBUFFER, index, value=round(stall, 3), **common)

    def playback(
        self,
        index: int,
        episode_id: int | None,
        t: float,
        start: float,
        stop: float,
        duration: float,
        ending: str,
    ) -> float:
        """Events of one sitting: play_start, sparse heartbeats, the odd pause/seek, the end."""
        rng = self.rng
        common = {"episode_id": episode_id, "duration": duration, "page": "watch"}
        t += 2.0
        self.emit(t, ev.PLAY_START, index, value=round(start, 1), **common)
        self.playback_quality(index, episode_id, t, stop - start)
        marks = [
            (float(m), ev.HEARTBEAT)
            for m in np.arange(
                (math.floor(start / HEARTBEAT_EVERY) + 1) * HEARTBEAT_EVERY, stop, HEARTBEAT_EVERY
            )
        ]
        if stop > start + 120 and rng.random() < 0.2:
            marks.append((float(rng.uniform(start + 60, stop)), ev.PAUSE))
        if stop > start + 120 and rng.random() < 0.12:
            marks.append((float(rng.uniform(start + 60, stop)), ev.SEEK))
        position = start
        for mark, kind in sorted(marks):
            if mark <= position:
                continue
            t += mark - position
            position = mark
            if kind == ev.SEEK:
                jump = float(rng.choice([-10.0, 30.0, 90.0, 240.0]))
                position = min(max(position + jump, 0.0), stop)
                self.emit(t, ev.SEEK, index, value=round(position, 1), **common)
            else:
                self.emit(t, kind, index, value=round(position, 1), **common)
                if kind == ev.PAUSE:
                    t += float(rng.uniform(30, 600))
        t += max(stop - position, 0.0)
        self.emit(t, ending, index, value=round(stop, 1), **common)
        return t

    def play_film(self, index: int, t: float, z: np.ndarray, end: float) -> float:
        state = self.watch.get(index)
        duration = float(self.view.runtime[index])
        resuming = (
            state is not None and not state.completed and state.position < COMPLETE_AT * duration
        )
        start = state.position if resuming else 0.0
        match = float(z[index])
        stop, ending = self._plan_playback(start, duration, match, t, end, ease=0.4)
        t0 = t
        t = self.playback(index, None, t, start, stop, duration, ending)
        if state is None:
            state = self.watch[index] = PlayState(started_at=t0 + 2, updated_at=t)
        state.position, state.duration, state.updated_at = round(stop, 1), duration, t
        state.completed = ending == ev.COMPLETE
        if state.completed:
            state.times_completed += 1
        self.set_status(
            index, {ev.COMPLETE: "completed", ev.PAUSE: "progress"}.get(ending, "abandoned")
        )
        return self.after_playback(index, t, match, ending, finished=state.completed)

    def play_series(self, index: int, t: float, z: np.ndarray, end: float) -> float:
        """Episodes in order from where the profile is, binge-watching while it likes the show."""
        rng = self.rng
        episodes = self.view.episodes[index]
        order = {eid: k for k, (eid, _) in enumerate(episodes)}
        state = self.watch.get(index)
        if state is None or state.completed or state.episode_id not in order:
            k, start = 0, 0.0
        else:
            k = order[state.episode_id]
            start = state.position if state.position < COMPLETE_AT * state.duration else 0.0
        if state is None:
            state = self.watch[index] = PlayState(started_at=t + 2, updated_at=t)
        match = float(z[index])
        ending, finished = ev.PAUSE, False
        while True:
            episode_id, duration = episodes[k]
            stop, ending = self._plan_playback(start, duration, match, t, end, ease=1.0)
            t = self.playback(index, episode_id, t, start, stop, duration, ending)
            progress = self.episode_progress.setdefault(episode_id, {"completed": False})
            progress.update(position=round(stop, 1), duration=duration, updated_at=t)
            progress["completed"] = progress["completed"] or ending == ev.COMPLETE
            state.updated_at = t
            if ending != ev.COMPLETE:
                state.episode_id, state.position, state.duration = (
                    episode_id,
                    round(stop, 1),
                    duration,
                )
                state.completed = False
                break
            if k + 1 == len(episodes):
                state.episode_id, state.position, state.duration = (
                    episode_id,
                    round(stop, 1),
                    duration,
                )
                state.completed, finished = True, True
                state.times_completed += 1
                break
            k, start = k + 1, 0.0
            state.episode_id, state.position, state.duration = episodes[k][0], 0.0, episodes[k][1]
            state.completed = False
            t += float(rng.uniform(5, 20))  # autoplay countdown
            keep_going = _sigmoid(0.8 * match + 0.6 + 0.3 * self.viewer.series_affinity)
            if t >= end or rng.random() >= keep_going:
                ending = ev.PAUSE
                break
        self.set_status(
            index, {ev.ABANDON: "abandoned"}.get(ending, "completed" if finished else "progress")
        )
        return self.after_playback(index, t, match, ending, finished=finished)

    def set_status(self, index: int, status: str) -> None:
        self.status[index] = status
        self.completed[index] = status == "completed"

    def after_playback(
        self, index: int, t: float, match: float, ending: str, finished: bool
    ) -> float:
        """Thumbs and My List tidying that follow a sitting."""
        rng = self.rng
        value = None
        quality = float(self.view.quality[index])
        series = bool(self.view.is_series[index])
        if (finished and rng.random() < 0.45) or (
            series and ending != ev.ABANDON and rng.random() < 0.12
        ):
            # Chosen titles already match well (z around 2), so thumbs are relative to that.
            score = 0.8 * (match - 2.0) + 0.5 * quality + float(rng.normal(0, 0.7))
            value = 2 if score > 0.7 else 1 if score > -0.6 else -1 if score < -1.1 else None
        elif ending == ev.ABANDON and rng.random() < 0.3 and match < 1.0:
            value = -1
        if value is not None:
            t += float(rng.uniform(2, 15))
            self.emit(t, ev.RATE, index, page="title", value=float(value))
            self.ratings[index] = (value, t)
        if finished and index in self.my_list and rng.random() < 0.5:
            t += float(rng.uniform(2, 10))
            self.emit(t, ev.LIST_REMOVE, index, page="title")
            del self.my_list[index]
        return t

    def tidy_up(self, t: float) -> None:
        """Now and then: take back a rating, or clear an old My List entry."""
        rng = self.rng
        if self.ratings and rng.random() < 0.02:
            index = sorted(self.ratings)[int(rng.integers(len(self.ratings)))]
            self.emit(t + 1, ev.UNRATE, index, page="title")
            del self.ratings[index]
        if self.my_list and rng.random() < 0.05:
            index = min(self.my_list, key=lambda i: (self.my_list[i], i))
            if t - self.my_list[index] > 14 * DAY:
                self.emit(t + 2, ev.LIST_REMOVE, index, page="my-list")
                del self.my_list[index]

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
