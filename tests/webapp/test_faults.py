"""Faults: the database going away and coming back, broken model files, a full model disk.

The site must degrade (a clear 503 page, popularity rows) and recover without
a restart. Everything here is real: PostgreSQL is reached through a TCP proxy
that is cut and restored, the SQLite file's folder is moved away and back,
model files are truncated or garbled on disk, and the full disk is a small
tmpfs mounted on the model directory.
"""

import logging
import shutil
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from benchmarks.tcp_proxy import TcpProxy
from tests.conftest import BACKENDS, PG_ADMIN_URL, AuthActions, make_config, on_backends
from tests.webapp.catalog_factory import page_text
from webapp import create_app
from webapp.extensions import db
from webapp.models import Profile, Title, WatchState
from webapp.recommendations.training import train_model

AWAY = "can't reach its database right now"
DEMO_PASSWORD = "marquee-demo"


def _pg_admin(sql: str) -> None:
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(sql))
    engine.dispose()


class Outage:
    """A seeded app whose database can be taken away and given back."""

    def __init__(self, backend: str, templates, tmp_path: Path):
        self.backend = backend
        self.instance = tmp_path / "instance"
        self.instance.mkdir()
        self.away = tmp_path / "instance-away"
        self.proxy = None
        self._drop = None
        if backend == "sqlite":
            url, _ = templates.clone("sqlite", True, self.instance)
        else:
            source = templates.get("postgresql", True)
            name = f"marquee_test_faults_{uuid.uuid4().hex[:10]}"
            _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
            self._drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
            target = sa.engine.make_url(PG_ADMIN_URL)
            self.proxy = TcpProxy(target.host, target.port or 5432).start()
            url = target.set(database=name, port=self.proxy.port).render_as_string(
                hide_password=False
            )
        self.app = create_app(make_config(self.instance, url))

    def cut(self) -> None:
        if self.proxy is not None:
            self.proxy.cut()
            return
        # A worker holds its SQLite file open, so moving the folder only bites when a
        # connection is opened: drop this process's pooled ones, as a fresh worker has none.
        with self.app.app_context():
            db.engine.dispose()
        self.instance.rename(self.away)

    def restore(self) -> None:
        if self.proxy is not None:
            self.proxy.restore()
        else:
            self.away.rename(self.instance)

    def close(self) -> None:
        if self.away.exists():
            self.restore()
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        if self.proxy is not None:
            self.proxy.close()
        if self._drop:
            _pg_admin(self._drop)


@pytest.fixture(params=BACKENDS)
def outage(request, templates, tmp_path):
    made = Outage(request.param, templates, tmp_path)
    yield made
    made.close()


def _active_adult(app) -> tuple[int, str]:
    """A seeded adult profile with history, and its account's email."""
    with app.app_context():
        counts = Counter(
            db.session.scalars(
                select(WatchState.profile_id).join(Profile).where(Profile.is_kids.is_(False))
            )
        )
        profile = db.session.get(Profile, counts.most_common(1)[0][0])
        return profile.id, profile.account.email


def _signed_in(app):
    profile_id, email = _active_adult(app)
    client = app.test_client()
    AuthActions(client).as_viewer(profile_id)
    return client, profile_id


def _unlisted_title(app, profile_id: int) -> tuple[int, str]:
    with app.app_context():
        seen = select(WatchState.title_id).where(WatchState.profile_id == profile_id)
        title = db.session.scalars(
            select(Title).where(Title.id.not_in(seen)).order_by(Title.id)
        ).first()
        return title.id, title.name


def _served_version(response) -> str:
    marker = 'data-model-version="'
    body = response.get_data(as_text=True)
    start = body.index(marker) + len(marker)
    return body[start : body.index('"', start)]


