"""Simulated households: the published demo logins and generated accounts with their profiles.

Only the plans are here (names, avatars, maturity limits, time zones, when
each household joined); webapp.seed.demo writes them as accounts and profiles.
"""

from dataclasses import dataclass

import numpy as np

from webapp.profiles.defaults import AVATAR_COLOURS as PROFILE_PALETTE

DEMO_PASSWORD = "marquee-demo"
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
# Local time zones of the households (hours from UTC).
TZ_OFFSETS = (-8, -7, -6, -5, 0, 1, 2)
TZ_WEIGHTS = (0.18, 0.05, 0.12, 0.25, 0.15, 0.18, 0.07)


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
