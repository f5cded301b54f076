"""Request ids and structured logs: one JSON object per line, each naming its request.

Every request gets an id, taken from a sane incoming X-Request-ID (so a proxy's
id follows the request through) or made here, and sent back in the response's
X-Request-ID header. Outside testing and debug, every log record is written to
stderr as one JSON line carrying that id, the method and the path.
"""

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

HEADER = "X-Request-ID"
# Anything else (long, spaces, control characters) could forge or break log lines.
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id() -> str | None:
    """The id of the request being served, or None outside a request."""
    if not has_request_context():
        return None
    return g.get("request_id")


def _incoming_or_new_id() -> str:
    incoming = request.headers.get(HEADER, "")
    return incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON, with the request's id, method and path."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry.update(request_id=request_id(), method=request.method, path=request.path)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_json_logging(level: int = logging.INFO) -> None:
    """Send every logger's records to stderr as JSON lines (replaces other root handlers)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


def init_app(app: Flask) -> None:
    """Give each request an id; log as JSON unless testing or debugging."""

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = _incoming_or_new_id()

    @app.after_request
    def echo_request_id(response: Response) -> Response:
        if "request_id" in g:
            response.headers[HEADER] = g.request_id
        return response

    if not (app.testing or app.debug):
        configure_json_logging()
        # Flask's own handler would print each record a second time, as plain text.
        app.logger.removeHandler(default_handler)
