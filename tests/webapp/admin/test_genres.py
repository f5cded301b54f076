"""The admin genre pages: create, rename and delete."""

from sqlalchemy import select

from tests.webapp.admin.support import add_title, text_of
from webapp.extensions import db
from webapp.models import Genre, Title


def test_genres_crud_round_trip(app, admin):
    assert admin.post("/admin/genres/new", data={"name": "Film Noir"}).status_code == 302
    with app.app_context():
        genre = db.session.scalar(select(Genre))
        assert (genre.name, genre.slug) == ("Film Noir", "film-noir")
        genre_id = genre.id
    assert "already a genre with that name" in text_of(
        admin.post("/admin/genres/new", data={"name": "film noir"})
    )
    clash = admin.post("/admin/genres/new", data={"name": "Noir", "slug": "film-noir"})
    assert clash.status_code == 400 and "already uses the slug" in text_of(clash)
    assert "single hyphens" in text_of(
        admin.post("/admin/genres/new", data={"name": "Noir", "slug": "Bad Slug!"})
    )
    admin.post(f"/admin/genres/{genre_id}", data={"name": "Neo-Noir", "slug": "neo-noir"})
    with app.app_context():
        assert (db.session.get(Genre, genre_id).name, db.session.get(Genre, genre_id).slug) == (
            "Neo-Noir",
            "neo-noir",
        )
    title_id = add_title(app, genres=["Neo-Noir", "Crime"])
    assert "1 title lose" in text_of(admin.get(f"/admin/genres/{genre_id}/delete"))
    admin.post(f"/admin/genres/{genre_id}/delete")
    with app.app_context():
        assert [g.name for g in db.session.get(Title, title_id).genres] == ["Crime"]
    assert ">Crime</a>" in text_of(admin.get("/admin/genres"))
