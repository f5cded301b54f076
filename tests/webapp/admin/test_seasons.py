"""A series' seasons and episodes on the admin pages."""

import re

from sqlalchemy import select

from tests.webapp.admin.support import add_series, add_title, count, text_of
from webapp.extensions import db
from webapp.models import Episode, Season


def test_seasons_and_episodes_round_trip(app, admin):
    title_id = add_series(app)
    page = text_of(admin.get(f"/admin/titles/{title_id}"))
    assert "Season 2" in page and re.search(r'<input[^>]+name="number"[^>]+value="3"', page)
    assert (
        admin.post(
            f"/admin/titles/{title_id}/seasons",
            data={"number": "3", "episodes": "4", "runtime": "47"},
        ).status_code
        == 302
    )
    with app.app_context():
        season = db.session.scalar(
            select(Season).where(Season.title_id == title_id, Season.number == 3)
        )
        assert [(e.number, e.name, e.runtime_minutes, e.title_id) for e in season.episodes][:1] == [
            (1, "Episode 1", 47, title_id)
        ]
        assert len(season.episodes) == 4
        season_id = season.id
    again = admin.post(f"/admin/titles/{title_id}/seasons", data={"number": "3"})
    assert again.status_code == 400 and "Season 3 already exists." in text_of(again)

    assert (
        admin.post(
            f"/admin/seasons/{season_id}/episodes",
            data={"number": "5", "name": "Finale", "runtime_minutes": "62"},
        ).status_code
        == 302
    )
    clash = admin.post(
        f"/admin/seasons/{season_id}/episodes",
        data={"number": "5", "name": "Again", "runtime_minutes": "40"},
    )
    assert clash.status_code == 400 and "Episode 5 already exists" in text_of(clash)
    assert (
        admin.post(
            f"/admin/seasons/{season_id}/episodes",
            data={"number": "6", "name": "", "runtime_minutes": "40"},
        ).status_code
        == 400
    )
    with app.app_context():
        finale = db.session.scalar(
            select(Episode).where(Episode.season_id == season_id, Episode.number == 5)
        )
        finale_id = finale.id
    assert "Finale" in text_of(admin.get(f"/admin/seasons/{season_id}"))
    admin.post(
        f"/admin/episodes/{finale_id}",
        data={"number": "5", "name": "Felina", "runtime_minutes": "55"},
    )
    with app.app_context():
        finale = db.session.get(Episode, finale_id)
        assert (finale.name, finale.runtime_minutes) == ("Felina", 55)
    taken = admin.post(
        f"/admin/episodes/{finale_id}",
        data={"number": "1", "name": "Felina", "runtime_minutes": "55"},
    )
    assert taken.status_code == 400
    admin.post(f"/admin/episodes/{finale_id}/delete")
    assert count(app, Episode) == 3 + 4
    assert "Remove season 3 of “Breaking Bad”?" in text_of(
        admin.get(f"/admin/seasons/{season_id}/delete")
    )
    admin.post(f"/admin/seasons/{season_id}/delete")
    assert (count(app, Season), count(app, Episode)) == (2, 3)


def test_films_have_no_seasons(app, admin):
    title_id = add_title(app)
    response = admin.post(
        f"/admin/titles/{title_id}/seasons", data={"number": "1"}, follow_redirects=True
    )
    assert "Only series have seasons." in text_of(response)
    assert count(app, Season) == 0
