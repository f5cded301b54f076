"""Fixtures shared by the web app's tests, after the Flask docs' testing patterns.

Every test that asks for `app` runs once per reachable database: a real SQLite
file, and the real PostgreSQL of this machine when it answers. The schema is
always made by the Alembic migrations, once per session into a template that
each test then copies, so tests stay fast and isolated.
"""

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from webapp import create_app
from webapp.config import Config

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
MOVIELENS = SHARED / "data" / "ml-latest-small"
PG_ADMIN_URL = os.environ.get(
    "MARQUEE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# Small but real: enough viewers for every row and report to have data.
SEED_ARGS = {"n_profiles": 24, "seed": 11, "days": 30}


# CI (and `make test`) set this: a PostgreSQL that does not answer fails the run
# instead of leaving SQLite tested alone.
REQUIRE_POSTGRES = os.environ.get("MARQUEE_REQUIRE_POSTGRES", "0") == "1"


def _postgres_wanted() -> bool:
    return "postgresql" in os.environ.get("MARQUEE_TEST_DATABASES", "sqlite,postgresql")


def _postgres_reachable() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.SQLAlchemyError:
        return False


POSTGRES_READY = (_postgres_wanted() or REQUIRE_POSTGRES) and _postgres_reachable()
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_READY else [])


def pytest_sessionstart(session):
    if REQUIRE_POSTGRES and not POSTGRES_READY:
        pytest.exit(
            f"PostgreSQL does not answer at {PG_ADMIN_URL} and MARQUEE_REQUIRE_POSTGRES=1: "
            "start it (or set MARQUEE_TEST_POSTGRES_URL) rather than test SQLite alone",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def on_backends(fixture: str, *wanted: str):
    """Run a test on some backends only, by narrowing `fixture`'s parameters.

    For a check that one backend cannot make (psycopg's own errors) or that does
    not depend on the database (model files), so the test never runs to skip.
    """
    return pytest.mark.parametrize(fixture, [b for b in wanted if b in BACKENDS], indirect=True)


def _pg_url(database: str) -> str:
    return (
        sa.engine.make_url(PG_ADMIN_URL)
        .set(database=database)
        .render_as_string(hide_password=False)
    )


def _pg_admin(sql: str) -> None:
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(sql))
    engine.dispose()


