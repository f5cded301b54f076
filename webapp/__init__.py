"""Marquee: a streaming site with an embedded hybrid recommender."""

import importlib
import logging
import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.config import Config, site_folder
from webapp.extensions import csrf, db, limiter, login_manager, migrate

log = logging.getLogger(__name__)

BLUEPRINTS = (
    "auth",
    "profiles",
    "browse",
    "watch",
    "account",
    "admin",
    "api",
    "search",
    "health",
    "media",
)


def create_app(config_class: type = Config, overrides: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI commands."""
    app = Flask(
        __name__,
        template_folder=str(site_folder("templates")),
        static_folder=str(site_folder("static")),
        instance_path=str(Path(config_class.INSTANCE_PATH).resolve()),
    )
    app.config.from_object(config_class)
    if overrides:
        app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    _ensure_secret_key(app)
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from webapp import logs

    # First, so that every later hook (CSRF included) already has the request id.
    logs.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(site_folder("migrations")))
    login_manager.init_app(app)
    csrf.init_app(app)

    # models register their tables; ratelimit_storage registers database:// with `limits`.
    from webapp import database, models, ratelimit_storage  # noqa: F401

    database.init_app(app)
    limiter.init_app(app)

    from webapp import input_guard

    input_guard.install_converters(app)
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(f"webapp.{name}").bp)

    from webapp import caching, cli, errors, home, schedule, search, security, templating
    from webapp.recommendations import store

    store.init_app(app)
    caching.init_app(app)
    search.init_app(app)

    errors.init_app(app)
    security.init_app(app)
    input_guard.init_app(app)
    templating.init_app(app)
    home.init_app(app)
    cli.init_app(app)
    schedule.init_app(app)
    return app


def _ensure_secret_key(app: Flask) -> None:
    """Use SECRET_KEY from the environment, else one kept in the instance folder.

    A key kept on disk survives restarts and is shared by every gunicorn worker,
    so sessions stay valid; it is never committed.
    """
    if app.config["SECRET_KEY"]:
        return
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        tmp = key_file.with_suffix(".tmp")
        tmp.write_text(secrets.token_hex(32))
        os.replace(tmp, key_file)
    app.config["SECRET_KEY"] = key_file.read_text().strip()
