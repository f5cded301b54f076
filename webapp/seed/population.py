"""Who the simulated viewers are: households, profiles and their hidden tastes.

Nothing here is stored as such: the database only ever sees accounts,
profiles and the behaviour these traits produce (see webapp.seed.simulate).
"""

from dataclasses import dataclass, field

import numpy as np

from webapp.profiles.defaults import AVATAR_COLOURS as PROFILE_PALETTE
from webapp.seed.catalog_files import GENRES

DEMO_PASSWORD = "marquee-demo"
DEVICES = ("tv", "desktop", "mobile", "tablet")
# The profile form's own palette, so every avatar is drawn by a CSS class.
AVATAR_COLOURS = tuple(hex_ for hex_, _ in PROFILE_PALETTE)
FIRST_NAMES = (
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Morgan",
    "Riley",
    "Casey",
    "Jamie",
    "Robin",
    "Avery",
    "Quinn",
    "Charlie",
    "Drew",
    "Emery",
    "Finley",
    "Harper",
    "Jesse",
    "Kai",
    "Logan",
    "Maya",
    "Noah",
    "Olivia",
    "Priya",
    "Ravi",
    "Sofia",
    "Theo",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zoe",
    "Lena",
    "Marco",
    "Nina",
    "Omar",
    "Paula",
    "Rosa",
    "Sven",
    "Tomas",
    "Ines",
)
KIDS_NAMES = ("Kids", "Little Ones", "Junior", "Cartoons", "Family Room")
# First profiles of several-profile households that the children use too.
SHARED_SHARE = 0.4
# Genres a shared profile's adult turns to late at night.
NIGHT_GENRES = {"Thriller": 1.0, "Crime": 1.0, "Mystery": 0.4}
# Local time zones of the households (hours from UTC).
TZ_OFFSETS = (-8, -7, -6, -5, 0, 1, 2)
TZ_WEIGHTS = (0.18, 0.05, 0.12, 0.25, 0.15, 0.18, 0.07)


@dataclass(frozen=True)
class Segment:
    """A taste archetype: what its members like, when and how they watch."""

    key: str
    share: float
    genres: dict[str, float]
    keywords: dict[str, float]
    era: tuple[int, int]  # centre year, width in years
    series_affinity: float
    artwork_style: str  # planted: the artwork style this segment clicks most
    daytime_genres: dict[str, float] = field(default_factory=dict)  # planted: before 18:00
    evening_genres: dict[str, float] = field(default_factory=dict)  # planted: from 18:00
    peak_hours: tuple[int, ...] = (21,)
    devices: tuple[float, float, float, float] = (0.5, 0.2, 0.2, 0.1)  # tv, desktop, mobile, tablet


