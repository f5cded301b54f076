"""Tiny catalogs and signed-in viewers for the browse, profile and artwork tests."""

import html
from dataclasses import dataclass, field

from webapp.catalog.service import Catalog, SeasonSpec, TitleSpec
from webapp.extensions import db
from webapp.models import Account, Profile, Title

PASSWORD = "correct horse 42"


@dataclass
class TinyCatalog:
    """Ids of what `build_catalog` made, by name."""

    titles: dict[str, int] = field(default_factory=dict)
    kid_names: list[str] = field(default_factory=list)
    mature_names: list[str] = field(default_factory=list)


def build_catalog(n_kid: int = 12) -> TinyCatalog:
    """Kid-safe family films, a few adult titles, a series, and shared people."""
    catalog, made = Catalog(), TinyCatalog()
    for i in range(n_kid):
        spec = TitleSpec(
            kind="film",
            name=f"Sunny Meadow {i}",
            year=2000 + i,
            runtime_minutes=85,
            maturity_rating="G",
            genres=["Family", "Animation"],
            keywords=["friendship", "feel-good"],
            directors=["Gentle Director"],
            cast=["Shared Actor", f"Kid Star {i}"],
            synopsis="A friendly adventure.",
        )
        made.titles[spec.name] = catalog.create_title(spec)
        made.kid_names.append(spec.name)
    adult = [
        TitleSpec(
            kind="film",
            name="Blood Harbor",
            year=1995,
            runtime_minutes=170,
            maturity_rating="R",
            genres=["Crime", "Family"],
            keywords=["heist", "gritty"],
            directors=["Stern Director"],
            cast=["Mature Only Actor", "Shared Actor"],
            synopsis="A grim heist.",
        ),
        TitleSpec(
            kind="film",
            name="Night Terrors",
            year=2001,
            runtime_minutes=100,
            maturity_rating="NC-17",
            genres=["Horror", "Animation"],
            cast=["Mature Only Actor"],
            synopsis="Scary.",
        ),
        TitleSpec(
            kind="series",
            name="Cartel Days",
            year=2008,
            end_year=2013,
            maturity_rating="TV-MA",
            genres=["Crime", "Drama"],
            creators=["Show Creator"],
            cast=["Lead Villain", "Mature Only Actor"],
            keywords=["drugs"],
            synopsis="A teacher turns.",
            seasons=[
                SeasonSpec(1, [("Pilot", 58), ("The Bag", 48)]),
                SeasonSpec(2, [("Seven Thirty", 47)]),
            ],
        ),
    ]
    for spec in adult:
        made.titles[spec.name] = catalog.create_title(spec)
        made.mature_names.append(spec.name)
    db.session.commit()
    made.titles = {name: title.id for name, title in made.titles.items()}
    return made


def make_account(email: str, profiles: list[dict] | None = None) -> tuple[int, list[int]]:
    """An account with the given profiles (dicts of Profile fields); returns ids."""
    from webapp.auth.accounts import register_account

    account = register_account(email, PASSWORD)
    for spec in profiles or [{"name": "Grown-up"}]:
        pin = spec.pop("pin", None)
        profile = Profile(**spec)
        profile.set_pin(pin)
        account.profiles.append(profile)
    db.session.commit()
    return account.id, [p.id for p in account.profiles]


def sign_in_as(app, client, auth, email: str, profile_spec: dict) -> int:
    """Make an account with one profile, sign in through the form and choose it."""
    with app.app_context():
        _, (profile_id,) = make_account(email, [profile_spec])
    auth.as_viewer(profile_id)
    return profile_id


def page_text(response) -> str:
    """A response body with HTML entities decoded, for matching messages."""
    return html.unescape(response.get_data(as_text=True))


def title_by_name(name: str) -> Title:
    from sqlalchemy import select

    return db.session.scalar(select(Title).where(Title.name == name))


def account_by_email(email: str) -> Account:
    from sqlalchemy import select

    return db.session.scalar(select(Account).where(Account.email == email))
