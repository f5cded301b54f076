"""The context of a page request: the viewer's local hour and weekday, and the device class.

The local time comes from the `tz` cookie (an IANA zone such as
"Europe/Paris", set by the browser); a missing, malformed or unknown zone
counts as UTC rather than failing the page. The device class comes from the
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


def zone_of(name: str | None) -> ZoneInfo:
    """The named IANA zone, or UTC when the name is missing, malformed or unknown."""
    if name and len(name) <= 64 and ZONE_NAME.match(name):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return ZoneInfo("UTC")


def request_context(request, now: datetime | None = None) -> RequestContext:
    """Local hour, weekday and device class of a Flask request (see the module docstring)."""
    zone = zone_of(request.cookies.get(TZ_COOKIE))
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
