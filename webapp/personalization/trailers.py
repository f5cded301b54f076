"""Trailer choice: the segment bandit (webapp.personalization.bandit) over a title's trailer cuts.

A variant is a trailer_variants row (its id); its group is the cut's name
("Short cut", "Cold open"), so a segment that plays after one kind of cut
carries that over to titles with little data. Reward, as the insights
refresh counts it: the profile plays the title in the same session after the
preview was shown. `store_posteriors` is called by the refresh;
`choose_trailer`, called when a preview is about to play, only reads.
"""

import numpy as np
from sqlalchemy import select

from webapp.models import TrailerVariant
from webapp.personalization.bandit import EPSILON, Bandit, Counts, Model

BANDIT = Bandit("trailer_bandit")


def trailer_variants(session, title_ids=None) -> dict[int, list[tuple[int, str]]]:
    """title id -> [(trailer variant id, name)] in the order they were added."""
    query = select(TrailerVariant.title_id, TrailerVariant.id, TrailerVariant.name).order_by(
        TrailerVariant.title_id, TrailerVariant.id
    )
    if title_ids is not None:
        query = query.where(TrailerVariant.title_id.in_(list(title_ids)))
    out: dict[int, list[tuple[int, str]]] = {}
    for title_id, variant_id, name in session.execute(query):
        out.setdefault(title_id, []).append((variant_id, name))
    return out


def store_posteriors(counts: Counts, variants: dict[int, list[tuple[int, str]]]) -> Model:
    """Keep the counts (with the catalog's trailer cuts) for every worker's choices."""
    return BANDIT.store_counts(counts, variants)


def cached_model() -> Model | None:
    """The trailer posteriors of the last refresh (None before the first)."""
    return BANDIT.model()


def choose_trailer(
    profile_id: int,
    title_id: int,
    variants: list[tuple[int, str]],
    rng: np.random.Generator | None = None,
    epsilon: float = EPSILON,
) -> int | None:
    """The trailer variant id this profile should see for the title, among `variants` (as now)."""
    if not variants:
        return None
    chosen = BANDIT.choose(
        profile_id,
        [title_id],
        lambda _missing: {},
        rng=rng,
        epsilon=epsilon,
        current={int(title_id): variants},
    )
    return chosen.get(int(title_id))
