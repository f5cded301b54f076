"""One simulated viewer: the hidden tastes and habits drawn for a profile, and its churn.

The traits drive webapp.seed.simulate's choices; the planted churn rule is
what the churn report is expected to recover.
"""

from dataclasses import dataclass, field

import numpy as np

from webapp.seed.catalog_files import GENRES
from webapp.seed.population.households import Household, ProfilePlan
from webapp.seed.population.segments import DEVICES, KIDS_SEGMENT, SEGMENTS, Segment


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
