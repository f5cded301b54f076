"""Security headers sent with every response.

The Content-Security-Policy allows scripts and stylesheets from this site only:
no inline scripts, no event-handler attributes, no third-party origins. Style
attributes are allowed (`style-src-attr`): the avatar of a profile whose colour
is outside the palette carries it, and a style attribute cannot run script.
Video may come from `blob:` URLs (hls.js's MediaSource and its parsing worker).
"""

from flask import Flask, Response

CSP_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    # hls.js feeds the video element from a MediaSource (a blob: URL) and parses in a worker
    # it starts from a blob: URL.
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
CSP = "; ".join(CSP_DIRECTIVES)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), fullscreen=(self)"
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(secure: bool) -> dict[str, str]:
    """The headers for every response; HSTS only when the site is served over HTTPS."""
    headers = {
        "Content-Security-Policy": CSP + ("; upgrade-insecure-requests" if secure else ""),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": PERMISSIONS,
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if secure:
        headers["Strict-Transport-Security"] = HSTS
    return headers


def init_app(app: Flask) -> None:
    """Add the headers after every request, leaving any a view set itself."""
    # MARQUEE_SECURE_COOKIES=1 (Config.SESSION_COOKIE_SECURE) means "served over HTTPS".
    headers = security_headers(app.config["SESSION_COOKIE_SECURE"])

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
