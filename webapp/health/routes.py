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
    return jsonify(status="ok")


@bp.get("/readyz")
@csrf.exempt
def readyz():
    """Ready when the database answers; the recommender state is reported, never fatal."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as exc:  # any driver error means "not ready", with the reason logged
        db.session.rollback()
        log.warning("readiness: database unreachable: %s", exc)
        database = "unreachable"
    store = model_store()
    model = store.get()
    body = {
        "database": database,
        "recommender": {
            "model": store.version if model is not None else None,
            "mode": "model" if model is not None else "popularity fallback",
            "error": None if model is not None else store.error,
        },
    }
    status = 200 if database == "ok" else 503
    body["status"] = "ready" if status == 200 else "not ready"
    return jsonify(body), status
