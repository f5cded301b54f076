"""The JSON API used by the page scripts: events, thumbs, My List, search suggestions."""

from flask import jsonify, request, url_for
from sqlalchemy import select

from webapp.activity import EventError, record_events
from webapp.activity.vocabulary import LIST_ADD, LIST_REMOVE, RATE, UNRATE
from webapp.api import bp
from webapp.api.guard import csrf_problem, json_body, profile_api
from webapp.catalog.ai_use import ai_label
from webapp.catalog.visibility import get_visible_title_or_404, restrict
from webapp.extensions import csrf, db
from webapp.input_guard import MAX_ID, whole_number
from webapp.models import ListItem, Rating, Title
from webapp.profiles.current import load_current_profile
from webapp.search.service import suggest
from webapp.templating import title_url

# Where an action happened; the rating and list endpoints accept these beside the value.
CONTEXT_FIELDS = (
    "page",
    "row_key",
    "row_pos",
    "col_pos",
    "artwork_variant",
    "local_hour",
    "local_weekday",
    "session_id",
    "model_version",
)
MAX_STATE_IDS = 200


def _invalid(error: EventError):
    return jsonify(error.as_json()), 400


@bp.post("/events")
@csrf.exempt  # checked below: the token may come in the body of a beacon
@profile_api
def events():
    """Record a batch of events for the current profile, all or nothing."""
    payload = json_body()
    if payload is None:
        return _invalid(EventError("body", "must be JSON", "invalid batch"))
    problem = csrf_problem(payload)
    if problem:
        return jsonify(error="invalid batch", field="csrf_token", message=problem), 400
    try:
        result = record_events(
            load_current_profile(), payload, user_agent=request.headers.get("User-Agent")
        )
    except EventError as error:
        return _invalid(error)
    return jsonify(result.as_json())


def _single(kind: str, title_id: int):
    """Record one rating or list event with the context the page sent.

    Returns (error response or None, the event recorded).
    """
    profile = load_current_profile()
    get_visible_title_or_404(title_id, profile)
    body = json_body() if request.content_length else {}
    if not isinstance(body, dict):
        return _invalid(EventError("body", "must be a JSON object", "invalid request")), None
    event = {"type": kind, "title_id": title_id}
    for key, item in body.items():
        allowed = CONTEXT_FIELDS + (("value",) if kind == RATE else ())
        if key not in allowed:
            return _invalid(
                EventError(str(key)[:40], "is not a known field", "invalid request")
            ), None
        event[key] = item
    try:
        record_events(profile, {"events": [event]}, user_agent=request.headers.get("User-Agent"))
    except EventError as error:
        error.field = error.field.removeprefix("events[0].")
        error.error = "invalid request"
        return _invalid(error), None
    return None, event


@bp.put("/titles/<int:title_id>/rating")
@profile_api
def rate(title_id: int):
    """Thumbs down (-1), up (1) or love it (2); sending another value changes it."""
    failed, event = _single(RATE, title_id)
    return failed or jsonify(title_id=title_id, rating=int(event["value"]))


@bp.delete("/titles/<int:title_id>/rating")
@profile_api
def unrate(title_id: int):
    failed, _ = _single(UNRATE, title_id)
    return failed or jsonify(title_id=title_id, rating=None)


@bp.put("/titles/<int:title_id>/list")
@profile_api
def list_add(title_id: int):
    failed, _ = _single(LIST_ADD, title_id)
    return failed or jsonify(title_id=title_id, in_list=True)


@bp.delete("/titles/<int:title_id>/list")
@profile_api
def list_remove(title_id: int):
    failed, _ = _single(LIST_REMOVE, title_id)
    return failed or jsonify(title_id=title_id, in_list=False)


@bp.get("/titles/state")
@profile_api
def title_state():
    """This profile's thumbs and My List for the titles on screen: ?ids=1,2,3."""
    parts = [part for part in request.args.get("ids", "").split(",") if part.strip()]
    try:
        ids = {whole_number(part, "each id", 1, MAX_ID) for part in parts}
    except ValueError as exc:
        message = f"must be comma-separated title ids: {exc}"
        return _invalid(EventError("ids", message, "invalid request"))
    if len(ids) > MAX_STATE_IDS:
        return _invalid(EventError("ids", f"at most {MAX_STATE_IDS} ids", "invalid request"))
    profile = load_current_profile()
    visible = (
        set(db.session.scalars(restrict(select(Title.id).where(Title.id.in_(ids)), profile)))
        if ids
        else set()
    )
    ratings = (
        dict(
            db.session.execute(
                select(Rating.title_id, Rating.value).where(
                    Rating.profile_id == profile.id, Rating.title_id.in_(visible)
                )
            ).all()
        )
        if visible
        else {}
    )
    listed = (
        set(
            db.session.scalars(
                select(ListItem.title_id).where(
                    ListItem.profile_id == profile.id, ListItem.title_id.in_(visible)
                )
            )
        )
        if visible
        else set()
    )
    return jsonify(
        titles={str(t): {"rating": ratings.get(t), "in_list": t in listed} for t in sorted(visible)}
    )


@bp.get("/search/suggest")
@profile_api
def search_suggest():
    """Titles, people and genres for the header box, best first."""
    results = suggest(request.args.get("q", ""), load_current_profile())
    return jsonify(
        query=results.query,
        corrected=results.corrected,
        titles=[
            {
                "id": t.id,
                "name": t.name,
                "year": t.year,
                "kind": t.kind,
                "url": title_url(t),
                "ai_use": t.ai_use,
                "ai_label": ai_label(t.ai_use),
            }
            for t in results.titles
        ],
        people=[
            {"id": p.id, "name": p.name, "url": url_for("browse.person", slug=p.slug)}
            for p in results.people
        ],
        genres=[
            {"id": g.id, "name": g.name, "url": url_for("browse.genre", slug=g.slug)}
            for g in results.genres
        ],
        search_url=url_for("search.results", q=results.query),
    )
