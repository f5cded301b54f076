"""Artwork choice: the segment bandit (webapp.personalization.bandit) over a title's artwork.

A variant's group is its artwork style, so a title with little data borrows
what the segment likes in that style across titles. Reward, as the insights
refresh counts it: the profile plays the title soon after seeing the card.
`store_posteriors` is called by the refresh; `choose_variants`, called on
every home page, only reads.
"""

import numpy as np
from sqlalchemy import select

from webapp.extensions import db
from webapp.models.catalog import Artwork
from webapp.personalization.bandit import EPSILON, EVERYONE, Bandit, Counts, Model

__all__ = [
    "EPSILON",
    "EVERYONE",
    "Counts",
    "Model",
    "artwork_styles",
    "cached_model",
    "choose_variants",
    "store_posteriors",
]

BANDIT = Bandit("artwork_bandit")


def artwork_styles(session, title_ids=None) -> dict[int, list[tuple[int, str]]]:
    """title id -> [(variant, style)] in variant order."""
    query = select(Artwork.title_id, Artwork.variant, Artwork.style).order_by(
        Artwork.title_id, Artwork.variant
    )
    if title_ids is not None:
        query = query.where(Artwork.title_id.in_(list(title_ids)))
    out: dict[int, list[tuple[int, str]]] = {}
    for title_id, variant, style in session.execute(query):
        out.setdefault(title_id, []).append((variant, style))
    return out


def store_posteriors(counts: Counts, styles: dict[int, list[tuple[int, str]]]) -> Model:
    """Keep the counts (with the catalog's artwork styles) for every worker's choices."""
    return BANDIT.store_counts(counts, styles)


def cached_model() -> Model | None:
    """The artwork posteriors of the last refresh (None before the first)."""
    return BANDIT.model()


def choose_variants(
    profile_id: int,
    title_ids,
    rng: np.random.Generator | None = None,
    epsilon: float = EPSILON,
    catalog_styles: dict[int, list[tuple[int, str]]] | None = None,
) -> dict[int, int]:
    """The artwork variant each title should show this profile (titles without artwork left out).

    `catalog_styles` (as `artwork_styles` returns), when the caller already
    holds the catalog's artwork, comes before the last refresh's lists: a
    variant uploaded or deleted since is an arm (or no longer one) at once,
    its counts starting at the prior.
    """

    def lookup(missing: list[int]) -> dict[int, list[tuple[int, str]]]:
        # Titles added since the last refresh: one indexed query for their variants.
        return artwork_styles(db.session, missing)

    return BANDIT.choose(
        profile_id, title_ids, lookup, rng=rng, epsilon=epsilon, current=catalog_styles
    )
