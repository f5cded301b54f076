"""Error pages and JSON errors: clear messages, never a traceback."""

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from webapp.extensions import db

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(status: int, title: str, message: str):
    if _wants_json():
        return jsonify(error=title, message=message), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, "Form expired", "The form was stale or incomplete. Please try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _render(error.code or 500, error.name, error.description or "")

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        # Roll back so the next request on this connection starts clean.
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _render(500, "Something went wrong", "We could not complete that. Please try again.")
