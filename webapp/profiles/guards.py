"""Who may manage profiles, and how many PIN guesses a browser gets."""

import time

from flask import session

from webapp.models import Profile
from webapp.profiles.current import load_current_profile

UNLOCKED_KEY = "profiles_unlocked"
ATTEMPTS_KEY = "pin_attempts"
MAX_PIN_ATTEMPTS = 5
PIN_LOCKOUT_SECONDS = 300


def management_locked(target: Profile | None) -> bool:
    """Is managing `target` (None: adding a profile) closed to the active profile?

    Management is open when no kids profile is active; from a kids profile it
    needs the target's PIN, entered once for this session.
    """
    active = load_current_profile()
    if active is None or not active.is_kids:
        return False
    return target is None or target.id not in session.get(UNLOCKED_KEY, [])


def unlock(target: Profile) -> None:
    session[UNLOCKED_KEY] = sorted({*session.get(UNLOCKED_KEY, []), target.id})


def forget_unlocks() -> None:
    session.pop(UNLOCKED_KEY, None)


def pin_locked_out() -> bool:
    """Too many wrong PINs lately: guessing all 10,000 PINs must not be practical."""
    record = session.get(ATTEMPTS_KEY) or {}
    if record.get("count", 0) < MAX_PIN_ATTEMPTS:
        return False
    if time.time() - record.get("since", 0) > PIN_LOCKOUT_SECONDS:
        session.pop(ATTEMPTS_KEY, None)
        return False
    return True


def check_pin(profile: Profile, pin: str | None) -> bool:
    """Check a PIN and count failures for this session."""
    if profile.check_pin(pin or ""):
        session.pop(ATTEMPTS_KEY, None)
        return True
    record = session.get(ATTEMPTS_KEY) or {"count": 0}
    session[ATTEMPTS_KEY] = {"count": record.get("count", 0) + 1, "since": time.time()}
    return False
