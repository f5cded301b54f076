"""The fast link helpers must agree with Flask's own URL building."""

from flask import url_for

from webapp.catalog.service import Catalog, TitleSpec
from webapp.extensions import db
from webapp.templating import artwork_url, play_url, title_url


def test_fast_links_match_url_for(app):
    with app.app_context():
        title = Catalog().create_title(TitleSpec(kind="film", name="Amélie & Co", year=2001))
        db.session.commit()
        with app.test_request_context("/"):
            assert title_url(title) == url_for("browse.title", title_id=title.id, slug=title.slug)
            assert play_url(title) == url_for("watch.play", title_id=title.id)
            for variant in range(4):
                for shape in ("poster", "backdrop"):
                    fast = artwork_url(title, variant, shape)
                    path, _, query = fast.partition("?")
                    assert path == url_for(
                        "browse.artwork", title_id=title.id, variant=variant, shape=shape
                    )
                    assert query.startswith("v=")
