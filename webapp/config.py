"""Every setting of the site, on one class: `Config`.

A setting that can change between deployments is read from an environment
variable here and nowhere else; README.md's configuration table lists each
variable with its setting and default, and a test keeps the two in step.
Code reads settings as `current_app.config["NAME"]`, never with a default of
its own.
"""

import os
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent


def site_folder(name: str) -> Path:
    """templates/, static/ or migrations/: inside the installed package, else the checkout's.

    A wheel carries them in `webapp` (see setup.py); a checkout, editable or
    not, keeps them at its top.
    """
    packaged = Path(__file__).resolve().parent / name
    return packaged if packaged.is_dir() else ROOT / name


def _default_database_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'marquee.db'}"


class Config:
    """Settings for a normal run; tests and `create_app(overrides=...)` change them per app."""

    INSTANCE_PATH = Path(os.environ.get("MARQUEE_INSTANCE_PATH", ROOT / "instance"))
    # None: one is generated into the instance folder (webapp._ensure_secret_key).
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_database_url(INSTANCE_PATH)
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    MODEL_DIR = Path(os.environ.get("MARQUEE_MODEL_DIR", INSTANCE_PATH / "models"))
    # Model versions kept on disk after each training (the new one included); the
    # version being served is kept as well, even when older.
    MODEL_KEEP_VERSIONS = int(os.environ.get("MARQUEE_MODEL_KEEP_VERSIONS", "3"))
    ARTWORK_CACHE_DIR = Path(os.environ.get("MARQUEE_ARTWORK_CACHE", INSTANCE_PATH / "artwork"))
    # Media: uploaded sources, their HLS ladders, posters and thumbnail sprites.
    MEDIA_DIR = Path(os.environ.get("MARQUEE_MEDIA_DIR", INSTANCE_PATH / "media"))
    MEDIA_MAX_UPLOAD_BYTES = int(os.environ.get("MARQUEE_MEDIA_MAX_UPLOAD_BYTES", str(4 * 1024**3)))
    MEDIA_MAX_SECONDS = float(os.environ.get("MARQUEE_MEDIA_MAX_SECONDS", "14400"))
    MEDIA_URL_TTL_SECONDS = int(os.environ.get("MARQUEE_MEDIA_URL_TTL_SECONDS", "21600"))
    # Uploaded posters, backdrops and title treatments, each served size as WebP and JPEG/PNG.
    ARTWORK_UPLOAD_DIR = Path(os.environ.get("MARQUEE_ARTWORK_UPLOAD_DIR", MEDIA_DIR / "artwork"))
    ARTWORK_UPLOAD_MAX_BYTES = int(
        os.environ.get("MARQUEE_ARTWORK_UPLOAD_MAX_BYTES", str(10 * 1024**2))
    )
    # Pixels a picture's header may claim: larger ones are refused before decoding.
    ARTWORK_UPLOAD_MAX_PIXELS = int(os.environ.get("MARQUEE_ARTWORK_UPLOAD_MAX_PIXELS", "50000000"))
    MEDIA_X264_PRESET = os.environ.get("MARQUEE_MEDIA_X264_PRESET", "veryfast")
    # Set (e.g. "/protected-media/") to let nginx send segments and images (X-Accel-Redirect).
    MEDIA_ACCEL_REDIRECT_PREFIX = os.environ.get("MARQUEE_MEDIA_ACCEL_REDIRECT_PREFIX", "")
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("MARQUEE_SECURE_COOKIES", "0") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    ADMIN_PAGE_SIZE = 25
    # Largest CSV file the admin import reads.
    ADMIN_CSV_MAX_BYTES = int(os.environ.get("MARQUEE_ADMIN_CSV_MAX_BYTES", str(2 * 1024**2)))
    # Werkzeug's method:parameters; tests lower the cost the way Django's test settings do.
    PASSWORD_HASH_METHOD = "scrypt"
    # The catalog files `seed-demo` reads.
    DEMO_CATALOG_DIR = Path(
        os.environ.get("MARQUEE_DEMO_CATALOG_DIR", ROOT / "webapp" / "seed" / "catalog")
    )
    # Insights reports: older than this (seconds) they are recomputed; a log of up to
    # INLINE_MAX_EVENTS events is recomputed within the request, a larger one in the
    # background. None keeps the reports in the instance folder's "insights".
    INSIGHTS_MAX_AGE = int(os.environ.get("MARQUEE_INSIGHTS_MAX_AGE", "21600"))
    INSIGHTS_INLINE_MAX_EVENTS = int(os.environ.get("MARQUEE_INSIGHTS_INLINE_MAX_EVENTS", "200000"))
    INSIGHTS_CACHE_DIR = os.environ.get("MARQUEE_INSIGHTS_CACHE_DIR") or None
    # The site's schedule (webapp.schedule, under gunicorn): seconds between insights
    # refreshes and between trainings of the model; 0 turns one off.
    INSIGHTS_REFRESH_EVERY = int(os.environ.get("MARQUEE_INSIGHTS_REFRESH_EVERY", "21600"))
    MODEL_RETRAIN_EVERY = int(os.environ.get("MARQUEE_MODEL_RETRAIN_EVERY", "0"))
    # Proxies in front that set X-Forwarded-For/-Proto (0: none). Trusting more hops
    # than there are would let a client pick its own address, and so its rate limit.
    PROXY_HOPS = int(os.environ.get("MARQUEE_PROXY_HOPS", "0"))
    # Sign-in and sign-up limits per client address (webapp.extensions.limiter). The default
    # storage is the site's database, shared by every worker; "redis://host:6379"
    # shares the counts across hosts, "memory://" keeps one count per worker.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("MARQUEE_RATELIMIT_STORAGE") or "database://"
    # Keeps the counts of sites (or test runs) sharing one Redis apart.
    RATELIMIT_KEY_PREFIX = os.environ.get("MARQUEE_RATELIMIT_KEY_PREFIX", "")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("MARQUEE_LOGIN_LIMIT", "10 per minute; 60 per hour")
    SIGNUP_RATE_LIMIT = os.environ.get("MARQUEE_SIGNUP_LIMIT", "5 per minute; 30 per hour")
    # A transaction that loses a deadlock is run again this many times in all,
    # pausing a random time up to BACKOFF seconds, doubled after each try.
    DATABASE_RETRY_ATTEMPTS = int(os.environ.get("MARQUEE_DB_RETRY_ATTEMPTS", "5"))
    DATABASE_RETRY_BACKOFF = float(os.environ.get("MARQUEE_DB_RETRY_BACKOFF", "0.05"))
    # Wrong PINs (and account passwords) in a row before that secret is locked,
    # and for how long; failures older than the lockout are forgotten.
    PIN_MAX_FAILURES = int(os.environ.get("MARQUEE_PIN_MAX_FAILURES", "5"))
    PIN_LOCKOUT_SECONDS = int(os.environ.get("MARQUEE_PIN_LOCKOUT_SECONDS", "300"))
    # Mail (webapp.mail): through MAIL_SERVER when set, else written as files into MAIL_DIR.
    MAIL_SERVER = os.environ.get("MARQUEE_MAIL_SERVER", "")
    MAIL_BACKEND = os.environ.get("MARQUEE_MAIL_BACKEND") or ("smtp" if MAIL_SERVER else "file")
    MAIL_PORT = int(os.environ.get("MARQUEE_MAIL_PORT", "587"))
    MAIL_USE_TLS = os.environ.get("MARQUEE_MAIL_USE_TLS", "1") == "1"
    MAIL_USERNAME = os.environ.get("MARQUEE_MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MARQUEE_MAIL_PASSWORD", "")
    MAIL_TIMEOUT = float(os.environ.get("MARQUEE_MAIL_TIMEOUT", "20"))
    MAIL_SENDER = os.environ.get("MARQUEE_MAIL_SENDER", "Marquee <no-reply@marquee.local>")
    # Empty: the app's instance folder's "mail".
    MAIL_DIR = os.environ.get("MARQUEE_MAIL_DIR", "")
    # The site's public address for links in mail ("https://watch.example.org"); empty
    # takes the request's own, which is fine behind a proxy that fixes the Host header.
    SITE_URL = os.environ.get("MARQUEE_SITE_URL", "")
    # A password-reset link works once, for this long; asking for links is rate limited.
    PASSWORD_RESET_MAX_AGE = int(os.environ.get("MARQUEE_PASSWORD_RESET_MAX_AGE", "3600"))
    PASSWORD_RESET_RATE_LIMIT = os.environ.get(
        "MARQUEE_PASSWORD_RESET_LIMIT", "3 per minute; 10 per hour"
    )
    # How stale a sign-in session's "last seen" may get before a request refreshes it.
    SIGN_IN_SEEN_INTERVAL = int(os.environ.get("MARQUEE_SIGN_IN_SEEN_INTERVAL", "300"))
    # Per-worker caches (webapp.caching): home pages' rows and title cards kept,
    # and how long the catalog index and the trending figures live at most.
    HOME_PAGE_CACHE_ENTRIES = int(os.environ.get("MARQUEE_HOME_PAGE_CACHE_ENTRIES", "512"))
    # A card's fixed part is about 600 bytes: some 12 MB per worker at most, enough
    # for every artwork variant of a 5,000-title catalog.
    CARD_CACHE_ENTRIES = int(os.environ.get("MARQUEE_CARD_CACHE_ENTRIES", "20000"))
    CATALOG_CACHE_SECONDS = float(os.environ.get("MARQUEE_CATALOG_CACHE_SECONDS", "300"))
    TRENDING_CACHE_SECONDS = float(os.environ.get("MARQUEE_TRENDING_CACHE_SECONDS", "300"))
    TESTING = False
    # Training on Apache Spark (`recommender train --engine spark`) over the Parquet export.
    EVENTS_EXPORT_DIR = Path(os.environ.get("MARQUEE_EVENTS_EXPORT_DIR", INSTANCE_PATH / "events"))
    SPARK_MASTER = os.environ.get("MARQUEE_SPARK_MASTER", "local[2]")
    SPARK_DRIVER_MEMORY = os.environ.get("MARQUEE_SPARK_DRIVER_MEMORY", "1g")
    SPARK_SHUFFLE_PARTITIONS = int(os.environ.get("MARQUEE_SPARK_SHUFFLE_PARTITIONS", "4"))
