"""Checking a batch of events from the browser, field by field, before anything is written.

A batch is `{"events": [ {...}, ... ]}` (plus `csrf_token` for beacon posts).
Each event has a `type` from EVENT_TYPES and only the fields listed in FIELDS.
The first problem found is reported with the path of the field at fault
("events[3].type"), and the whole batch is refused.
"""

import math
import re

from webapp.activity.vocabulary import (
    EVENT_TYPES,
    NO_TITLE,
    PLAYBACK,
    PLAYBACK_ERROR,
    PREVIEW,
    QUALITY,
    RATE,
    REBUFFER,
    RENDITION_SWITCH,
    SEARCH,
    STARTUP,
)

MAX_BATCH = 100
MAX_QUALITY_SECONDS = 3600.0
MAX_HEIGHT = 4320
RATINGS = (-1, 1, 2)
SMALLINT = 32767
SESSION_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
BATCH_KEYS = frozenset({"events", "csrf_token"})


class Invalid(Exception):
    """One field's value is wrong; the message says how."""


class EventError(ValueError):
    """A batch that cannot be recorded; `field` names the culprit, `message` says why."""

    def __init__(self, field: str, message: str, error: str = "invalid event"):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.error = error

    def as_json(self) -> dict:
        return {"error": self.error, "field": self.field, "message": self.message}


def _int(low: int, high: int):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise Invalid("must be a whole number")
        if not low <= value <= high:
            raise Invalid(f"must be between {low} and {high}")
        return value

    return check


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid("must be a finite number")
    try:
        number = float(value)  # JSON integers have no size limit; floats do
    except OverflowError:
        raise Invalid("must be a finite number") from None
    if not math.isfinite(number):
        raise Invalid("must be a finite number")
    return number


def _text(limit: int, pattern: re.Pattern | None = None):
    def check(value):
        if not isinstance(value, str):
            raise Invalid("must be a string")
        value = value.strip()
        if len(value) > limit:
            raise Invalid(f"must be at most {limit} characters")
        if pattern is not None and not pattern.match(value):
            raise Invalid("has characters that are not allowed")
        return value or None

    return check


def _type(value):
    if value not in EVENT_TYPES:
        raise Invalid("must be one of " + ", ".join(EVENT_TYPES))
    return value


FIELDS = {
    "type": _type,
    "title_id": _int(1, 2**31 - 1),
    "episode_id": _int(1, 2**31 - 1),
    "value": _number,
    "text": _text(200),
    "duration": _number,
    "page": _text(40),
    "row_key": _text(80),
    "row_pos": _int(0, SMALLINT),
    "col_pos": _int(0, SMALLINT),
    "artwork_variant": _int(0, SMALLINT),
    "local_hour": _int(0, 23),
    "local_weekday": _int(0, 6),
    "session_id": _text(64, SESSION_ID),
    "model_version": _text(40),
}


def parse_batch(payload) -> list[dict]:
    """The clean events of a batch, or EventError for the first problem."""
    if not isinstance(payload, dict):
        raise EventError("body", "must be a JSON object with an events list", "invalid batch")
    for key in payload:
        if key not in BATCH_KEYS:
            raise EventError(str(key)[:40], "is not a known field", "invalid batch")
    events = payload.get("events")
    if not isinstance(events, list):
        raise EventError("events", "must be a list of events", "invalid batch")
    if not events:
        raise EventError("events", "must hold at least one event", "invalid batch")
    if len(events) > MAX_BATCH:
        raise EventError("events", f"holds more than {MAX_BATCH} events", "invalid batch")
    return [parse_event(event, f"events[{i}]") for i, event in enumerate(events)]


def parse_event(raw, where: str = "event") -> dict:
    """One clean event; fields left out are None."""
    if not isinstance(raw, dict):
        raise EventError(where, "must be an object")
    clean = dict.fromkeys(FIELDS)
    for key, value in raw.items():
        check = FIELDS.get(key)
        if check is None:
            raise EventError(f"{where}.{str(key)[:40]}", "is not a known field")
        if value is None:
            continue
        try:
            clean[key] = check(value)
        except Invalid as exc:
            raise EventError(f"{where}.{key}", str(exc)) from None
    _check_rules(clean, where)
    return clean


def _check_rules(event: dict, where: str) -> None:
    """What each type of event must carry."""
    kind = event["type"]
    if kind is None:
        raise EventError(f"{where}.type", "is required")
    if kind not in NO_TITLE and event["title_id"] is None:
        raise EventError(f"{where}.title_id", f"is required for {kind} events")
    if kind in PLAYBACK:
        if event["value"] is None:
            raise EventError(f"{where}.value", "is required: the playback position in seconds")
        if event["value"] < 0:
            raise EventError(f"{where}.value", "must not be negative")
    elif kind in QUALITY:
        _check_quality(event, where)
    elif event["episode_id"] is not None:
        raise EventError(f"{where}.episode_id", f"is not allowed on {kind} events")
    if kind == PREVIEW and (
        event["value"] is None or not event["value"].is_integer() or not 1 <= event["value"] < 2**31
    ):
        raise EventError(f"{where}.value", "is required: the trailer variant's id")
    if kind == RATE and event["value"] not in RATINGS:
        raise EventError(f"{where}.value", "must be -1 (thumbs down), 1 (thumbs up) or 2 (love it)")
    if kind == SEARCH:
        if not event["text"]:
            raise EventError(f"{where}.text", "is required: the search query")
        if event["value"] is not None and event["value"] < 0:
            raise EventError(f"{where}.value", "must not be negative")
    if event["duration"] is not None and event["duration"] < 0:
        raise EventError(f"{where}.duration", "must not be negative")


def _check_quality(event: dict, where: str) -> None:
    """Startup and rebuffer carry seconds, a switch the new height, an error what went wrong."""
    kind, value = event["type"], event["value"]
    if kind in (STARTUP, REBUFFER):
        if value is None:
            raise EventError(f"{where}.value", "is required: seconds")
        if not 0 <= value <= MAX_QUALITY_SECONDS:
            raise EventError(
                f"{where}.value", f"must be between 0 and {MAX_QUALITY_SECONDS:.0f} seconds"
            )
    elif kind == RENDITION_SWITCH:
        if value is None or not value.is_integer() or not 1 <= value <= MAX_HEIGHT:
            raise EventError(
                f"{where}.value", f"is required: the rendition's height, 1 to {MAX_HEIGHT}"
            )
    elif kind == PLAYBACK_ERROR:
        if not event["text"]:
            raise EventError(f"{where}.text", "is required: what went wrong")
        if value is not None and (not value.is_integer() or not 0 <= value <= SMALLINT):
            raise EventError(f"{where}.value", "must be a whole error code")