SEGMENTS = (
    Segment(
        "thrill-seekers",
        0.20,
        {"Action": 1.2, "Thriller": 1.0, "Crime": 0.8, "Science Fiction": 0.7, "Adventure": 0.5},
        {
            "heist": 0.8,
            "spy": 0.7,
            "action-packed": 0.9,
            "cars": 0.6,
            "martial arts": 0.6,
            "revenge": 0.5,
            "suspenseful": 0.5,
        },
        (2005, 15),
        0.2,
        "landscape",
        daytime_genres={"Action": 0.6, "Adventure": 0.5, "Comedy": 0.4},
        evening_genres={"Crime": 0.7, "Thriller": 0.7, "Horror": 0.3},
        peak_hours=(21, 22),
        devices=(0.6, 0.15, 0.2, 0.05),
    ),
    Segment(
        "classic-cinephiles",
        0.15,
        {
            "Drama": 1.1,
            "History": 0.7,
            "Biography": 0.6,
            "War": 0.6,
            "Mystery": 0.5,
            "Western": 0.5,
        },
        {
            "based on true story": 0.6,
            "historical": 0.6,
            "thought-provoking": 0.8,
            "cult classic": 0.7,
            "bleak": 0.4,
            "psychological": 0.5,
        },
        (1970, 18),
        -0.4,
        "typographic",
        peak_hours=(20, 14),
        devices=(0.45, 0.4, 0.05, 0.1),
    ),
    Segment(
        "comfort-watchers",
        0.22,
        {"Comedy": 1.2, "Romance": 1.0, "Family": 0.5, "Musical": 0.5, "Drama": 0.3},
        {
            "feel-good": 0.9,
            "romantic": 0.8,
            "wedding": 0.5,
            "friendship": 0.6,
            "heartwarming": 0.7,
            "funny": 0.6,
            "holiday": 0.4,
        },
        (2000, 14),
        0.5,
        "portrait",
        daytime_genres={"Comedy": 0.6, "Family": 0.6, "Animation": 0.3},
        evening_genres={"Romance": 0.8, "Drama": 0.5},
        peak_hours=(20, 12, 9),
        devices=(0.4, 0.1, 0.35, 0.15),
    ),
    Segment(
        "dark-genre-fans",
        0.15,
        {"Horror": 1.2, "Mystery": 0.8, "Fantasy": 0.7, "Science Fiction": 0.8, "Thriller": 0.4},
        {
            "scary": 0.9,
            "vampires": 0.6,
            "zombies": 0.6,
            "haunted house": 0.6,
            "mind-bending": 0.8,
            "dark": 0.7,
            "monster": 0.5,
            "aliens": 0.5,
        },
        (2000, 20),
        0.3,
        "emblem",
        daytime_genres={"Science Fiction": 0.7, "Fantasy": 0.6, "Horror": -0.6},
        evening_genres={"Horror": 0.9, "Thriller": 0.6},
        peak_hours=(23, 22),
        devices=(0.35, 0.35, 0.25, 0.05),
    ),
    Segment(
        "series-bingers",
        0.18,
        {"Crime": 1.0, "Drama": 1.0, "Thriller": 0.7, "Mystery": 0.5, "Fantasy": 0.3},
        {
            "gritty": 0.8,
            "corruption": 0.6,
            "detective": 0.7,
            "psychological": 0.6,
            "politics": 0.4,
            "drugs": 0.4,
        },
        (2012, 10),
        1.6,
        "portrait",
        peak_hours=(21, 23),
        devices=(0.55, 0.15, 0.2, 0.1),
    ),
    Segment(
        "curious-minds",
        0.10,
        {
            "Documentary": 1.4,
            "History": 0.8,
            "Biography": 0.8,
            "Sport": 0.6,
            "Music": 0.6,
            "War": 0.3,
        },
        {
            "science": 0.8,
            "nature": 0.8,
            "sports": 0.6,
            "biopic": 0.6,
            "inspiring": 0.7,
            "thought-provoking": 0.5,
            "journalism": 0.5,
        },
        (2010, 15),
        0.4,
        "landscape",
        peak_hours=(19, 8),
        devices=(0.3, 0.35, 0.25, 0.1),
    ),
)
KIDS_SEGMENT = Segment(
    "kids",
    0.0,
    {
        "Animation": 1.4,
        "Family": 1.2,
        "Adventure": 0.7,
        "Fantasy": 0.6,
        "Comedy": 0.6,
        "Musical": 0.3,
    },
    {
        "kids": 0.8,
        "animals": 0.7,
        "magic": 0.6,
        "fairy tale": 0.6,
        "whimsical": 0.7,
        "funny": 0.6,
        "friendship": 0.4,
    },
    (2008, 14),
    0.6,
    "emblem",
    peak_hours=(17, 9),
    devices=(0.55, 0.0, 0.1, 0.35),
)
ALL_SEGMENTS = (*SEGMENTS, KIDS_SEGMENT)


@dataclass
class ProfilePlan:
    name: str
    avatar_color: str
    maturity_limit: int = 18
    is_kids: bool = False
    # Planted: the household's children use this adult profile on (weekend)
    # mornings on the TV; the adult watches late at night on a phone or laptop.
    shared_with_kids: bool = False


