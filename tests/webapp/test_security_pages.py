"""The main pages hold no inline script: the Content-Security-Policy would block it."""

from html.parser import HTMLParser

from sqlalchemy import select

from tests.conftest import AuthActions
from webapp.extensions import db
from webapp.models import Account, Episode, Profile, Season, Title

# Data islands are inert: the page scripts read them with JSON.parse.
INERT_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class ScriptFinder(HTMLParser):
    """Collects inline scripts, on* handler attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._inline = False

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "script":
            self._inline = (
                "src" not in named and (named.get("type") or "") not in INERT_SCRIPT_TYPES
            )

    def handle_data(self, data):
        if self._inline and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inline = False


def _problems(html: str) -> list[str]:
    finder = ScriptFinder()
    finder.feed(html)
    return finder.problems


def _demo_ids(app):
    with app.app_context():
        admin = db.session.scalar(select(Account).where(Account.email == "admin@marquee.local"))
        profile = db.session.scalar(
            select(Profile).where(Profile.account_id == admin.id, Profile.is_kids.is_(False))
        )
        film = db.session.scalar(
            select(Title).where(Title.kind == "film").order_by(Title.id).limit(1)
        )
        episode = db.session.scalar(select(Episode).join(Season).order_by(Episode.id).limit(1))
        return profile.id, film.id, episode.season.title_id, episode.id


def test_main_pages_have_no_inline_scripts_or_handlers(seeded_app):
    client = seeded_app.test_client()
    anonymous_pages = ["/", "/auth/login", "/auth/signup", "/account/what-we-collect"]
    for url in anonymous_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _problems(response.get_data(as_text=True)) == [], url

    profile_id, film_id, series_id, episode_id = _demo_ids(seeded_app)
    AuthActions(client).as_viewer(profile_id)
    pages = [
        "/",
        "/profiles/",
        "/profiles/manage",
        f"/title/{film_id}",
        f"/title/{series_id}",
        f"/watch/{film_id}",
        f"/watch/{series_id}/episode/{episode_id}",
        "/search?q=the",
        "/search?q=%3Cscript%3E",
        "/my-list",
        "/browse/genres",
        "/account/",
        "/account/privacy",
        "/account/activity",
        "/admin/",
        "/admin/titles",
        f"/admin/titles/{film_id}",
        "/admin/people",
        "/admin/genres",
        "/admin/import",
        "/admin/insights/",
        "/admin/insights/demand",
        "/admin/insights/engagement",
        "/welcome/picks",
    ]
    for url in pages:
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert _problems(response.get_data(as_text=True)) == [], url
