"""Text as the search index sees it: lowercase ASCII words, accents removed."""

import re
import unicodedata

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
