"""What a recommender returns: one :class:`Recommendation` per title, without wording.

The library says *why* in data (the source of the score, the title that drove
it, the features shared with it); the site turns that into sentences in its
own voice.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

__all__ = ["Recommendation", "Source"]


class Source(StrEnum):
    """The signal that put a title in the list (compares equal to its value)."""

    COLLABORATIVE = "collaborative"
    CONTENT = "content"
    POPULARITY = "popularity"


@dataclass(frozen=True)
class Recommendation:
    """One recommended title.

    Attributes
    ----------
    item_id : int
    score : float
        Higher is better; comparable within one call.
    source : Source
        What drove the score most: co-watching, content, or popularity alone.
    because : int or None
        The anchor: the watched title that drove the score most, or for
        :meth:`~recommender.base.BaseRecommender.similar_items` the title
        asked about. None when there is none (popularity, diffuse taste).
    similar : bool
        True when ``because`` is the title asked about, not one from the
        profile's history.
    shared : tuple of str
        Content features (``"director=michael mann"``, ``"genre=crime"``) the
        title shares with ``because``, most telling first; may be empty.
    """

    item_id: int
    score: float
    source: Source
    because: int | None = None
    similar: bool = False
    shared: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Plain-dict form (for JSON responses)."""
        out = asdict(self)
        out["source"] = str(self.source)
        out["shared"] = list(self.shared)
        return out
