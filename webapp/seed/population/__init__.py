"""Who the simulated viewers are: households, profiles and their hidden tastes.

Nothing here is stored as such: the database only ever sees accounts,
profiles and the behaviour these traits produce (see webapp.seed.simulate).
The parts: segments (taste archetypes), households (accounts and their
profiles), viewers (one profile's drawn traits). The names below are the ones
the seeding modules use, importable from the package as a whole.
"""

from webapp.seed.population.households import (
    DEMO_PASSWORD,
    Household,
    ProfilePlan,
    demo_households,
    plan_households,
)
from webapp.seed.population.segments import (
    ALL_SEGMENTS,
    DEVICES,
    KIDS_SEGMENT,
    NIGHT_GENRES,
    SEGMENTS,
    Segment,
)
from webapp.seed.population.viewers import Viewer, churn_risk, draw_viewer

__all__ = [
    "ALL_SEGMENTS",
    "DEMO_PASSWORD",
    "DEVICES",
    "KIDS_SEGMENT",
    "NIGHT_GENRES",
    "SEGMENTS",
    "Household",
    "ProfilePlan",
    "Segment",
    "Viewer",
    "churn_risk",
    "demo_households",
    "draw_viewer",
    "plan_households",
]
