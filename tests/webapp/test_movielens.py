"""Importing a MovieLens folder: titles, viewers, interactions, idempotency, bad folders."""

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.conftest import make_config
from webapp import create_app
from webapp.extensions import db
from webapp.models import Account, Event, Profile, Rating, Title, WatchState
from webapp.seed.movielens import MovieLensError, import_movielens, parse_title, thumbs

SAMPLE_USERS = 4


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def read(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, rows: list[dict], header: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def sample(movielens_path, tmp_path) -> Path:
    """The first few users of ml-latest-small with the films they rated and those films' tags."""
    folder = tmp_path / "ml-sample"
    folder.mkdir()
    ratings = [r for r in read(movielens_path / "ratings.csv") if int(r["userId"]) <= SAMPLE_USERS]
    movie_ids = {r["movieId"] for r in ratings}
    movies = [m for m in read(movielens_path / "movies.csv") if m["movieId"] in movie_ids]
    tags = [t for t in read(movielens_path / "tags.csv") if t["movieId"] in movie_ids]
    write(folder / "ratings.csv", ratings, ["userId", "movieId", "rating", "timestamp"])
    write(folder / "movies.csv", movies, ["movieId", "title", "genres"])
    write(folder / "tags.csv", tags, ["userId", "movieId", "tag", "timestamp"])
    return folder


def expected_counts(folder: Path) -> dict:
    ratings = read(folder / "ratings.csv")
    rated = sum(1 for r in ratings if thumbs(float(r["rating"])) is not None)
    return {
        "titles": len(read(folder / "movies.csv")),
        "users": len({r["userId"] for r in ratings}),
        "ratings": len(ratings),
        "thumbs": rated,
        "events": 2 * len(ratings) + rated,
    }


def check_import(folder: Path) -> None:
    expected = expected_counts(folder)
    assert count(Title, Title.source == "movielens") == expected["titles"]
    assert count(Account, Account.email.like("movielens-%")) == expected["users"]
    assert count(Profile) == expected["users"]
    assert count(Event, Event.type == "play_start") == expected["ratings"]
    assert count(Event, Event.type == "complete") == expected["ratings"]
    assert count(Event) == expected["events"]
    assert count(WatchState, WatchState.completed) == expected["ratings"]
    assert count(Rating) == expected["thumbs"]
    # Imported titles carry no rating, so they count as adults-only.
    assert count(Title, Title.maturity_rating != "NR") == 0


def test_sample_import_counts_and_idempotency(app, runner, sample):
    with app.app_context():
        result = runner.invoke(args=["import-movielens", str(sample)])
        assert result.exit_code == 0, result.output
        assert "Imported" in result.output
        check_import(sample)
        again = import_movielens(sample, progress=False)
        assert (again.titles_added, again.accounts_added, again.events) == (0, 0, 0)
        expected = expected_counts(sample)
        assert again.titles_existing == expected["titles"]
        assert again.accounts_existing == expected["users"]
        check_import(sample)


def test_imported_titles_and_viewers(app, sample):
    with app.app_context():
        import_movielens(sample, progress=False)
        toy_story = db.session.scalar(sa.select(Title).where(Title.external_id == "1"))
        assert (toy_story.name, toy_story.year, toy_story.kind) == ("Toy Story", 1995, "film")
        assert [g.name for g in toy_story.genres] == [
            "Adventure",
            "Animation",
            "Comedy",
            "Family",
            "Fantasy",
        ]
        assert len(toy_story.artworks) >= 3
        assert all(k.name == k.name.lower() for k in toy_story.keywords)
        genres = {g.name for t in db.session.scalars(sa.select(Title)) for g in t.genres}
        assert not genres & {"Sci-Fi", "Children", "IMAX", "Film-Noir", "(no genres listed)"}
        account = db.session.scalar(
            sa.select(Account).where(Account.email == "movielens-1@marquee.local")
        )
        assert account is not None and not account.check_password("")
        assert len(account.profiles) == 1


@pytest.mark.parametrize(
    ("raw", "name", "year"),
    [
        ("Toy Story (1995)", "Toy Story", 1995),
        ("American President, The (1995)", "The American President", 1995),
        (
            "City of Lost Children, The (Cité des enfants perdus, La) (1995)",
            "The City of Lost Children (Cité des enfants perdus, La)",
            1995,
        ),
        ("Babylon 5", "Babylon 5", None),
        ("Fawlty Towers (1975-1979)", "Fawlty Towers", 1975),
    ],
)
def test_parse_title(raw, name, year):
    assert parse_title(raw) == (name, year)


def test_thumbs_from_stars():
    assert [thumbs(s) for s in (5.0, 4.5, 4.0, 3.5, 3.0, 2.5, 2.0, 0.5)] == [
        2,
        2,
        1,
        1,
        None,
        None,
        -1,
        -1,
    ]


def test_full_ml_latest_small_on_sqlite(movielens_path, tmp_path):
    """The whole sample once, on SQLite: every film, user and rating arrives."""
    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app(make_config(instance, f"sqlite:///{instance / 'marquee.db'}"))
    with app.app_context():
        upgrade()
        summary = import_movielens(movielens_path, progress=False)
        assert (summary.titles_added, summary.accounts_added, summary.ratings) == (
            9742,
            610,
            100_836,
        )
        check_import(movielens_path)
        again = import_movielens(movielens_path, progress=False)
        assert (again.titles_added, again.accounts_added, again.events) == (0, 0, 0)
        db.session.remove()
        db.engine.dispose()


# -- bad folders ---------------------------------------------------------------------------


def test_bad_folders_are_movielens_errors(app, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "movies.csv").write_text("id,name\n1,Heat\n", encoding="utf-8")
    (broken / "ratings.csv").write_text("userId,movieId,rating,timestamp\n", encoding="utf-8")
    dangling = tmp_path / "dangling"
    dangling.mkdir()
    (dangling / "movies.csv").write_text(
        "movieId,title,genres\n1,Heat (1995),Crime\n", encoding="utf-8"
    )
    (dangling / "ratings.csv").write_text(
        "userId,movieId,rating,timestamp\n1,2,4.0,964982703\n", encoding="utf-8"
    )
    with app.app_context():
        with pytest.raises(MovieLensError, match="not a folder"):
            import_movielens(tmp_path / "missing", progress=False)
        with pytest.raises(MovieLensError, match="movies.csv or ratings.csv"):
            import_movielens(empty, progress=False)
        with pytest.raises(MovieLensError, match="lacks the column"):
            import_movielens(broken, progress=False)
        with pytest.raises(MovieLensError, match="not in movies.csv"):
            import_movielens(dangling, progress=False)
        assert count(Title) == 0 and count(Account) == 0


def test_cli_bad_folder_exits_2(app, runner, tmp_path):
    with app.app_context():
        result = runner.invoke(args=["import-movielens", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "not a folder" in result.output
