"""Configuration read from environment variables, with embedded defaults."""

import os
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent


def _default_database_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'marquee.db'}"


class Config:
    """Settings for a normal run; every value can be overridden from the environment."""

    INSTANCE_PATH = Path(os.environ.get("MARQUEE_INSTANCE_PATH", ROOT / "instance"))
    SECRET_KEY = os.environ.get("SECRET_KEY") or os.environ.get("MARQUEE_SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_database_url(INSTANCE_PATH)
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    MODEL_DIR = Path(os.environ.get("MARQUEE_MODEL_DIR", INSTANCE_PATH / "models"))
    ARTWORK_CACHE_DIR = Path(os.environ.get("MARQUEE_ARTWORK_CACHE", INSTANCE_PATH / "artwork"))
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("MARQUEE_SECURE_COOKIES", "0") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    ADMIN_PAGE_SIZE = 25
    TESTING = False
    # Training on Apache Spark (`recommender train --engine spark`) over the Parquet export.
    EVENTS_EXPORT_DIR = Path(os.environ.get("MARQUEE_EVENTS_EXPORT_DIR", INSTANCE_PATH / "events"))
    SPARK_MASTER = os.environ.get("MARQUEE_SPARK_MASTER", "local[2]")
    SPARK_DRIVER_MEMORY = os.environ.get("MARQUEE_SPARK_DRIVER_MEMORY", "1g")
    SPARK_SHUFFLE_PARTITIONS = int(os.environ.get("MARQUEE_SPARK_SHUFFLE_PARTITIONS", "4"))