def make_config(instance: Path, database_url: str, **extra) -> type:
    """A Config subclass pointing at a test instance folder and database."""
    attrs = {
        "INSTANCE_PATH": instance,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "MODEL_DIR": instance / "models",
        "ARTWORK_CACHE_DIR": instance / "artwork",
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    attrs.update(extra)
    return type("TestConfig", (Config,), attrs)


def _build(app_factory_config: type, seeded: bool) -> None:
    from flask_migrate import upgrade

    app = create_app(app_factory_config)
    with app.app_context():
        upgrade()
        if seeded:
            from webapp.seed.demo import seed_demo

            seed_demo(progress=False, **SEED_ARGS)
        from webapp.extensions import db

        db.session.remove()
        db.engine.dispose()


class Templates:
    """Migrated (and optionally seeded) databases, built once per session and backend."""

    def __init__(self, root: Path):
        self.root = root
        self.built: dict[tuple[str, bool], str] = {}
        self.tag = uuid.uuid4().hex[:8]

    def get(self, backend: str, seeded: bool) -> str:
        key = (backend, seeded)
        if key not in self.built:
            name = f"tpl_{'seeded' if seeded else 'empty'}"
            instance = self.root / f"{backend}_{name}"
            instance.mkdir(parents=True, exist_ok=True)
            if backend == "sqlite":
                path = instance / "marquee.db"
                _build(make_config(instance, f"sqlite:///{path}"), seeded)
                self.built[key] = str(path)
            else:
                dbname = f"marquee_{self.tag}_{name}"
                _pg_admin(f'DROP DATABASE IF EXISTS "{dbname}"')
                _pg_admin(f'CREATE DATABASE "{dbname}"')
                _build(make_config(instance, _pg_url(dbname)), seeded)
                self.built[key] = dbname
        return self.built[key]

    def clone(self, backend: str, seeded: bool, instance: Path) -> tuple[str, Callable[[], None]]:
        """A fresh database copied from the template: its URL and a cleanup."""
        source = self.get(backend, seeded)
        if backend == "sqlite":
            target = instance / "marquee.db"
            shutil.copyfile(source, target)
            return f"sqlite:///{target}", lambda: None
        dbname = f"marquee_{self.tag}_{uuid.uuid4().hex[:10]}"
        _pg_admin(f'CREATE DATABASE "{dbname}" TEMPLATE "{source}"')
        return _pg_url(dbname), lambda: _pg_admin(
            f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'
        )

    def drop_all(self) -> None:
        for (backend, _), name in self.built.items():
            if backend == "postgresql":
                _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> Iterator[Templates]:
    store = Templates(tmp_path_factory.mktemp("templates"))
    yield store
    store.drop_all()


def _make_app(request, templates: Templates, tmp_path: Path, seeded: bool, **extra):
    backend = request.param
    instance = tmp_path / "instance"
    instance.mkdir()
    url, cleanup = templates.clone(backend, seeded, instance)
    app = create_app(make_config(instance, url, **extra))
    app.config["TEST_BACKEND"] = backend
    yield app
    from webapp.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    cleanup()


@pytest.fixture(params=BACKENDS)
def app(request, templates, tmp_path):
    """The app on an empty, migrated database."""
    yield from _make_app(request, templates, tmp_path, seeded=False)


@pytest.fixture(params=BACKENDS)
def seeded_app(request, templates, tmp_path):
    """The app on a small seeded demo database (catalog, accounts, simulated viewing)."""
    yield from _make_app(request, templates, tmp_path, seeded=True)


@pytest.fixture
def trained(seeded_app):
    """The seeded app with a recommender model trained on its simulated viewing."""
    from webapp.recommendations.store import model_store
    from webapp.recommendations.training import train_model

    with seeded_app.app_context():
        train_model(seeded_app.config["MODEL_DIR"], evaluate=False)
        model_store().invalidate()
    return seeded_app


def active_adult(app) -> int:
    """The id of the seeded adult profile with the most history."""
    from collections import Counter

    from webapp.extensions import db
    from webapp.models import Profile, WatchState

    with app.app_context():
        counts = Counter(
            db.session.scalars(
                sa.select(WatchState.profile_id).join(Profile).where(Profile.is_kids.is_(False))
            )
        )
        return counts.most_common(1)[0][0]


@pytest.fixture(params=BACKENDS)
def csrf_app(request, templates, tmp_path):
    """The app with CSRF protection on, as in production."""
    yield from _make_app(request, templates, tmp_path, seeded=False, WTF_CSRF_ENABLED=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def movielens_path() -> Path:
    if not (MOVIELENS / "ratings.csv").exists():
        pytest.skip(f"MovieLens sample not found at {MOVIELENS}")
    return MOVIELENS


class AuthActions:
    """Signing in for tests, after flaskr's AuthActions.

    `as_admin()` and `as_viewer(profile=...)` sign this client in at once, for
    the tests of everything but signing in: a server-side sign-in session as a
    real sign-in makes, put in the cookie session as Flask-Login's testing
    pattern does, without hashing a password. `signup`, `login`, `logout` and
    `choose_profile` go through the real forms, for the tests of signing in.
    """

    def __init__(self, client):
        self.client = client
        self.app = client.application

    def as_admin(self, email: str | None = None, profile: dict | None = None):
        """Signed in as an admin (made now unless `email` names one); returns the client.

        With `profile` (Profile fields), a new profile of the admin's is chosen too.
        """
        with self.app.app_context():
            account = self._account(email, is_admin=True)
            if not account.is_admin:
                raise ValueError(f"{account.email} is not an admin: leave email out for a new one")
            profile_id = self._new_profile(account, profile) if profile is not None else None
            self._sign_in(account, profile_id)
        return self.client

    def as_viewer(self, profile: int | dict | None = None, email: str | None = None) -> int:
        """Signed in with a profile chosen; returns the profile's id.

        `profile` is the id of an existing profile (its own account signs in), or
        the Profile fields of a new profile (default: one adult, "Viewer") on
        the account `email` names, made now when there is none.
        """
        from webapp.extensions import db
        from webapp.models import Account, Profile

        with self.app.app_context():
            if isinstance(profile, int):
                chosen = db.session.get(Profile, profile)
                if chosen is None:
                    raise ValueError(f"there is no profile {profile}")
                account, profile_id = db.session.get(Account, chosen.account_id), chosen.id
            else:
                account = self._account(email, is_admin=False)
                profile_id = self._new_profile(account, profile or {})
            self._sign_in(account, profile_id)
        return profile_id

    @staticmethod
    def _new_profile(account, fields: dict) -> int:
        from webapp.extensions import db
        from webapp.models import Profile

        fields = {"name": "Viewer", **fields}
        pin = fields.pop("pin", None)
        profile = Profile(**fields)
        profile.set_pin(pin)
        account.profiles.append(profile)
        db.session.commit()
        return profile.id

    def _account(self, email: str | None, is_admin: bool):
        from sqlalchemy import select

        from webapp.extensions import db
        from webapp.models import Account

        email = email or f"{uuid.uuid4().hex[:8]}@example.com"
        account = db.session.scalar(select(Account).where(Account.email == email))
        if account is None:
            # An unusable password: this account only ever signs in here.
            account = Account(email=email, password_hash="!", is_admin=is_admin)
            db.session.add(account)
            db.session.commit()
        return account

    def _sign_in(self, account, profile_id: int | None) -> None:
        from webapp.auth.sessions import start_session

        user_id = start_session(account, None).id
        with self.client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
            if profile_id is not None:
                session["profile_id"] = profile_id

    def signup(self, email="viewer@example.com", password="correct horse 42", follow=True):
        return self.client.post(
            "/auth/signup",
            data={"email": email, "password": password, "confirm": password},
            follow_redirects=follow,
        )

    def login(self, email="viewer@example.com", password="correct horse 42", follow=True):
        return self.client.post(
            "/auth/login", data={"email": email, "password": password}, follow_redirects=follow
        )

    def logout(self):
        return self.client.post("/auth/logout", follow_redirects=True)

    def choose_profile(self, profile_id: int, pin: str | None = None):
        data = {"pin": pin} if pin else {}
        return self.client.post(f"/profiles/{profile_id}/choose", data=data, follow_redirects=True)


@pytest.fixture
def auth(client):
    return AuthActions(client)
