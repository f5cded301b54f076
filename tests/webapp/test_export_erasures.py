"""Erasures reach the Parquet days of months already dropped from PostgreSQL.

Real monthly partitions: events are exported, their month dropped, then a
viewer erases history (or deletes a profile), or an admin deletes a title,
season or episode, through the site; the next export filters the archived
days' own files, and the manifest still verifies.
"""

import json
from datetime import datetime

import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from tests.conftest import AuthActions
from tests.webapp.catalog_factory import build_catalog, make_account
from webapp.activity import record_events
from webapp.activity.parquet_log import parts
from webapp.activity.parquet_log.manifest import MANIFEST, sha256
from webapp.extensions import db
from webapp.models import Episode, EventErasure, Profile, Season

JANUARY = [datetime(2020, 1, 5, 20), datetime(2020, 1, 6, 21)]
ERASED_ONLY_DAY = datetime(2020, 1, 9, 19)  # a day only the erased profile was active


def _postgres_only(app):
    if app.config["TEST_BACKEND"] != "postgresql":
        pytest.skip("months are dropped from PostgreSQL partitions only")


def _events(profile_id: int, title_id: int, other_title_id: int, at: datetime) -> None:
    profile = db.session.get(Profile, profile_id)
    batch = [
        {"type": "click", "title_id": title_id},
        {"type": "play_start", "title_id": title_id, "value": 0},
        {"type": "heartbeat", "title_id": title_id, "value": 600},
        {"type": "play_start", "title_id": other_title_id, "value": 0},
    ]
    record_events(profile, {"events": batch}, now=at)


def _household(app) -> tuple[int, int, int, int]:
    """(erased profile, kept profile, a title, another title) with January 2020 viewing."""
    with app.app_context():
        made = build_catalog(n_kid=2)
        _, (erased, kept) = make_account(
            "household@example.com", [{"name": "Erased"}, {"name": "Kept"}]
        )
        title, other = made.titles["Sunny Meadow 0"], made.titles["Sunny Meadow 1"]
        for at in JANUARY:
            _events(erased, title, other, at)
            _events(kept, title, other, at)
        _events(erased, title, other, ERASED_ONLY_DAY)
        _events(erased, title, other, datetime(2020, 2, 3, 18))
    return erased, kept, title, other


def _invoke(app, *args):
    result = app.test_cli_runner().invoke(args=[*args])
    assert result.exit_code == 0, result.output
    return result.output


def _rows(target) -> list[dict]:
    """Every row in every Parquet file under the export, listed or not."""
    return [row for path in target.rglob("*.parquet") for row in pq.read_table(path).to_pylist()]


def _verify(target) -> dict:
    """The manifest lists exactly the files on disk, each with its true rows and checksum."""
    manifest = json.loads((target / MANIFEST).read_text())
    listed = {}
    for day, entry in manifest["days"].items():
        rows = [r for f in entry["files"] for r in pq.read_table(target / f["path"]).to_pylist()]
        assert entry["rows"] == len(rows) and entry["id_sum"] == sum(r["id"] for r in rows), day
        for f in entry["files"]:
            listed[f["path"]] = f
            assert sha256(target / f["path"]) == f["sha256"], f["path"]
            assert pq.read_metadata(target / f["path"]).num_rows == f["rows"]
    on_disk = {p.relative_to(target).as_posix() for p in target.rglob("*.parquet")}
    assert on_disk == set(listed), "files of erased rows were left behind"
    assert manifest["rows"] == sum(e["rows"] for e in manifest["days"].values())
    return manifest


def _exported_and_dropped(app, tmp_path):
    target = tmp_path / "events"
    _invoke(app, "events", "export", str(target))
    _invoke(app, "events", "drop-months", "--before", "2020-02", "--export", str(target))
    return target


def _erase_all_history(app, profile_id: int) -> None:
    client = app.test_client()
    AuthActions(client).as_viewer(profile_id)
    response = client.post(f"/account/profiles/{profile_id}/history/delete", data={"confirm": "y"})
    assert response.status_code == 302


def _delete_profile(app, profile_id: int) -> None:
    client = app.test_client()
    AuthActions(client).as_viewer(profile_id)
    response = client.post(f"/profiles/{profile_id}/delete", data={"submit": "Delete profile"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Profile, profile_id) is None


@pytest.mark.parametrize("erase", [_erase_all_history, _delete_profile])
def test_an_erasure_after_its_month_was_dropped_leaves_every_parquet_file(app, tmp_path, erase):
    _postgres_only(app)
    erased, kept, _, _ = _household(app)
    target = _exported_and_dropped(app, tmp_path)
    before = _rows(target)
    assert any(r["profile_id"] == erased and r["occurred_at"].month == 1 for r in before)

    erase(app, erased)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventErasure)) == 1
    output = _invoke(app, "events", "export", str(target))
    assert "rewritten after deletions" in output

    after = _rows(target)
    assert not [r for r in after if r["profile_id"] == erased]
    assert [r for r in after if r["profile_id"] == kept] == [
        r for r in before if r["profile_id"] == kept
    ]
    manifest = _verify(target)
    assert manifest["archived_months"] == ["2020-01"]
    assert "2020-01-09" not in manifest["days"], "a day left empty is removed"
    assert {"2020-01-05", "2020-01-06"} <= set(manifest["days"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventErasure)) == 0, (
            "an applied erasure is not kept"
        )
    # Nothing is left to do: the next export changes nothing.
    assert "up to date" in _invoke(app, "events", "export", str(target))


