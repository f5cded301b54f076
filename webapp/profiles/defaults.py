"""Profile choices shared by the forms, the sign-up and the templates."""

import re

from webapp.models import Account, Profile

# The avatar colours a profile can pick: (hex, name for screen readers).
AVATAR_COLOURS = (
    ("#e50914", "Red"),
    ("#f5a623", "Amber"),
    ("#2ecc71", "Green"),
    ("#1abc9c", "Teal"),
    ("#3498db", "Blue"),
    ("#9b59b6", "Purple"),
    ("#e84393", "Pink"),
    ("#95a5a6", "Silver"),
)


def name_from_email(email: str) -> str:
    """A friendly first profile name from the part of an address before the @."""
    local = email.split("@", 1)[0]
    words = [w for w in re.split(r"[._+\-]+", local) if w]
    name = " ".join(w.capitalize() for w in words)[:40].strip()
    return name or "Me"


def create_first_profile(account: Account) -> Profile:
    """The profile a new account starts with (not committed)."""
    profile = Profile(
        name=name_from_email(account.email),
        avatar_color=AVATAR_COLOURS[0][0],
        maturity_limit=18,
        is_kids=False,
    )
    account.profiles.append(profile)
    return profile
