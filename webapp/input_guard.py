"""Refusing input that no database can store, before any view sees it.

PostgreSQL rejects NUL in text columns and neither database can encode a lone
UTF-16 surrogate (JSON may carry one as "\\ud800"). Left to the database, such
text would surface as a server error; refused here, it is a plain 400 for every
route at once: path, query string, form fields and JSON bodies.

Ids in URLs (`<int:...>`) above the 32-bit range that ids use never match a
route, so they are a 404 instead of an integer overflow in the database driver.
"""

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
MESSAGE = "The request held characters Marquee cannot store (NUL or broken Unicode)."


def storable(text: str) -> bool:
    """True when the text has no NUL and encodes as UTF-8."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _all_storable(value) -> bool:
    """Every string inside a parsed JSON value (keys included) is storable."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not storable(item):
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _request_is_storable() -> bool:
    if not storable(request.path):
        return False
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if not (storable(key) and storable(value)):
                return False
    if request.content_length and not request.form:
        # The same cached parse the views use (they read bodies with force=True, silent=True).
        body = request.get_json(force=True, silent=True)
        if body is not None and not _all_storable(body):
            return False
    return True


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` limited to what an id column holds (an explicit max= still wins)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def install_converters(app: Flask) -> None:
    """Bound every `<int:...>` route argument; call before blueprints add their routes."""
    app.url_map.converters["int"] = BoundedIntConverter


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_unstorable_text() -> None:
        if not _request_is_storable():
            abort(400, description=MESSAGE)
