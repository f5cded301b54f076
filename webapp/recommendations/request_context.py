"""The context of a page request: the viewer's local hour and weekday, and the device class.

The local time comes from the `tz` cookie (an IANA zone such as
"Europe/Paris", set by the site's script); without a usable cookie, from the
zone the caller last knew for the household, else UTC: a malformed or
unknown zone never fails the page. The device class comes from the
User-Agent, read the same way the event log reads it.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from recommender.context import DAYPARTS, daypart_of
from webapp.activity.device import device_class

TZ_COOKIE = "tz"
# IANA names are letters, digits and _ + - / only; anything else is not looked up.
ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")


@dataclass(frozen=True)
class RequestContext:
    hour: int
    weekday: int  # 0 = Monday
    device_class: str  # tv | desktop | mobile | tablet
    zone: str

    @property
    def daypart(self) -> str:
        return DAYPARTS[int(daypart_of([self.hour])[0])]

    @property
    def weekend(self) -> bool:
        return self.weekday >= 5


def known_zone(name: str | None) -> ZoneInfo | None:
    """The named IANA zone, or None when the name is missing, malformed or unknown."""
    if name and len(name) <= 64 and ZONE_NAME.match(name):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return None


def zone_of(name: str | None) -> ZoneInfo:
    """The named IANA zone, or UTC when the name is missing, malformed or unknown."""
    return known_zone(name) or ZoneInfo("UTC")


def cookie_zone(request) -> str | None:
    """The zone the browser sent in the `tz` cookie, when it names a real zone."""
    zone = known_zone(request.cookies.get(TZ_COOKIE))
    return str(zone) if zone is not None else None


def request_context(
    request, now: datetime | None = None, last_known: str | None = None
) -> RequestContext:
    """Local hour, weekday and device class of a Flask request (see the module docstring).

    ``last_known`` is the household's zone from an earlier request, used
    when this one carries no usable cookie.
    """
    zone = known_zone(request.cookies.get(TZ_COOKIE)) or zone_of(last_known)
    now = now or datetime.now(UTC)
    if now.tzinfo is None:  # the site's own timestamps are naive UTC
        now = now.replace(tzinfo=UTC)
    local = now.astimezone(zone)
    return RequestContext(
        hour=local.hour,
        weekday=local.weekday(),
        device_class=device_class(request.headers.get("User-Agent")),
        zone=str(zone),
    )
