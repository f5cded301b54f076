"""Device class from a User-Agent string: tv, tablet, mobile or desktop."""

import re

TV = re.compile(
    r"smart-?tv|googletv|appletv|hbbtv|roku|tizen|web0s|webos|crkey|aftb|aftm|aftt|bravia|"
    r"playstation|xbox|nintendo|\btv\b",
    re.IGNORECASE,
)
TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|android(?!.*mobile)", re.IGNORECASE)
MOBILE = re.compile(r"mobi|iphone|ipod|android|windows phone|blackberry|opera mini", re.IGNORECASE)


def device_class(user_agent: str | None) -> str:
    """Big screen first, then tablet, then phone; anything else counts as desktop."""
    agent = (user_agent or "")[:512]
    if TV.search(agent):
        return "tv"
    if TABLET.search(agent):
        return "tablet"
    if MOBILE.search(agent):
        return "mobile"
    return "desktop"