def test_removing_one_title_from_activity_takes_only_its_playback_from_dropped_months(
    app, tmp_path
):
    _postgres_only(app)
    erased, kept, title, other = _household(app)
    target = _exported_and_dropped(app, tmp_path)
    before = _rows(target)

    client = app.test_client()
    AuthActions(client).as_viewer(erased)
    response = client.post("/account/activity/remove", data={"kind": "title", "item_id": title})
    assert response.status_code == 302
    _invoke(app, "events", "export", str(target))

    after = _rows(target)
    gone = [r for r in before if r not in after]
    assert gone and all(
        r["profile_id"] == erased and r["title_id"] == title and r["type"] != "click" for r in gone
    )
    # The click on it and the other title's playback are not viewing history of that title.
    assert len(before) - len(after) == len(gone) == 2 * 4
    mine = {(r["title_id"], r["type"]) for r in after if r["profile_id"] == erased}
    assert (title, "click") in mine and (other, "play_start") in mine
    _verify(target)


def _watched_catalog(app) -> dict:
    """Two profiles watching two films and a series' three episodes, January and February 2020."""
    with app.app_context():
        made = build_catalog(n_kid=2)
        _, profiles = make_account("household@example.com", [{"name": "One"}, {"name": "Two"}])
        films = [made.titles["Sunny Meadow 0"], made.titles["Sunny Meadow 1"]]
        series = made.titles["Cartel Days"]
        episodes = db.session.execute(
            select(Episode.id, Season.id)
            .join(Season, Season.id == Episode.season_id)
            .where(Episode.title_id == series)
            .order_by(Season.number, Episode.number)
        ).all()
        batch = [{"type": "click", "title_id": series}]
        for film in films:
            batch += [
                {"type": "click", "title_id": film},
                {"type": "play_start", "title_id": film, "value": 0},
                {"type": "heartbeat", "title_id": film, "value": 600},
            ]
        for episode_id, _ in episodes:
            batch += [
                {"type": "play_start", "title_id": series, "episode_id": episode_id, "value": 0},
                {"type": "heartbeat", "title_id": series, "episode_id": episode_id, "value": 60},
            ]
        for profile_id in profiles:
            for at in [*JANUARY, datetime(2020, 2, 3, 18)]:
                record_events(db.session.get(Profile, profile_id), {"events": batch}, now=at)
    first_season = [e for e, season in episodes if season == episodes[0][1]]
    return {
        "film": (f"/admin/titles/{films[0]}/delete", lambda r: r["title_id"] == films[0]),
        "series": (f"/admin/titles/{series}/delete", lambda r: r["title_id"] == series),
        "season": (
            f"/admin/seasons/{episodes[0][1]}/delete",
            lambda r: r["episode_id"] in first_season,
        ),
        "episode": (
            f"/admin/episodes/{episodes[0][0]}/delete",
            lambda r: r["episode_id"] == episodes[0][0],
        ),
    }


@pytest.mark.parametrize("deleted", ["film", "series", "season", "episode"])
def test_what_an_admin_deletes_from_the_catalog_leaves_every_parquet_file(app, tmp_path, deleted):
    _postgres_only(app)
    url, erased = _watched_catalog(app)[deleted]
    target = _exported_and_dropped(app, tmp_path)
    before = _rows(target)
    in_january = {r["profile_id"] for r in before if erased(r) and r["occurred_at"].month == 1}
    assert len(in_january) == 2, "both profiles watched it in the month that is dropped"

    admin = AuthActions(app.test_client()).as_admin()
    assert admin.post(url).status_code == 302
    output = _invoke(app, "events", "export", str(target))
    assert "rewritten after deletions" in output

    after = _rows(target)
    assert not [r for r in after if erased(r)], f"the deleted {deleted}'s events stayed"
    by_id = sorted(after, key=lambda r: r["id"])
    assert by_id == sorted((r for r in before if not erased(r)), key=lambda r: r["id"])
    manifest = _verify(target)
    assert manifest["archived_months"] == ["2020-01"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventErasure)) == 0
    assert "up to date" in _invoke(app, "events", "export", str(target))


def test_sqlite_keeps_no_list_of_erasures(app):
    if app.config["TEST_BACKEND"] != "sqlite":
        pytest.skip("only a partitioned log can drop months")
    erased, _, title, _ = _household(app)
    _erase_all_history(app, erased)
    admin = AuthActions(app.test_client()).as_admin()
    assert admin.post(f"/admin/titles/{title}/delete").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventErasure)) == 0


def test_an_export_cut_off_while_filtering_leaves_the_days_and_the_note(app, tmp_path, monkeypatch):
    _postgres_only(app)
    erased, _, _, _ = _household(app)
    target = _exported_and_dropped(app, tmp_path)
    _erase_all_history(app, erased)
    manifest_before = (target / MANIFEST).read_text()

    def cut_off(self, table):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(parts._PartWriter, "write_table", cut_off)
    result = app.test_cli_runner().invoke(args=["events", "export", str(target)])
    assert result.exit_code != 0
    # The archived days are as they were, listed with their checksums; the note waits.
    assert (
        json.loads((target / MANIFEST).read_text())["days"] == json.loads(manifest_before)["days"]
    )
    _verify(target)
    assert any(r["profile_id"] == erased for r in _rows(target))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventErasure)) == 1

    monkeypatch.undo()
    _invoke(app, "events", "export", str(target))
    assert not [r for r in _rows(target) if r["profile_id"] == erased]
    _verify(target)
    assert not [p for p in target.iterdir() if p.name.startswith((".tmp-", ".old-"))]
