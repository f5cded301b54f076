"""Template globals: the current profile, artwork URLs, labels."""

from flask import Flask

from webapp.catalog.maturity import PROFILE_LIMITS
from webapp.profiles.current import load_current_profile


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_globals():
        return {
            "current_profile": load_current_profile(),
            "profile_limits": dict(PROFILE_LIMITS),
        }
