"""The search results page and the index maintenance command."""

import click
from flask import render_template, request

from webapp.extensions import db
from webapp.profiles.current import load_current_profile, profile_required
from webapp.search import bp
from webapp.search.indexer import rebuild_index
from webapp.search.popular import genres_to_browse, popular_searches
from webapp.search.service import search

RESULTS = 60
CLOSE_TITLES = 4  # "Did you mean" titles when nothing matches
POPULAR = 10  # popular searches offered before anything is typed


@bp.get("/search")
@profile_required
def results():
    """Titles best matching ?q=, with the people and genres it names; with no query, popular
    searches and genres to start from."""
    query = request.args.get("q", "")[:200].strip()
    profile = load_current_profile()
    if not query:
        return render_template(
            "search/results.html",
            results=search("", profile),
            popular=popular_searches(profile, POPULAR),
            browse_genres=genres_to_browse(profile),
        )
    found = search(query, profile, titles=RESULTS, people=6, genres=4, close=CLOSE_TITLES)
    # Nothing is written here: a link from another site could otherwise plant a search in
    # the viewer's history. The page's script logs it (static/js/search.js) with a POST
    # to the events API, which checks the CSRF token.
    return render_template("search/results.html", results=found)


@bp.cli.command("rebuild")
def rebuild_command() -> None:
    """Index the whole catalog again (after bulk loads that bypass the ORM)."""
    count = rebuild_index()
    db.session.commit()
    click.echo(f"Search index rebuilt: {count} titles.")
