"""Catalog rows -> recommender.ItemFeatures, in a fixed number of queries."""

from collections import defaultdict

from sqlalchemy import select

from recommender import ItemFeatures
from webapp.extensions import db
from webapp.models import Credit, Genre, Keyword, Person, Title, title_genres, title_keywords


def load_item_features(title_ids: list[int] | None = None) -> ItemFeatures:
    """Features of every title (or of the given ones), ordered by title id."""
    titles = select(Title.id, Title.name, Title.year, Title.maturity_age, Title.synopsis)
    genres = select(title_genres.c.title_id, Genre.name).join(Genre)
    keywords = select(title_keywords.c.title_id, Keyword.name).join(Keyword)
    people = (
        select(Credit.title_id, Person.name, Credit.role)
        .join(Person)
        .order_by(Credit.title_id, Credit.billing_order)
    )
    if title_ids is not None:
        titles = titles.where(Title.id.in_(title_ids))
        genres = genres.where(title_genres.c.title_id.in_(title_ids))
        keywords = keywords.where(title_keywords.c.title_id.in_(title_ids))
        people = people.where(Credit.title_id.in_(title_ids))

    by_genre, by_keyword, by_people = defaultdict(list), defaultdict(list), defaultdict(list)
    for title_id, name in db.session.execute(genres):
        by_genre[title_id].append(name)
    for title_id, name in db.session.execute(keywords):
        by_keyword[title_id].append(name)
    for title_id, name, role in db.session.execute(people):
        by_people[title_id].append((name, role))

    rows = db.session.execute(titles.order_by(Title.id)).all()
    return ItemFeatures(
        item_ids=[r.id for r in rows],
        genres=[sorted(by_genre[r.id]) for r in rows],
        people=[by_people[r.id] for r in rows],
        keywords=[sorted(by_keyword[r.id]) for r in rows],
        year=[r.year for r in rows],
        maturity=[r.maturity_age for r in rows],
        text=[r.synopsis or "" for r in rows],
        titles=[r.name for r in rows],
    )