@dataclass
class Household:
    """An account and its profiles, before anything is written."""

    email: str
    profiles: list[ProfilePlan]
    is_admin: bool = False
    demo: bool = False  # one of the published demo logins
    tz_offset: int = 0
    joined_days_ago: float = 180.0


@dataclass
class Viewer:
    """The hidden traits of one profile that drive its simulated behaviour."""

    index: int
    household: Household
    plan: ProfilePlan
    segment: Segment
    genre_taste: np.ndarray
    keyword_taste: dict[str, float]
    era: tuple[float, float]
    series_affinity: float
    breadth: float  # 0 narrow .. 1 broad
    patience: float  # z-score: tendency to finish what is started
    list_habit: float  # z-score: tendency to save titles to My List
    search_habit: float  # probability that an action starts with a search
    activity: float  # sessions per day
    peak_hour: float
    device: str
    joined_days_ago: float
    churn_quiet_days: float | None = None  # planted: no activity in the last N days
    favourite_people: list[str] = field(default_factory=list)
    profile_id: int | None = None

    @property
    def beta(self) -> float:
        """How sharply taste decides choices: narrow tastes choose more predictably."""
        return 0.6 + 1.0 * (1.0 - self.breadth)


def demo_households() -> list[Household]:
    """The published logins, always created."""
    return [
        Household(
            "admin@marquee.local",
            [ProfilePlan("Admin", "#e50914")],
            is_admin=True,
            demo=True,
            tz_offset=0,
            joined_days_ago=200,
        ),
        Household(
            "viewer1@marquee.local",
            [
                ProfilePlan("Alex", "#3a86ff", shared_with_kids=True),
                ProfilePlan("Jordan", "#f5c518"),
                ProfilePlan("Sam", "#1db954"),
                ProfilePlan("Kids", "#ff006e", 7, True),
            ],
            demo=True,
            tz_offset=0,
            joined_days_ago=180,
        ),
        Household(
            "viewer2@marquee.local",
            [
                ProfilePlan("Morgan", "#8338ec", shared_with_kids=True),
                ProfilePlan("Riley", "#fb5607"),
                ProfilePlan("Kids", "#06d6a0", 12, True),
            ],
            demo=True,
            tz_offset=-5,
            joined_days_ago=150,
        ),
    ]


def plan_households(n_profiles: int, days: int, rng: np.random.Generator) -> list[Household]:
    """Demo logins, then simulated households until there are n_profiles profiles."""
    households = demo_households()
    total = sum(len(h.profiles) for h in households)
    number = 0
    while total < n_profiles:
        number += 1
        size = min(
            int(rng.choice([1, 2, 3, 4, 5], p=[0.25, 0.25, 0.2, 0.15, 0.15])), n_profiles - total
        )
        names = [str(n) for n in rng.choice(FIRST_NAMES, size=size, replace=False)]
        profiles, used = [], set(names)
        for position, name in enumerate(names):
            colour = AVATAR_COLOURS[int(rng.integers(len(AVATAR_COLOURS)))]
            if position > 0 and rng.random() < 0.24:
                limit = 12 if rng.random() < 0.6 else 7
                kids_name = KIDS_NAMES[int(rng.integers(len(KIDS_NAMES)))]
                if kids_name in used:
                    kids_name = f"{kids_name} {position + 1}"
                used.add(kids_name)
                profiles.append(ProfilePlan(kids_name, colour, limit, True))
            else:
                limit = 16 if position > 0 and rng.random() < 0.08 else 18
                shared = position == 0 and size > 1 and rng.random() < SHARED_SHARE
                profiles.append(ProfilePlan(name, colour, limit, False, shared))
        # Most households were members before the window; some join during it.
        if rng.random() < 0.72:
            joined = days + float(rng.uniform(1, 240))
        else:
            joined = float(rng.uniform(3, max(days, 4)))
        tz = int(rng.choice(TZ_OFFSETS, p=TZ_WEIGHTS))
        households.append(
            Household(
                f"simulated-{number:04d}@marquee.local",
                profiles,
                tz_offset=tz,
                joined_days_ago=joined,
            )
        )
        total += size
    return households


