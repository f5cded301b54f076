"""Hand-made event logs for the insights tests (no tests here: builders only).

Every event is written directly with db.session.add_all, so each test knows
exactly what is in the log and what every figure must come to.
"""

from datetime import datetime, timedelta
from itertools import count

from webapp.extensions import db
from webapp.models import Account, Artwork, Event, Genre, Keyword, Profile, Title

NOW = datetime(2026, 3, 2, 12, 0, 0)
STYLES = ("typographic", "portrait", "landscape", "emblem")


class LogBuilder:
    """Titles, profiles and events of a small, fully known log."""

    def __init__(self, now: datetime = NOW):
        self.now = now
        self.genres: dict[str, Genre] = {}
        self.keywords: dict[str, Keyword] = {}
        self.events: list[Event] = []
        self._ids = count(1)

    def ago(self, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
        return self.now - timedelta(days=days, hours=hours, minutes=minutes)

    def genre(self, name: str) -> Genre:
        if name not in self.genres:
            self.genres[name] = Genre(name=name, slug=name.lower().replace(" ", "-"))
        return self.genres[name]

    def title(
        self,
        name: str,
        genres=("Drama",),
        *,
        year=2000,
        styles=STYLES[:2],
        ai_use="none",
        runtime=100,
        keywords=(),
    ) -> Title:
        title = Title(
            kind="film",
            name=name,
            slug=f"{name.lower().replace(' ', '-')}-{next(self._ids)}",
            year=year,
            runtime_minutes=runtime,
            maturity_rating="PG",
            maturity_age=0,
            ai_use=ai_use,
            genres=[self.genre(g) for g in genres],
        )
        for k in keywords:
            self.keywords.setdefault(k, Keyword(name=k, slug=k.replace(" ", "-")))
        title.keywords = [self.keywords[k] for k in keywords]
        title.artworks = [
            Artwork(variant=i, style=s, palette="#000000,#ffffff") for i, s in enumerate(styles)
        ]
        db.session.add(title)
        db.session.flush()
        return title

    def profile(
        self, name: str, created: datetime | None = None, is_admin: bool = False
    ) -> Profile:
        n = next(self._ids)
        account = Account(
            email=f"{name.lower()}{n}@example.com",
            password_hash="x",
            is_admin=is_admin,
            session_token="t",
        )
        profile = Profile(account=account, name=name, created_at=created or self.ago(days=400))
        db.session.add_all([account, profile])
        db.session.flush()
        return profile

    def event(
        self,
        profile: Profile,
        kind: str,
        title: Title | None = None,
        at: datetime | None = None,
        **fields,
    ) -> Event:
        event = Event(
            profile_id=profile.id,
            title_id=title.id if title else None,
            type=kind,
            occurred_at=at or self.now,
            **fields,
        )
        self.events.append(event)
        return event

    def watch(
        self,
        profile: Profile,
        title: Title,
        at: datetime,
        seconds: float,
        *,
        complete=False,
        hour: int = 20,
        device: str = "tv",
        session: str | None = None,
    ) -> None:
        """One sitting: play_start at 0, then complete (or abandon) `seconds` later."""
        duration = (title.runtime_minutes or 100) * 60.0
        common = {
            "duration": duration,
            "local_hour": hour,
            "device": device,
            "session_id": session or f"s{profile.id}-{at.isoformat()}",
            "page": "watch",
        }
        self.event(profile, "play_start", title, at, value=0.0, **common)
        self.event(
            profile,
            "complete" if complete else "abandon",
            title,
            at + timedelta(seconds=seconds),
            value=float(seconds),
            **common,
        )

    def show(
        self,
        profile: Profile,
        title: Title,
        at: datetime,
        variant: int | None = None,
        row: str = "top-picks",
        session: str = "home",
    ) -> None:
        self.event(
            profile,
            "impression",
            title,
            at,
            artwork_variant=variant,
            row_key=row,
            page="home",
            session_id=session,
        )

    def commit(self) -> None:
        db.session.add_all(self.events)
        db.session.commit()
        self.events = []
