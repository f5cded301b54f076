"""Error pages and JSON errors: clear messages, never a traceback.

Each names the request id, so a report from a viewer can be matched to the log
line that holds the details.
"""

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from webapp.extensions import db
from webapp.logs import request_id

log = logging.getLogger(__name__)

TOO_MANY = (
    "Too many attempts",
    "You have tried that too many times in a short while. Please wait a minute and try again.",
)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(status: int, title: str, message: str):
    if _wants_json():
        return jsonify(error=title, message=message, request_id=request_id()), status
    page = render_template(
        "errors/error.html", status=status, title=title, message=message, request_id=request_id()
    )
    return page, status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, "Form expired", "The form was stale or incomplete. Please try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 429:
            # The limiter's own text ("10 per 1 minute") would puzzle a viewer.
            return _render(429, *TOO_MANY)
        return _render(error.code or 500, error.name, error.description or "")

    @app.errorhandler(DataError)
    def unstorable(error: DataError):
        # The database refused a value a form let through (NUL, out of range): the
        # sender's input, so a 400, but logged so that the form can learn to say why.
        db.session.rollback()
        log.warning(
            "database refused a value on %s %s (request %s): %s",
            request.method,
            request.path,
            request_id(),
            error.orig,
        )
        return _render(400, "That could not be saved", "Some of what you typed cannot be stored.")

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        # Roll back so the next request on this connection starts clean.
        db.session.rollback()
        log.exception(
            "unhandled error on %s %s (request %s)", request.method, request.path, request_id()
        )
        return _render(500, "Something went wrong", "We could not complete that. Please try again.")