def draw_viewer(
    index: int, household: Household, plan: ProfilePlan, days: int, rng: np.random.Generator
) -> Viewer:
    """Latent tastes and habits for one profile."""
    if plan.is_kids:
        segment = KIDS_SEGMENT
    else:
        shares = np.array([s.share for s in SEGMENTS])
        segment = SEGMENTS[int(rng.choice(len(SEGMENTS), p=shares / shares.sum()))]
    breadth = float(rng.beta(2, 2))
    taste = np.array([segment.genres.get(g, -0.25) for g in GENRES])
    # Broad viewers borrow from a second archetype; everyone has individual quirks.
    other = SEGMENTS[int(rng.integers(len(SEGMENTS)))]
    taste = taste + breadth * 0.7 * np.array([other.genres.get(g, 0.0) for g in GENRES])
    taste = taste + rng.normal(0, 0.3, len(GENRES))
    keywords = dict(segment.keywords)
    for word, weight in other.keywords.items():
        keywords[word] = keywords.get(word, 0.0) + breadth * 0.5 * weight
    centre, width = segment.era
    era = (centre + float(rng.normal(0, 6)), width * float(rng.uniform(0.7, 1.4)))
    patience = float(rng.normal(0, 1))
    list_habit = float(rng.normal(0, 1))
    peak = float(segment.peak_hours[int(rng.integers(len(segment.peak_hours)))]) + float(
        rng.normal(0, 1)
    )
    device = DEVICES[int(rng.choice(4, p=np.array(segment.devices) / sum(segment.devices)))]
    if plan.shared_with_kids:
        # The mornings belong to the children; the adult's own time is late.
        peak = 22.5 + (peak - round(peak)) * 0.5
        device = "mobile" if device in ("mobile", "tv") else "desktop"
    activity = float(np.clip(rng.lognormal(np.log(0.24), 0.6), 0.03, 1.3))
    if plan.shared_with_kids:
        # The children's mornings come on top of the adult's own sessions.
        activity *= 0.6
    joined = max(1.0, household.joined_days_ago - (0 if index % 3 else float(rng.uniform(0, 20))))
    viewer = Viewer(
        index=index,
        household=household,
        plan=plan,
        segment=segment,
        genre_taste=taste,
        keyword_taste=keywords,
        era=era,
        series_affinity=segment.series_affinity + float(rng.normal(0, 0.4)),
        breadth=breadth,
        patience=patience,
        list_habit=list_habit,
        search_habit=float(1 / (1 + np.exp(-(-2.0 + rng.normal(0, 0.7))))),
        activity=activity,
        peak_hour=peak,
        device=device,
        joined_days_ago=joined,
    )
    viewer.churn_quiet_days = _churn(viewer, days, rng)
    return viewer


def churn_risk(viewer: Viewer) -> float:
    """Planted churn rule: impatient, narrow viewers who save little are likeliest to leave."""
    score = -0.9 * viewer.patience + 3.0 * (0.5 - viewer.breadth) - 0.8 * viewer.list_habit - 1.3
    return float(1 / (1 + np.exp(-score)))


def _churn(viewer: Viewer, days: int, rng: np.random.Generator) -> float | None:
    """Days of silence at the end of the window for a churned profile, or None."""
    draw = rng.random()
    quiet = float(rng.uniform(14, 28))
    if viewer.household.demo or days < 21:
        return None
    quiet = min(quiet, days - 7)
    if viewer.joined_days_ago < quiet + 10 or draw >= churn_risk(viewer):
        return None
    return quiet
