"""The "diverse" arm of the diversity experiment: Top Picks calibrated to the profile's genre mix.

Steck's calibrated re-ranking (recommender.calibration) keeps a list's genre
shares close to those of what the profile watched, so one dominant genre
does not crowd out the others it also enjoys.
"""

import numpy as np

from recommender.calibration import calibrated_rerank, genre_distributions, history_distribution
from webapp.home.catalog_index import CatalogIndex
from webapp.personalization.experiments import arm_for

EXPERIMENT = "diversity"
LAMBDA = 0.5


def arm(profile_id: int) -> str:
    """The profile's arm of the diversity experiment."""
    return arm_for(profile_id, EXPERIMENT)


def calibrate(
    picks: list[int], scores: list[float], history: dict[int, float], index: CatalogIndex, k: int
) -> list[int]:
    """Re-rank picks (best first) so their genre mix follows the history's."""
    liked = [t for t, w in history.items() if w > 0]
    if not picks or not liked:
        return picks[:k]
    items = picks + [t for t in liked if t not in set(picks)]
    genres = sorted({g for t in items for g in index.genres.get(t, ())})
    if not genres:
        return picks[:k]
    column = {g: n for n, g in enumerate(genres)}
    member = np.zeros((len(items), len(genres)))
    for row, t in enumerate(items):
        for g in index.genres.get(t, ()):
            member[row, column[g]] = 1.0
    dist = genre_distributions(member)
    position = {t: n for n, t in enumerate(items)}
    target = history_distribution(
        dist, np.array([position[t] for t in liked]), np.array([history[t] for t in liked])
    )
    chosen = calibrated_rerank(
        np.arange(len(picks)),
        np.asarray(scores, dtype=float),
        dist,
        target,
        k=min(k, len(picks)),
        lam=LAMBDA,
    )
    return [picks[int(i)] for i in chosen]
