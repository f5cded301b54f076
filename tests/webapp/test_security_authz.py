"""Authorization, route by route: built from app.url_map so that no new route skips it.

Visitors are sent to sign in (the JSON API answers 401); another account's
profiles answer 404; the admin area answers 403 to everyone but admins.
"""

from sqlalchemy import select
from werkzeug.routing.converters import AnyConverter

from tests.conftest import AuthActions
from tests.webapp.catalog_factory import build_catalog, make_account
from webapp.extensions import db
from webapp.models import Account, Credit, Episode, Genre, Person, Profile, Title

# Pages anyone may see. Every other route needs a signed-in account.
PUBLIC = {
    "browse.home",  # the welcome page for visitors
    "auth.login",
    "auth.signup",
    "auth.forgot_password",
    "auth.logout",  # signing out when signed out only lands on the sign-in page
    "account.what_we_collect",
    "static",
    "health.healthz",
    "health.readyz",
}
# The mailed link is the credential: a bad one is sent to ask for another.
LINK_ONLY = {"auth.reset_password"}
# Answer visitors 404, as if missing: artwork depends on the profile's maturity limit.
MISSING_FOR_VISITORS = {"browse.artwork", "browse.uploaded_artwork"}
# Media files answer whoever holds a signed URL (a player, a CDN), and 403 to anyone else.
SIGNED_URL_ONLY = {"media.file"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def _ids(app) -> dict[str, object]:
    """A real value for every route parameter, so routes are reached, not 404ed on lookup."""
    with app.app_context():
        build_catalog(n_kid=2)
        _, (owner_profile,) = make_account("owner@example.com", [{"name": "Owner"}])
        episode = db.session.scalar(select(Episode).order_by(Episode.id).limit(1))
        title = db.session.scalar(select(Title).where(Title.kind == "film").limit(1))
        return {
            "title_id": title.id,
            "slug": title.slug,
            "episode_id": episode.id,
            "season_id": episode.season_id,
            "credit_id": db.session.scalar(select(Credit.id).limit(1)),
            "person_id": db.session.scalar(select(Person.id).limit(1)),
            "genre_id": db.session.scalar(select(Genre.id).limit(1)),
            "profile_id": owner_profile,
            "kind": "films",
            "variant": 0,
            "width": 500,
            "page": "churn",
            "name": "at-risk",
            "filename": "css/marquee.css",
            "asset_id": 1,
            "token": "not-a-reset-token",
        }


def _url(rule, values: dict) -> str:
    args = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if isinstance(converter, AnyConverter):
            args[name] = min(converter.items)
        else:
            assert name in values, f"add a test value for the new route parameter {name!r}"
            args[name] = values[name]
    return rule.build(args, append_unknown=False)[1]


def _call(client, method: str, url: str):
    response = client.open(url, method=method, json={} if url.startswith("/api/") else None)
    response.close()
    return response


def _sign_in(app, client, email: str, *, is_admin: bool = False) -> int:
    with app.app_context():
        _, (profile_id,) = make_account(email, [{"name": email.split("@")[0][:40]}])
        if is_admin:
            db.session.scalar(select(Account).where(Account.email == email)).is_admin = True
            db.session.commit()
    AuthActions(client).as_viewer(profile_id)
    return profile_id


def test_visitors_are_sent_to_sign_in_on_every_private_route(app):
    values = _ids(app)
    client = app.test_client()
    checked = 0
    for rule in _rules(app):
        if rule.endpoint in PUBLIC:
            continue
        url = _url(rule, values)
        for method in sorted(rule.methods - IGNORED_METHODS):
            response = _call(client, method, url)
            checked += 1
            if rule.endpoint in MISSING_FOR_VISITORS:
                assert response.status_code == 404, (method, url)
            elif rule.endpoint in SIGNED_URL_ONLY:
                assert response.status_code == 403, (method, url)
            elif rule.endpoint in LINK_ONLY:
                assert response.status_code == 302, (method, url)
                assert response.headers["Location"] == "/auth/forgot", (method, url)
            elif url.startswith("/api/"):
                assert response.status_code == 401, (method, url)
                assert response.get_json()["error"], (method, url)
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert response.headers["Location"].startswith("/auth/login"), (method, url)
    assert checked > 50


def test_public_routes_answer_visitors(app):
    values = _ids(app)
    client = app.test_client()
    for rule in _rules(app):
        if rule.endpoint in PUBLIC and "GET" in rule.methods:
            assert _call(client, "GET", _url(rule, values)).status_code == 200, rule.rule


def test_admin_routes_refuse_viewers_on_every_method(app):
    values = _ids(app)
    client = app.test_client()
    _sign_in(app, client, "viewer@example.com")
    admin_rules = [r for r in _rules(app) if r.endpoint.startswith("admin.")]
    assert len(admin_rules) > 20
    for rule in admin_rules:
        url = _url(rule, values)
        assert url.startswith("/admin/"), url
        for method in sorted(rule.methods - IGNORED_METHODS):
            assert _call(client, method, url).status_code == 403, (method, url)
    with app.app_context():
        assert db.session.get(Title, values["title_id"]) is not None


def test_admins_reach_the_admin_area(app):
    client = app.test_client()
    _sign_in(app, client, "boss@example.com", is_admin=True)
    assert client.get("/admin/").status_code == 200


def test_another_accounts_profile_is_missing_on_every_route_that_names_one(app):
    values = _ids(app)
    owner_profile = values["profile_id"]
    client = app.test_client()
    _sign_in(app, client, "intruder@example.com")
    profile_rules = [r for r in _rules(app) if "profile_id" in r.arguments]
    assert {r.endpoint for r in profile_rules} >= {
        "profiles.select",
        "profiles.edit",
        "profiles.delete",
        "account.delete_history",
        "account.pause_history",
    }
    for rule in profile_rules:
        url = _url(rule, values)
        for method in sorted(rule.methods - IGNORED_METHODS):
            response = client.open(url, method=method, data={"name": "Hijacked", "pin": "1234"})
            assert response.status_code == 404, (method, url, response.status_code)
    with app.app_context():
        profile = db.session.get(Profile, owner_profile)
        assert profile is not None and profile.name == "Owner" and not profile.history_paused


def test_a_profile_id_planted_in_the_session_is_ignored(app):
    values = _ids(app)
    client = app.test_client()
    _sign_in(app, client, "intruder@example.com")
    with client.session_transaction() as session:
        session["profile_id"] = values["profile_id"]
    api = client.put(f"/api/titles/{values['title_id']}/list", json={})
    assert api.status_code == 401
    page = client.get("/my-list")
    assert page.status_code == 302 and "/profiles/" in page.headers["Location"]


def test_an_export_holds_only_the_signed_in_account(app):
    values = _ids(app)
    client = app.test_client()
    _sign_in(app, client, "intruder@example.com")
    export = client.post("/account/export", data={"profile_id": values["profile_id"]})
    assert export.status_code == 200
    body = export.get_data(as_text=True)
    assert "intruder@example.com" in body
    assert "owner@example.com" not in body and '"Owner"' not in body
