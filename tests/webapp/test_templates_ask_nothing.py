"""Views pass what their pages show: no template, global, filter or context processor asks the database.

Every page reachable by links from the home page (as an admin with a profile,
and signed out) is rendered with a listener that records SQL issued between
the start of template-context building and the end of rendering.
"""

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask import before_render_template, render_template_string, template_rendered
from jinja2 import meta
from sqlalchemy import event, select, text
from werkzeug.exceptions import HTTPException

from tests.conftest import AuthActions
from webapp.extensions import db
from webapp.models import Account, Episode, Profile, Season

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Not pages: files, artwork, media, JSON, and a sign-out that must not be followed.
SKIPPED_ENDPOINTS = ("static", "browse.artwork", "browse.uploaded_artwork", "auth.logout")
SKIPPED_BLUEPRINTS = ("api", "media", "health")


class QueriesWhileRendering:
    """Records the SQL run while a template's context is built or the template renders.

    Flask's `render_template` builds the context (context processors) just before
    it sends `before_render_template`; wrapping `update_template_context` starts
    the watch there, and `template_rendered` ends it.
    """

    def __init__(self, app, monkeypatch):
        self.app = app
        self.rendering = False
        self.where = ""
        self.found: dict[str, list[str]] = {}
        update = app.update_template_context

        def watched_update(context):
            self.rendering = True
            update(context)

        monkeypatch.setattr(app, "update_template_context", watched_update)
        before_render_template.connect(self._start, app)
        template_rendered.connect(self._stop, app)
        with app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._sql)

    def close(self):
        event.remove(self.engine, "before_cursor_execute", self._sql)
        before_render_template.disconnect(self._start, self.app)
        template_rendered.disconnect(self._stop, self.app)

    def _start(self, sender, **extra):
        self.rendering = True

    def _stop(self, sender, **extra):
        self.rendering = False

    def _sql(self, conn, cursor, statement, parameters, context, executemany):
        if self.rendering:
            self.found.setdefault(self.where, []).append(" ".join(statement.split())[:120])


@pytest.fixture
def watch(trained, monkeypatch):
    watcher = QueriesWhileRendering(trained, monkeypatch)
    yield watcher
    watcher.close()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _crawl(app, client, watch, start: list[str]) -> dict[str, str]:
    """One page per endpoint, following links from `start`: {endpoint: body}."""
    adapter = app.url_map.bind("localhost")
    bodies: dict[str, str] = {}
    queue, queued = deque(start), set(start)
    while queue:
        url = queue.popleft()
        try:
            endpoint, _ = adapter.match(urlsplit(url).path, method="GET")
        except HTTPException:
            continue
        blueprint = endpoint.rpartition(".")[0]
        if endpoint in bodies or endpoint in SKIPPED_ENDPOINTS or blueprint in SKIPPED_BLUEPRINTS:
            continue
        watch.where = url
        response = client.get(url)
        watch.rendering = False
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        body = response.get_data(as_text=True)
        bodies[endpoint] = body
        links = _Links()
        links.feed(body)
        for href in links.hrefs:
            target = urlsplit(urljoin(f"http://localhost{url}", href))
            if target.netloc == "localhost":
                found = target.path + (f"?{target.query}" if target.query else "")
                if found not in queued:
                    queued.add(found)
                    queue.append(found)
    return bodies


def test_the_watch_sees_sql_from_a_template_global(trained, watch):
    with trained.test_request_context("/"):
        render_template_string("{{ probe() }}", probe=lambda: db.session.scalar(text("SELECT 1")))
    assert list(watch.found) == [""]


def test_pages_render_without_asking_the_database(trained, watch):
    client = trained.test_client()
    signed_out = _crawl(
        trained, client, watch, ["/auth/login", "/auth/signup", "/account/what-we-collect"]
    )
    assert {"auth.login", "auth.signup", "account.what_we_collect"} <= signed_out.keys()

    with trained.app_context():
        admin = db.session.scalar(select(Account).where(Account.email == "admin@marquee.local"))
        profile_id = db.session.scalar(
            select(Profile.id).where(Profile.account_id == admin.id, Profile.is_kids.is_(False))
        )
        episode = db.session.scalar(select(Episode).join(Season).order_by(Episode.id).limit(1))
        series_id, episode_id = episode.season.title_id, episode.id
    client.post("/auth/login", data={"email": "admin@marquee.local", "password": "marquee-demo"})
    client.post(f"/profiles/{profile_id}/choose")
    # A series page and an episode's player, and pages reached only through forms.
    start = [
        f"/title/{series_id}",
        f"/watch/{series_id}/episode/{episode_id}",
        "/",
        "/search?q=the",
        "/welcome/picks",
    ]
    pages = _crawl(trained, client, watch, start)

    assert not watch.found, "\n".join(f"{url}: {sql}" for url, sql in watch.found.items())
    # The crawl reached the pages whose data used to come from template globals.
    assert "More like this" in pages["browse.title"]
    assert re.search(r'data-model-version="[^"]+"', pages["browse.title"])
    assert 'class="button button-play"' in pages["browse.title"]
    assert "episode-play" in pages["browse.title"]
    assert {"browse.home", "watch.play_episode", "account.index", "admin.index"} <= pages.keys()
    assert len(pages) >= 30


def _template_sources() -> dict[str, str]:
    return {
        path.relative_to(TEMPLATES).as_posix(): path.read_text()
        for path in TEMPLATES.rglob("*.html")
    }


def test_no_template_includes_what_may_be_missing():
    optional = [name for name, source in _template_sources().items() if "ignore missing" in source]
    assert optional == []


def test_every_template_a_template_names_exists(app):
    env = app.jinja_env
    sources = _template_sources()
    missing = {
        (name, ref)
        for name, source in sources.items()
        for ref in meta.find_referenced_templates(env.parse(source))
        if ref is not None and ref not in sources
    }
    assert missing == set()


def test_files_and_health_probes_do_not_read_the_signed_in_account(app):
    """The account and profile are read before views that render pages, not before these."""
    client = app.test_client()
    AuthActions(client).as_viewer()
    statements = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        for url in ("/healthz", "/static/css/marquee.css"):
            with client.get(url) as response:
                assert response.status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements == []
    # The session is live: a page does read the account.
    assert "Sign out of Marquee" in client.get("/account/what-we-collect").get_data(as_text=True)
