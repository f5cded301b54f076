"""The trained model each worker serves, reloaded when a newer version appears.

A worker looks at the model directory at most every few seconds (a directory
listing, no file reads), loads a newer version memory-mapped, and keeps
serving the last good model when a newer one is broken (`error` then says
which and why, for the admin page and `/readyz`). With no loadable model at
all it returns None and the pages fall back to popularity rows, with a
logged warning. Versions are immutable: a served version's files must never
be rewritten in place, since every worker maps them.
"""

import logging
import threading
import time
from pathlib import Path

from flask import Flask, current_app

from recommender import ModelError, load_model
from recommender.artifacts import list_versions
from webapp.recommendations.wording import model_problem

log = logging.getLogger(__name__)

CHECK_INTERVAL = 5.0


class ModelStore:
    def __init__(self, model_dir: Path, check_interval: float = CHECK_INTERVAL):
        self.model_dir = Path(model_dir)
        self.check_interval = check_interval
        self.model = None
        self.version: str | None = None
        self.error: str | None = None
        self._checked_at = float("-inf")
        self._broken: dict[str, str] = {}  # version -> why it cannot be served
        self._lock = threading.Lock()

    def get(self):
        """The current model, or None when no model could be loaded."""
        if time.monotonic() - self._checked_at >= self.check_interval:
            with self._lock:
                if time.monotonic() - self._checked_at >= self.check_interval:
                    self._refresh()
                    self._checked_at = time.monotonic()
        return self.model

    def invalidate(self) -> None:
        """Look at the directory again on the next request (after training)."""
        self._checked_at = float("-inf")

    def _refresh(self) -> None:
        try:
            versions = list_versions(self.model_dir)
            unreadable = None
        except OSError as exc:
            versions, unreadable = [], f"model directory unreadable: {exc}"
        for path in versions:
            if path.name == self.version or self._load(path):
                break
        self.error = unreadable or self._skipped_newer({p.name for p in versions})
        if self.model is None:
            if not self.error:
                self.error = f"no trained model in {self.model_dir}"
            log.warning("no recommender model (%s); serving popularity rows", self.error)
        elif not any(p.name == self.version for p in versions):
            # The served version was removed and nothing newer loads: keep the
            # one in memory rather than going dark.
            log.warning("model %s vanished from disk; still serving it from memory", self.version)

    def _load(self, path: Path) -> bool:
        """Serve the version at path; False (and remembered) when it cannot be loaded."""
        if path.name in self._broken:
            return False
        try:
            model = load_model(path, mmap=True)
        except Exception as exc:  # noqa: BLE001  any unreadable file must leave pages working
            message = model_problem(
                str(exc) if isinstance(exc, ModelError) else f"{path} could not be loaded ({exc!r})"
            )
            self._broken[path.name] = message
            log.warning("model %s is unusable, keeping %s: %s", path.name, self.version, message)
            return False
        self.model, self.version = model, path.name
        log.info("serving recommender model %s", path.name)
        return True

    def _skipped_newer(self, on_disk: set[str]) -> str | None:
        """Why the versions newer than the served one (still on disk) are not served."""
        skipped = sorted(
            (
                name
                for name in on_disk & self._broken.keys()
                if self.version is None or name > self.version
            ),
            reverse=True,
        )
        return "; ".join(f"version {name}: {self._broken[name]}" for name in skipped) or None


def init_app(app: Flask) -> None:
    app.extensions["marquee_models"] = ModelStore(app.config["MODEL_DIR"])


def model_store() -> ModelStore:
    return current_app.extensions["marquee_models"]


def current_model():
    return model_store().get()


def model_for_catalog(latest_title_id: int):
    """The served model, taught the titles added since it was trained (None: no model)."""
    model = current_model()
    if model is not None:
        ensure_new_titles(model, latest_title_id)
    return model


def ensure_new_titles(model, latest_title_id: int) -> int:
    """Teach the served model titles added after it was trained, by content, once each.

    Returns how many titles were added. Runs only when the catalog holds a
    title id above the model's largest, so it costs nothing on most requests.
    """
    known = int(model.item_ids.max()) if model.n_items else 0
    if latest_title_id <= known:
        return 0
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import Title
    from webapp.recommendations.features import load_item_features

    new_ids = list(db.session.scalars(select(Title.id).where(Title.id > known)))
    if not new_ids:
        return 0
    added = model.add_items(load_item_features(new_ids))
    log.info("added %d new titles to model %s by content", added, model.version)
    return added
