"""The personalised home page: rows chosen, filled and ordered for one profile.

`catalog_index` keeps a small in-memory index of the catalog (refreshed on a
timer, never per request), `trending` keeps recent popularity, `state` reads
the profile's own rows in a few indexed queries, and `builder` puts the page
together from those and the recommender.
"""
