"""The personalised home page: rows chosen, filled and ordered for one profile.

`page` owns the page (cache key, build, hero, HTML); `planning` plans every
row from the recommender, the profile's own state (`state`), trending and the
catalog index (`catalog_index`, kept per app until the catalog changes);
`fill` caps and orders the rows; `cards` writes their HTML.
"""


def init_app(app) -> None:
    """Give templates the card and row writers (templating stays below home: no cycle)."""
    from webapp.home.cards import artwork_picture, render_card, render_row

    app.jinja_env.globals.update(
        render_card=render_card, render_row=render_row, artwork_picture=artwork_picture
    )
