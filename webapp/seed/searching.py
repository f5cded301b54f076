"""Simulated searches: a typed query (titles, people, genres, or what the catalog lacks).

A mixin of webapp.seed.simulate.ViewerSimulation: the query (sometimes cut
short or mistyped), its result count, and maybe a click and a play.
"""

import numpy as np

from webapp.activity import vocabulary as ev
from webapp.seed.catalog_files import GENRES
from webapp.seed.viewing_state import _normalize

# Searches for what the catalog does not have.
MISSING_QUERIES = (
    "anime",
    "bollywood",
    "k drama",
    "cooking show",
    "stand up comedy",
    "telenovela",
    "reality tv",
    "baking competition",
    "chess",
    "true crime podcast",
    "nature 4k",
    "esports",
)


class SearchBehaviour:
    """Searches of ViewerSimulation."""

    def search(self, t: float, available: np.ndarray, z: np.ndarray, end: float) -> float:
        """A typed query, its result count, and maybe a click and a play."""
        rng, view = self.rng, self.view
        roll = rng.random()
        candidates: list[int] = []
        if roll < 0.55:
            target = self._choose(np.flatnonzero(available), z)
            query = self._title_query(view.names[target])
            needle = _normalize(query)
            candidates = [i for i in np.flatnonzero(available) if needle in view.search_names[i]]
            if target in candidates:
                candidates.remove(target)
            candidates.insert(0, target)
        elif roll < 0.7 and self.viewer.favourite_people:
            person = self.viewer.favourite_people[
                int(rng.integers(len(self.viewer.favourite_people)))
            ]
            query = person.lower() if rng.random() < 0.5 else person.split()[-1].lower()
            candidates = [i for i in np.flatnonzero(available) if person in view.people[i]]
        elif roll < 0.9:
            weights = np.exp(self.viewer.genre_taste - self.viewer.genre_taste.max())
            g = int(rng.choice(len(GENRES), p=weights / weights.sum()))
            name = GENRES[g].lower()
            query = [name, f"{name} movies", f"best {name}", f"{name} series"][int(rng.integers(4))]
            members = np.flatnonzero(available & (view.genre_matrix[:, g] > 0))
            candidates = sorted(members.tolist(), key=lambda i: -view.popularity[i])
        else:
            query = MISSING_QUERIES[int(rng.integers(len(MISSING_QUERIES)))]
        if rng.random() < 0.15:
            query = self._typo(query)
        self.emit(t, ev.SEARCH, None, page="search", text=query, value=float(len(candidates)))
        t += float(rng.uniform(4, 25))
        if not candidates or rng.random() < 0.2:
            return t
        shown = candidates[:20]
        chosen = (
            shown[0] if roll < 0.55 and rng.random() < 0.85 else self._choose(np.array(shown), z)
        )
        self.emit(
            t,
            ev.SEARCH_CLICK,
            chosen,
            page="search",
            text=query,
            row_pos=0,
            col_pos=shown.index(chosen),
        )
        t += float(rng.uniform(5, 30))
        if rng.random() < 0.15:
            return t
        return self.play(chosen, t, z, end)

    def _choose(self, indexes: np.ndarray, z: np.ndarray) -> int:
        utilities = np.array([self.appeal(int(i), z) for i in indexes])
        weights = np.exp(utilities - utilities.max())
        return int(indexes[int(self.rng.choice(len(indexes), p=weights / weights.sum()))])

    def _title_query(self, name: str) -> str:
        text = name.lower()
        words = text.split()
        roll = self.rng.random()
        if roll < 0.2 and words[0] == "the" and len(words) > 1:
            return " ".join(words[1:])
        if roll < 0.45 and len(words) > 2:
            return " ".join(words[:2])
        if roll < 0.55 and len(text) > 6:
            return text[: int(self.rng.integers(4, len(text)))]
        return text

    def _typo(self, query: str) -> str:
        """A slip of the finger: a dropped, doubled or swapped letter."""
        spots = [
            i for i in range(1, len(query) - 1) if query[i].isalpha() and query[i + 1].isalpha()
        ]
        if not spots:
            return query
        i = spots[int(self.rng.integers(len(spots)))]
        kind = int(self.rng.integers(3))
        if kind == 0:
            return query[:i] + query[i + 1 :]
        if kind == 1:
            return query[:i] + query[i] + query[i:]
        return query[:i] + query[i + 1] + query[i] + query[i + 2 :]
