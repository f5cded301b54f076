"""Signed, expiring media URLs: who may fetch a file, without asking the database.

A media URL carries `p` (the profile it was issued to), `e` (when it expires,
Unix seconds) and `s`, an HMAC-SHA256 over the resource, `p` and `e` with a
key derived from SECRET_KEY. Anything that knows the key (the app, or a
proxy or CDN configured with it) can check a URL on its own:

    s = base64url(HMAC-SHA256(key, "<asset id>/<file>|<p>|<e>")), unpadded
    key = HMAC-SHA256(SECRET_KEY, "marquee media urls")
"""

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app

KEY_PURPOSE = b"marquee media urls"
MAX_DIGITS = 12  # longer numbers are no profile id or expiry of ours


@dataclass(frozen=True)
class Grant:
    profile_id: int
    expires: int

    def query(self, resource: str) -> dict[str, str]:
        return {"p": str(self.profile_id), "e": str(self.expires), "s": signature(resource, self)}


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, KEY_PURPOSE, hashlib.sha256).digest()


def signature(resource: str, grant: Grant) -> str:
    message = f"{resource}|{grant.profile_id}|{grant.expires}".encode()
    digest = hmac.new(_key(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def grant_for(profile_id: int, now: float | None = None) -> Grant:
    """A grant that lasts MEDIA_URL_TTL_SECONDS from `now`."""
    issued = time.time() if now is None else now
    return Grant(profile_id, int(issued) + int(current_app.config["MEDIA_URL_TTL_SECONDS"]))


def _number(text: str | None) -> int | None:
    if text is None or not text.isascii() or not text.isdigit() or len(text) > MAX_DIGITS:
        return None
    return int(text)


def verify(resource: str, args: Mapping[str, str]) -> Grant | None:
    """The grant a URL's query carries for `resource`, or None if tampered with or expired."""
    profile_id, expires = _number(args.get("p")), _number(args.get("e"))
    given = args.get("s") or ""
    if profile_id is None or expires is None or not given.isascii():
        return None
    grant = Grant(profile_id, expires)
    if not hmac.compare_digest(signature(resource, grant), given):
        return None
    return grant if expires > time.time() else None
