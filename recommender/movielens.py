"""Load a MovieLens directory (``ratings.csv``, ``movies.csv``, ``tags.csv``).

Only the standard library's ``csv`` module is used. Every rating becomes one
implicit "watched" interaction of weight 1 (the protocol ignores rating
values). Item features are the genres, the release year parsed from the title
and the tag text; tags are returned separately so that the evaluation can
hide the tags of held-out (user, item) pairs (the leakage guard).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .data import Interactions, ItemFeatures

__all__ = ["MovieLens", "load_movielens"]

_YEAR = re.compile(r"\((\d{4})(?:[-–]\d{0,4})?\)\s*$")


@dataclass
class MovieLens:
    """Raw MovieLens arrays.

    Attributes
    ----------
    interactions : Interactions
        One row per rating, weight 1, rating time.
    item_ids, titles, genres, years : catalog columns from ``movies.csv``.
    tag_users, tag_items, tag_texts : the rows of ``tags.csv``.
    """

    interactions: Interactions
    item_ids: np.ndarray
    titles: list[str]
    genres: list[list[str]]
    years: list[int | None]
    tag_users: np.ndarray
    tag_items: np.ndarray
    tag_texts: list[str]

    def features(self, hidden_pairs: set[tuple[int, int]] | None = None) -> ItemFeatures:
        """Item features, leaving out tags whose (user, item) pair is hidden."""
        hidden = hidden_pairs or set()
        per_item: dict[int, list[str]] = {}
        for u, i, t in zip(self.tag_users.tolist(), self.tag_items.tolist(), self.tag_texts):
            if (u, i) not in hidden:
                per_item.setdefault(i, []).append(t)
        texts = [" ; ".join(per_item.get(i, [])) for i in self.item_ids.tolist()]
        keywords = [
            [t.strip().lower() for t in per_item.get(i, [])] for i in self.item_ids.tolist()
        ]
        return ItemFeatures(
            item_ids=self.item_ids,
            genres=self.genres,
            keywords=keywords,
            year=self.years,
            text=texts,
            titles=self.titles,
        )


def _read(path: Path) -> list[list[str]]:
    if not path.is_file():
        raise ValueError(f"{path} not found; pass --movielens the directory of ml-latest-small.")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[1:]


def load_movielens(path: str | Path) -> MovieLens:
    """Read a MovieLens directory such as ``ml-latest-small``.

    Parameters
    ----------
    path : str or Path
        Directory holding ``ratings.csv`` and ``movies.csv`` (``tags.csv``
        optional).
    """
    path = Path(path)
    ratings = _read(path / "ratings.csv")
    r = np.array([(int(a), int(b), float(d)) for a, b, _, d in ratings], dtype=np.float64)
    inter = Interactions(r[:, 0].astype(np.int64), r[:, 1].astype(np.int64), None, r[:, 2])
    movies = _read(path / "movies.csv")
    item_ids = np.array([int(m[0]) for m in movies], dtype=np.int64)
    titles = [m[1] for m in movies]
    genres = [[] if m[2] == "(no genres listed)" else m[2].split("|") for m in movies]
    years = []
    for t in titles:
        hit = _YEAR.search(t.strip())
        years.append(int(hit.group(1)) if hit else None)
    tags = _read(path / "tags.csv") if (path / "tags.csv").is_file() else []
    return MovieLens(
        interactions=inter,
        item_ids=item_ids,
        titles=titles,
        genres=genres,
        years=years,
        tag_users=np.array([int(t[0]) for t in tags], dtype=np.int64),
        tag_items=np.array([int(t[1]) for t in tags], dtype=np.int64),
        tag_texts=[t[2] for t in tags],
    )
