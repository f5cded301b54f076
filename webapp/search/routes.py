"""The search results page and the index maintenance command."""

import click
from flask import render_template, request

from webapp.activity import EventError, record_events
from webapp.extensions import db
from webapp.profiles.current import load_current_profile, profile_required
from webapp.search import bp
from webapp.search.indexer import rebuild_index
from webapp.search.service import search

RESULTS = 60


@bp.get("/search")
@profile_required
def results():
    """Titles best matching ?q=, with the people and genres it names."""
    query = request.args.get("q", "")[:200].strip()
    profile = load_current_profile()
    found = search(query, profile, titles=RESULTS, people=6, genres=4)
    if found.query:
        _log_search(profile, found)
    return render_template("search/results.html", results=found)


def _log_search(profile, found) -> None:
    """The query and how many titles it found, in the event log (history pause honoured)."""
    event = {"type": "search", "text": found.query, "value": len(found.titles), "page": "search"}
    try:
        record_events(profile, {"events": [event]}, user_agent=request.headers.get("User-Agent"))
    except EventError:
        db.session.rollback()  # a query the log cannot hold never breaks the page


@bp.cli.command("rebuild")
def rebuild_command() -> None:
    """Index the whole catalog again (after bulk loads that bypass the ORM)."""
    count = rebuild_index()
    db.session.commit()
    click.echo(f"Search index rebuilt: {count} titles.")