def test_database_away_gives_a_clear_503_and_recovers_without_restart(outage, caplog):
    app = outage.app
    client, profile_id = _signed_in(app)
    assert client.get("/").status_code == 200
    title_id, title_name = _unlisted_title(app, profile_id)
    assert client.put(f"/api/titles/{title_id}/list").status_code == 200

    outage.cut()
    with caplog.at_level(logging.ERROR, logger="webapp.errors"):
        page = client.get("/", headers={"X-Request-ID": "outage-check-1"})
    assert page.status_code == 503
    text = page_text(page)
    assert AWAY in text and "outage-check-1" in text
    assert "Traceback" not in text and "OperationalError" not in text
    assert int(page.headers["Retry-After"]) > 0
    logged = [r.getMessage() for r in caplog.records if "database unreachable" in r.getMessage()]
    assert any("GET /" in m and "outage-check-1" in m for m in logged), logged

    api = client.put(f"/api/titles/{title_id}/rating", json={"value": 1})
    assert api.status_code == 503 and AWAY in api.get_json()["message"]
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["failing"] == ["database"]
    assert client.get("/healthz").status_code == 200

    outage.restore()
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 200
    assert title_name in page_text(client.get("/my-list")), "saved before the outage"


def _trained_version(app) -> Path:
    with app.app_context():
        return Path(train_model(app.config["MODEL_DIR"], evaluate=False).path)


def _newer_copy(version: Path) -> Path:
    """A copy of version under a newer version name, as a later training run would write."""
    newer = version.with_name(version.name + "-next")  # sorts after version
    shutil.copytree(version, newer)
    return newer


def _truncate_array(version: Path) -> None:
    npy = max(version.glob("*.npy"), key=lambda p: p.stat().st_size)
    npy.write_bytes(npy.read_bytes()[: npy.stat().st_size // 2])


def _garble_array(version: Path) -> None:
    npy = max(version.glob("*.npy"), key=lambda p: p.stat().st_size)
    data = bytearray(npy.read_bytes())
    data[-64:] = bytes(64)  # same size, different bytes: only the checksum can tell
    npy.write_bytes(bytes(data))


def _odd_manifest(version: Path) -> None:
    (version / "manifest.json").write_text("[1, 2, 3]")  # valid JSON, not a manifest


def _older_format(version: Path) -> None:
    """Intact files of a previous model format (checksums fixed): only the version differs."""
    import json

    from recommender.artifacts import FORMAT_VERSION, _sha256

    meta = json.loads((version / "meta.json").read_text())
    meta["format_version"] = FORMAT_VERSION - 1
    (version / "meta.json").write_text(json.dumps(meta))
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["meta.json"] = {
        "size": (version / "meta.json").stat().st_size,
        "sha256": _sha256(version / "meta.json"),
    }
    (version / "manifest.json").write_text(json.dumps(manifest))


CORRUPTIONS = [_truncate_array, _garble_array, _odd_manifest, _older_format]


# Model files do not depend on the database: SQLite is enough.
model_files_only = on_backends("seeded_app", "sqlite")


@model_files_only
@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__.strip("_"))
def test_a_corrupt_newer_version_leaves_pages_on_the_last_good_one(seeded_app, corrupt):
    good = _trained_version(seeded_app)
    broken = _newer_copy(good)
    corrupt(broken)
    seeded_app.extensions["marquee_models"].invalidate()
    client, _ = _signed_in(seeded_app)
    home = client.get("/")
    assert home.status_code == 200 and _served_version(home) == good.name
    ready = client.get("/readyz").get_json()
    assert (
        ready["recommender"]["model"] == good.name and broken.name in ready["recommender"]["error"]
    )
    assert "flask --app wsgi recommender train" in ready["recommender"]["error"]

    admin = _admin_client(seeded_app)
    text = page_text(admin.get("/admin/recommender"))
    assert f"Serving model <strong>{good.name}</strong>" in text
    assert "A newer model could not be loaded" in text and broken.name in text


@model_files_only
@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__.strip("_"))
def test_only_corrupt_models_mean_popularity_rows_and_a_clear_report(seeded_app, corrupt):
    version = _trained_version(seeded_app)
    corrupt(version)
    store = seeded_app.extensions["marquee_models"]
    store.model, store.version = None, None  # a worker starting now, with only this on disk
    store.invalidate()
    client, _ = _signed_in(seeded_app)
    home = client.get("/")
    assert home.status_code == 200 and _served_version(home) == "popularity"
    assert "Popular on Marquee" in page_text(home)
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["recommender"]["mode"] == "popularity fallback"
    text = page_text(_admin_client(seeded_app).get("/admin/recommender"))
    assert "No model is being served" in text and version.name in text

    shutil.rmtree(version)
    repaired = _trained_version(seeded_app)
    store.invalidate()
    assert _served_version(client.get("/")) == repaired.name


