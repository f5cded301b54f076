"""Refusing input that no database can store, before any view sees it.

PostgreSQL rejects NUL in text columns and neither database can encode a lone
UTF-16 surrogate (JSON may carry one as "\\ud800"). Left to the database, such
text would surface as a server error. Here, for every route at once: a path or
JSON body holding such text is a plain 400, and NUL is dropped from query
strings. Form fields are left to their forms, which name the field at fault;
errors.py turns anything a form let through into a 400 as well.

JSON nested deeper than the parser's recursion limit is a 400 as well; every
body is parsed here first, so no view meets the RecursionError.

Ids in URLs (`<int:...>`) above the 32-bit range that ids use never match a
route, so they are a 404 instead of an integer overflow in the database driver.
Whole numbers from query strings and forms are read with `whole_number` and
`int_arg`, bounded to the 64-bit range both databases can compare against
(SQLite's driver cannot even send a larger one).
"""

import re

from flask import Flask, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
MAX_DB_INT = 2**63 - 1
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
MESSAGE = "The request held characters Marquee cannot store (NUL or broken Unicode)."
TOO_DEEP = "The JSON body is nested too deeply to read."
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,19}")


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


def _clean_args() -> None:
    """Drop NUL characters from the query string: searches and filters read it, none store it."""
    if any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
        request.args = ImmutableMultiDict(
            (k.replace("\x00", ""), v.replace("\x00", ""))
            for k, v in request.args.items(multi=True)
        )


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")


def _body_is_storable() -> bool:
    """JSON bodies only: forms check their own fields, with messages that name the field."""
    if not _has_body() or request.mimetype in FORM_TYPES:
        return True
    # The same cached parse the views use (they read bodies with force=True, silent=True).
    try:
        body = request.get_json(force=True, silent=True)
    except RecursionError:
        abort(400, description=TOO_DEEP)
    return body is None or _all_storable(body)


def whole_number(text: str, name: str, low: int = -MAX_DB_INT, high: int = MAX_DB_INT) -> int:
    """`text` as an integer from low to high, or ValueError with a message naming `name`."""
    text = text.strip()
    if WHOLE_NUMBER.fullmatch(text):
        value = int(text)
        if low <= value <= high:
            return value
    raise ValueError(f"{name} must be a whole number{_bounds(low, high)}.")


def _bounds(low: int, high: int) -> str:
    """The range in words, leaving out the database's own ends."""
    if low > -MAX_DB_INT:
        return f" from {low} to {high}"
    return f" no larger than {high}" if high < MAX_DB_INT else ""


def int_arg(name: str, default: int, low: int = -MAX_DB_INT, high: int = MAX_DB_INT) -> int:
    """A whole number from the query string (default when absent); a 400 saying why otherwise."""
    raw = request.args.get(name, "")
    if not raw.strip():
        return default
    try:
        return whole_number(raw, name, low, high)
    except ValueError as exc:
        abort(400, description=str(exc))


def page_arg(page_size: int) -> int:
    """?page= (default 1), bounded so that the page's first row is still a 64-bit offset.

    Pages below 1 or past the last are left to the view, which knows how many there are.
    """
    return int_arg("page", 1, high=MAX_DB_INT // page_size)


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
        if not storable(request.path) or not _body_is_storable():
            abort(400, description=MESSAGE)
        _clean_args()
