"""Error pages and JSON errors: clear messages, never a traceback.

Each names the request id, so a report from a viewer can be matched to the log
line that holds the details.
"""

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from webapp.database import lost_a_race
from webapp.extensions import db
from webapp.logs import request_id

log = logging.getLogger(__name__)

TOO_MANY = (
    "Too many attempts",
    "You have tried that too many times in a short while. Please wait a minute and try again.",
)
DATABASE_AWAY = (
    "Marquee is briefly unavailable",
    "Marquee can't reach its database right now; please try again in a minute.",
)
BUSY = (
    "Marquee is busy",
    "Marquee is very busy right now and could not save that; please try again in a moment.",
)
RETRY_AFTER_SECONDS = 30
BUSY_RETRY_AFTER_SECONDS = 2


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _standalone(status: int, title: str, message: str) -> str:
    """The error page without the site's context processors, which read the database."""
    template = current_app.jinja_env.get_template("errors/standalone.html")
    return template.render(status=status, title=title, message=message, request_id=request_id())


def _render(status: int, title: str, message: str, standalone: bool = False):
    if _wants_json():
        return jsonify(error=title, message=message, request_id=request_id()), status
    if standalone:
        return _standalone(status, title, message), status
    try:
        page = render_template(
            "errors/error.html",
            status=status,
            title=title,
            message=message,
            request_id=request_id(),
        )
    except Exception:  # the full page needs the database (signed-in account, profile)
        _rollback_quietly()
        log.exception("error page for %s fell back to the plain one", request.path)
        page = _standalone(status, title, message)
    return page, status


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool has invalidated it already
        log.debug("rollback after a lost connection failed", exc_info=True)


def _remove_session_quietly(_error: BaseException | None) -> None:
    """End the request's session; a connection that died since the response was made is let go.

    Closing the session rolls its connection back; when the database dropped the
    connection after the view finished, that rollback fails, and would turn a
    page already built into a 500. The pool has invalidated the connection by then.
    """
    try:
        db.session.remove()
    except SQLAlchemyError as exc:
        db.session.registry.clear()
        log.warning("closing a database session failed (connection lost): %s", exc)


def database_unreachable(error: Exception) -> bool:
    """True for errors that mean the database cannot be reached, not that a query was wrong."""
    if lost_a_race(error):  # an answer from a working database, not an outage
        return False
    if isinstance(error, (OperationalError, PoolTimeout)):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def init_app(app: Flask) -> None:
    # Registered after Flask-SQLAlchemy's, so it runs first (teardowns run in reverse).
    app.teardown_appcontext(_remove_session_quietly)

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
        if database_unreachable(error):
            return _database_away(error)
        if lost_a_race(error):
            return _too_busy(error)
        # Roll back so the next request on this connection starts clean.
        _rollback_quietly()
        log.exception(
            "unhandled error on %s %s (request %s)", request.method, request.path, request_id()
        )
        return _render(500, "Something went wrong", "We could not complete that. Please try again.")


def _too_busy(error: Exception):
    """503 when a transaction lost every retry against concurrent ones: try again soon."""
    _rollback_quietly()
    log.warning(
        "gave up after repeated deadlocks on %s %s (request %s): %s",
        request.method,
        request.path,
        request_id(),
        getattr(error, "orig", None) or error,
    )
    response = current_app.make_response(_render(503, *BUSY, standalone=True))
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    return response


def _database_away(error: Exception):
    """503 with Retry-After; the pool reconnects by itself (pre-ping) once the database is back."""
    _rollback_quietly()
    log.error(
        "database unreachable on %s %s (request %s): %s",
        request.method,
        request.path,
        request_id(),
        getattr(error, "orig", None) or error,
    )
    response, status = _render(503, *DATABASE_AWAY, standalone=True)
    response = current_app.make_response((response, status))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
