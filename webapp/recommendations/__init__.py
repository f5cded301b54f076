"""The bridge between Marquee's database and the recommender library.

`features` and `feedback` turn rows into the library's inputs; `store` keeps
the trained model loaded in each worker; `training` fits and saves a new one.
Arrows point one way: this package imports `recommender`, never the reverse.
"""
