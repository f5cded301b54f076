"""The personalised home page: rows chosen, filled and ordered for one profile.

`catalog_index` keeps a small in-memory index of the catalog (refreshed on a
timer, never per request), `trending` keeps recent popularity, `state` turns
the profile's own rows (read once, with its history, by
`webapp.recommendations.feedback.read_profile_rows`) into rows to show,
`builder` puts the page together from those and the recommender, and `cards`
writes the rows' HTML.
"""


def init_app(app) -> None:
    """Give templates the card and row writers (templating stays below home: no cycle)."""
    from webapp.home.cards import render_card, render_row

    app.jinja_env.globals.update(render_card=render_card, render_row=render_row)
