"""Onboarding: a new profile picks a few titles it likes and gets a personal page at once."""

from collections import Counter

from sqlalchemy import exists, select

from webapp.activity.recorder import record_events
from webapp.activity.vocabulary import RATE
from webapp.extensions import db
from webapp.home.catalog_index import catalog_index
from webapp.home.trending import trending
from webapp.models import ListItem, Profile, Rating, WatchState

MIN_PICKS = 3
MAX_PICKS = 20
CHOICES = 36
PER_GENRE = 4


def needs_onboarding(profile: Profile) -> bool:
    """A profile that has never watched, rated or listed anything and has not skipped."""
    if profile.onboarded:
        return False
    has_any = db.session.scalar(
        select(
            exists().where(WatchState.profile_id == profile.id)
            | exists().where(Rating.profile_id == profile.id)
            | exists().where(ListItem.profile_id == profile.id)
        )
    )
    return not has_any


def onboarding_choices(profile: Profile) -> list[int]:
    """Popular titles the profile may see, spread over genres so every taste finds something."""
    index = catalog_index()
    allowed = set(index.allowed(profile).tolist())
    popular = [t for t in trending().ranked if t in allowed]
    popular += [t for t in index.newest if t in allowed and t not in popular]
    popular += [t for t in index.ids.tolist() if t in allowed and t not in set(popular)]
    per_genre, chosen, families = Counter(), [], set()
    for title_id in popular:
        genre = (index.genres.get(title_id) or ("",))[0]
        family = index.franchise.get(title_id)
        if per_genre[genre] >= PER_GENRE or family in families:
            continue
        per_genre[genre] += 1
        families.add(family)
        chosen.append(title_id)
        if len(chosen) == CHOICES:
            break
    return chosen


class OnboardingError(ValueError):
    pass


def save_picks(profile: Profile, picks: list[int], user_agent: str | None) -> None:
    """Record the picks as thumbs up (through the one event recorder) and finish onboarding."""
    unique = list(dict.fromkeys(picks))
    if len(unique) < MIN_PICKS:
        raise OnboardingError(f"Pick at least {MIN_PICKS} titles you like.")
    if len(unique) > MAX_PICKS:
        raise OnboardingError(f"Pick at most {MAX_PICKS} titles.")
    events = [
        {"type": RATE, "title_id": t, "value": 1, "page": "onboarding", "col_pos": n}
        for n, t in enumerate(unique)
    ]
    record_events(profile, {"events": events}, user_agent=user_agent, commit=False)
    profile.onboarded = True
    db.session.commit()


def skip(profile: Profile) -> None:
    profile.onboarded = True
    db.session.commit()
