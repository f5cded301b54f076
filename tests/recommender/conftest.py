"""Small hand-made data sets where the right answer is known."""

from pathlib import Path

import numpy as np
import pytest

from recommender import Interactions, ItemFeatures

REPO = Path(__file__).resolve().parents[2]
MOVIELENS = REPO.parent / "shared" / "data" / "ml-latest-small"

# Three taste clusters of 12 titles each: ids 100-111, 200-211, 300-311.
CLUSTERS = {0: list(range(100, 112)), 1: list(range(200, 212)), 2: list(range(300, 312))}
GENRES = {0: ["Crime", "Drama"], 1: ["Comedy", "Romance"], 2: ["Animation", "Children"]}
DIRECTORS = {0: "Michael Mann", 1: "Nora Ephron", 2: "Hayao Miyazaki"}
# A pair that is always watched together, inside no particular cluster.
PAIR = (900, 901)


def _planted(seed: int = 7) -> tuple[Interactions, ItemFeatures, dict[int, int]]:
    rng = np.random.default_rng(seed)
    users, items, times = [], [], []
    cluster_of = {}
    for u in range(90):
        c = u % 3
        cluster_of[u] = c
        picks = rng.choice(CLUSTERS[c], size=7, replace=False).tolist()
        if u % 5 == 0:
            picks += list(PAIR)
        if u % 7 == 0:  # a little noise from another cluster
            picks.append(int(rng.choice(CLUSTERS[(c + 1) % 3])))
        for t, i in enumerate(picks):
            users.append(u)
            items.append(i)
            times.append(1_700_000_000 + 3600 * t + u)
    # The pair also shows up alone, rarely, so both are ordinary titles.
    inter = Interactions(np.array(users), np.array(items), None, np.array(times, dtype=float))
    ids = sorted({i for c in CLUSTERS.values() for i in c} | set(PAIR))
    genres, people, years = [], [], []
    for i in ids:
        c = next((k for k, v in CLUSTERS.items() if i in v), None)
        genres.append(GENRES[c] if c is not None else ["Documentary"])
        people.append(
            [(DIRECTORS[c], "director")] if c is not None else [("Ann Other", "director")]
        )
        years.append(1990 + (i % 30))
    feats = ItemFeatures(
        item_ids=ids, genres=genres, people=people, year=years, titles=[f"Title {i}" for i in ids]
    )
    return inter, feats, cluster_of


@pytest.fixture(scope="session")
def planted():
    """(interactions, features, cluster_of_user)."""
    return _planted()


@pytest.fixture(scope="session")
def movielens_path() -> Path:
    """The shared ml-latest-small directory, or a skip with the reason."""
    if not (MOVIELENS / "ratings.csv").is_file():
        pytest.skip(
            f"{MOVIELENS} is absent: put ml-latest-small in ../shared/data to run this test"
        )
    return MOVIELENS
