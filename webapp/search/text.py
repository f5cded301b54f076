"""Text as the search index sees it: lowercase ASCII words, accents removed."""

import re
import unicodedata

from rapidfuzz.distance import OSA

WORD = re.compile(r"[a-z0-9]+")
MAX_TERM = 80


def normalize(text: str | None) -> str:
    """Lowercase, accents stripped, punctuation turned into spaces."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(WORD.findall(ascii_text.lower()))


def words(text: str | None) -> list[str]:
    """The normalised words of a text, in order (duplicates kept)."""
    return [w[:MAX_TERM] for w in normalize(text).split()]


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: padded with two spaces before, one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of both words."""
    ta, tb = trigrams(a), trigrams(b)
    union = len(ta | tb)
    return len(ta & tb) / union if union else 0.0


def max_edits(word: str) -> int:
    """Slips forgiven in a word: none in very short words, one up to five letters, else two."""
    if len(word) < 3:
        return 0
    return 1 if len(word) <= 5 else 2


def edit_distance(a: str, b: str) -> int:
    """Letters dropped, added, changed or swapped with a neighbour to turn `a` into `b`.

    RapidFuzz's optimal string alignment distance: the same count, in C++.
    """
    return OSA.distance(a, b)