def _admin_client(app):
    return AuthActions(app.test_client()).as_admin()


def _mount_tmpfs(path: Path, size_bytes: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or exc
        pytest.skip(
            f"a full disk is simulated with a tmpfs mount, which is not permitted: {detail}"
        )


def _fill(path: Path) -> None:
    """Write zeros into path until the filesystem is full."""
    with (path / "filler").open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(bytes(1 << 16))
        except OSError:
            pass


@pytest.fixture
def full_model_disk(seeded_app):
    """The model directory on a full tmpfs holding one good version; yields that version."""
    staging = Path(seeded_app.instance_path) / "staging"
    good = _trained_version_in(seeded_app, staging)
    model_dir = seeded_app.config["MODEL_DIR"]
    size = sum(f.stat().st_size for f in good.iterdir())
    _mount_tmpfs(model_dir, size + (1 << 20))
    try:
        shutil.copytree(good, model_dir / good.name)
        _fill(model_dir)
        seeded_app.extensions["marquee_models"].invalidate()
        yield model_dir / good.name
    finally:
        store = seeded_app.extensions["marquee_models"]
        store.model = None  # release the memory-mapped files before unmounting
        subprocess.run(["umount", "-l", str(model_dir)], check=False)


def _trained_version_in(app, model_dir: Path) -> Path:
    with app.app_context():
        return Path(train_model(model_dir, evaluate=False).path)


def _entries(model_dir: Path) -> set[str]:
    return {p.name for p in model_dir.iterdir()}


@model_files_only
def test_training_on_a_full_disk_fails_clearly_and_leaves_the_served_model(
    seeded_app, full_model_disk
):
    model_dir = full_model_disk.parent
    before = _entries(model_dir)
    result = seeded_app.test_cli_runner().invoke(args=["recommender", "train"])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("Error: could not write the model")
    assert "No space left on device" in lines[-1]
    assert "Traceback" not in result.output
    assert _entries(model_dir) == before, "nothing half-written is left behind"

    client, _ = _signed_in(seeded_app)
    home = client.get("/")
    assert home.status_code == 200 and _served_version(home) == full_model_disk.name


@pytest.mark.slow
@model_files_only
def test_train_now_on_a_full_disk_shows_the_failure_on_the_admin_page(seeded_app, full_model_disk):
    admin = _admin_client(seeded_app)
    assert admin.post("/admin/recommender/train").status_code == 302
    deadline = time.time() + 240
    text = ""
    while time.time() < deadline:
        text = page_text(admin.get("/admin/recommender"))
        if "Training is running" not in text:
            break
        time.sleep(1)
    assert "The last training run failed: could not write the model" in text
    assert "No space left on device" in text
    assert f"Serving model <strong>{full_model_disk.name}</strong>" in text
    assert _entries(full_model_disk.parent) == {full_model_disk.name, "filler"}


# An open SQLite connection is a file: it cannot be dropped.
@on_backends("outage", "postgresql")
def test_a_connection_dropped_after_the_page_was_built_does_not_fail_it(outage):
    app = outage.app
    with app.test_request_context("/"):
        assert db.session.execute(sa.text("SELECT 1")).scalar() == 1
        outage.cut()  # the session still holds its connection, mid-transaction
        app.do_teardown_appcontext()
    outage.restore()
    with app.app_context():
        assert db.session.execute(sa.text("SELECT 1")).scalar() == 1
