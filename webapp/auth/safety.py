"""Where it is safe to send a browser after signing in."""

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """A same-site path from a `next` value, or None when it could leave the site.

    Only a plain path is accepted: no scheme, no host, no protocol-relative
    "//host" and no backslash (browsers read "/\\host" as another host).
    """
    if not target or len(target) > 2000:
        return None
    target = target.strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    # Flask's full_path leaves a bare "?" on URLs without a query.
    return target.removesuffix("?")
