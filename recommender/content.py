"""Content model: item vectors from catalog metadata with scikit-learn vectorizers.

Each item becomes one L2-normalised sparse row, the weighted concatenation of
blocks, each L2-normalised on its own:

- ``genre``: one token per genre (TF-IDF, so rare genres weigh more);
- ``people``: one token per (role, name), e.g. ``director=michael mann``;
  directors and creators count twice as much as cast members;
- ``keyword``: one token per keyword or tag (TF-IDF);
- ``era``: the decade and the five-year period of release (neighbouring eras
  share the decade token), plus the maturity rating;
- ``genre_era``: one token per (decade, genre), e.g. ``era=1980s|horror``:
  a taste for 1980s horror need not extend to horror of every decade. Off in
  the default item vectors; the hybrid's description of titles without plays
  uses it;
- ``text``: the synopsis, word TF-IDF with sublinear term frequency and
  English stop words removed.

A profile's taste vector is the weighted sum of the rows of what it watched
(negative weights, i.e. thumbs down, subtract); the content score of a title
is the dot product of its row with that vector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from .data import ItemFeatures

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["BLOCK_WEIGHTS", "ContentModel", "align_features"]

#: Relative weight of each block in an item vector (each block is unit length).
BLOCK_WEIGHTS = {
    "genre": 1.0,
    "people": 1.0,
    "keyword": 1.0,
    "era": 0.5,
    "genre_era": 0.0,
    "text": 0.5,
}
_ROLE_WEIGHT = {"director": 2, "creator": 2}


def align_features(features: ItemFeatures | None, item_ids: np.ndarray) -> ItemFeatures:
    """Features for exactly ``item_ids`` (missing titles get empty metadata)."""
    empty = ItemFeatures(item_ids=item_ids)
    if features is None:
        return empty
    pos = np.searchsorted(item_ids, features.item_ids)
    for src, dst in enumerate(pos.tolist()):
        for name in ("genres", "people", "keywords", "year", "maturity", "text", "titles"):
            getattr(empty, name)[dst] = getattr(features, name)[src]
    return empty


def _identity(tokens):
    return tokens


def _tokens(feats: ItemFeatures) -> dict[str, list[list[str]]]:
    people = [
        [
            f"{role.lower()}={name.lower()}"
            for name, role in row
            for _ in range(_ROLE_WEIGHT.get(role.lower(), 1))
        ]
        for row in feats.people
    ]
    era, genre_era = [], []
    for y, m, genres in zip(feats.year, feats.maturity, feats.genres):
        decade = f"{int(y) // 10 * 10}s" if y is not None and y > 0 else None
        genre_era.append([f"era={decade}|{g.lower()}" for g in genres] if decade else [])
        toks = []
        if y is not None and y > 0:
            toks += [f"decade={int(y) // 10 * 10}s", f"period={int(y) // 5 * 5}", f"year={int(y)}"]
        if m is not None:
            toks.append(f"maturity={int(m)}")
        era.append(toks)
    return {
        "genre": [[f"genre={g.lower()}" for g in row] for row in feats.genres],
        "people": people,
        "keyword": [[f"keyword={k.lower()}" for k in row] for row in feats.keywords],
        "era": era,
        "genre_era": genre_era,
    }


class ContentModel:
    """TF-IDF item vectors over genres, people with roles, keywords, era and text.

    Parameters
    ----------
    block_weights : dict, optional
        Overrides of :data:`BLOCK_WEIGHTS`.
    min_df : int
        Minimum number of items a token must occur in (text and keywords).
    """

    def __init__(self, block_weights: dict[str, float] | None = None, min_df: int = 1):
        self.block_weights = {**BLOCK_WEIGHTS, **(block_weights or {})}
        self.min_df = min_df
        self.vectorizers: dict[str, TfidfVectorizer] = {}
        self.feature_names: list[str] = []

    def _make(self, name: str) -> TfidfVectorizer:
        # scikit-learn (and the scipy.stats it loads) is imported where a model is fitted
        # or read: a process that only imports the site (a migration, the demo seed) skips it.
        from sklearn.feature_extraction.text import TfidfVectorizer

        if name == "text":
            return TfidfVectorizer(
                stop_words="english", sublinear_tf=True, min_df=self.min_df, dtype=np.float32
            )
        return TfidfVectorizer(
            analyzer=_identity,
            lowercase=False,
            min_df=1 if name != "keyword" else self.min_df,
            dtype=np.float32,
        )

    def fit_transform(self, feats: ItemFeatures) -> sp.csr_matrix:
        """Learn the vocabularies and IDF weights from the catalog, return item rows."""
        from sklearn.preprocessing import normalize

        toks = _tokens(feats)
        toks["text"] = [t or "" for t in feats.text]
        blocks, names = [], []
        self.vectorizers = {}
        for name, docs in toks.items():
            if self.block_weights.get(name, 0) <= 0:
                continue
            vec = self._make(name)
            try:
                m = vec.fit_transform(docs)
            except ValueError:  # empty vocabulary: the catalog has no such data
                continue
            self.vectorizers[name] = vec
            blocks.append(normalize(m) * self.block_weights[name])
            prefix = "text=" if name == "text" else ""
            names += [prefix + f for f in vec.get_feature_names_out().tolist()]
        self.feature_names = names
        return self._stack(blocks, len(feats))

    def transform(self, feats: ItemFeatures) -> sp.csr_matrix:
        """Item rows for new titles in the vocabulary learned by :meth:`fit_transform`."""
        if not self.vectorizers and len(self.feature_names) == 0:
            raise ValueError("ContentModel is not fitted; call fit_transform on the catalog first.")
        from sklearn.preprocessing import normalize

        toks = _tokens(feats)
        toks["text"] = [t or "" for t in feats.text]
        blocks = [
            normalize(vec.transform(toks[name])) * self.block_weights[name]
            for name, vec in self.vectorizers.items()
        ]
        return self._stack(blocks, len(feats))

    @staticmethod
    def _stack(blocks: list[sp.csr_matrix], n: int) -> sp.csr_matrix:
        from sklearn.preprocessing import normalize

        if not blocks:
            return sp.csr_matrix((n, 0), dtype=np.float32)
        return normalize(sp.hstack(blocks, format="csr", dtype=np.float32)).astype(np.float32)

    def get_state(self) -> dict:
        """JSON-serialisable state (vocabularies and IDF weights), no pickle."""
        return {
            "block_weights": self.block_weights,
            "min_df": self.min_df,
            "blocks": {
                name: {
                    "vocabulary": vec.get_feature_names_out().tolist(),
                    "idf": vec.idf_.astype(float).tolist(),
                }
                for name, vec in self.vectorizers.items()
            },
        }

    @classmethod
    def from_state(cls, state: dict) -> ContentModel:
        """Rebuild a fitted model from :meth:`get_state` output."""
        model = cls(state["block_weights"], state["min_df"])
        names = []
        for name, block in state["blocks"].items():
            vec = model._make(name)
            vec.set_params(vocabulary=block["vocabulary"], min_df=1)
            vec._validate_vocabulary()
            vec.idf_ = np.asarray(block["idf"], dtype=np.float64)
            model.vectorizers[name] = vec
            prefix = "text=" if name == "text" else ""
            names += [prefix + f for f in block["vocabulary"]]
        model.feature_names = names
        return model
