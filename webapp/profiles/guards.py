"""Who may manage profiles, and the PIN (or account password) checks that guard them.

Every PIN check goes through webapp.auth.lockout, which counts wrong answers in
the database per account and profile: neither a replayed cookie nor a fresh
sign-in gets more guesses.
"""

from flask import session
from flask_login import current_user

from webapp.auth.lockout import PASSWORD, LockedOut, attempt, pin_secret
from webapp.models import Profile
from webapp.profiles.current import load_current_profile

UNLOCKED_KEY = "profiles_unlocked"

WRONG_PIN = "That PIN is not right. Try again."
WRONG_SECRET = "That PIN or password is not right. Nothing was changed."
NEED_SECRET = "Enter {name}'s PIN or the account password to change this profile."
NEED_PASSWORD = (
    "Enter the account password to raise {name}'s maturity limit or turn off its kids setting."
)


def locked_out_message(minutes: int, what: str = "PINs") -> str:
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many wrong {what}. Try again in {minutes} {unit}."


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


def check_pin(profile: Profile, pin: str | None) -> bool:
    """One counted try at a profile's PIN; LockedOut when its tries are used up."""
    return attempt(profile.account_id, pin_secret(profile.id), lambda: profile.check_pin(pin or ""))


def change_refused(profile: Profile, answer: str | None, *, needed: bool = True) -> str | None:
    """Why a change to `profile` is refused, or None when it may go ahead.

    A PIN-locked profile changes only with its PIN or the account password,
    counted against its PIN's tries; a profile without a PIN needs the account
    password where `needed` (loosening what it may watch), counted against the
    password's tries.
    """
    if not profile.has_pin and not needed:
        return None
    if not answer:
        template = NEED_SECRET if profile.has_pin else NEED_PASSWORD
        return template.format(name=profile.name)
    account = current_user

    def right() -> bool:
        return (profile.has_pin and profile.check_pin(answer)) or account.check_password(answer)

    secret = pin_secret(profile.id) if profile.has_pin else PASSWORD
    try:
        return None if attempt(profile.account_id, secret, right) else WRONG_SECRET
    except LockedOut as exc:
        return locked_out_message(exc.minutes, "PINs" if profile.has_pin else "passwords")
