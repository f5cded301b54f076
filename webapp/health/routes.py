"""`/healthz`: the process answers. `/readyz`: the database answers and a model (or the fallback) is served."""

import logging

from flask import jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp.extensions import csrf, db
from webapp.health import bp
from webapp.recommendations.store import model_store

log = logging.getLogger(__name__)


@bp.get("/healthz")
@csrf.exempt
def healthz():
    """Liveness: answers without touching the database, so an outage never gets workers killed."""
    return jsonify(status="ok")


def _database_check() -> str | None:
    """None when the database answers, else why not (logged only: the endpoint is public)."""
    try:
        db.session.execute(text("SELECT 1"))
        return None
    except SQLAlchemyError as exc:  # any driver error means "not ready", with the reason logged
        try:
            db.session.rollback()
        except SQLAlchemyError:
            pass  # the connection is gone; the pool has invalidated it already
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        log.warning("readiness: database unreachable: %s", reason)
        return reason


def _recommender_state() -> dict:
    store = model_store()
    model = store.get()
    return {
        "model": store.version if model is not None else None,
        "mode": "model" if model is not None else "popularity fallback",
        "error": store.error,
    }


@bp.get("/readyz")
@csrf.exempt
def readyz():
    """Ready when the database answers; the recommender state is reported, never fatal."""
    database_error = _database_check()
    body = {
        "database": "ok" if database_error is None else "unreachable",
        "recommender": _recommender_state(),
        "failing": [] if database_error is None else ["database"],
    }
    status = 200 if database_error is None else 503
    body["status"] = "ready" if status == 200 else "not ready"
    response = jsonify(body)
    if status == 503:
        response.headers["Retry-After"] = "30"
    return response, status
