"""Maturity ratings as minimum ages, and the limits a profile can choose."""

# Minimum viewer age per US film and TV rating.
RATING_AGE = {
    "G": 0,
    "TV-Y": 0,
    "TV-G": 0,
    "TV-Y7": 7,
    "PG": 10,
    "TV-PG": 10,
    "PG-13": 13,
    "TV-14": 14,
    "R": 17,
    "TV-MA": 17,
    "NC-17": 18,
    "NR": 18,
}

FILM_RATINGS = ("G", "PG", "PG-13", "R", "NC-17", "NR")
SERIES_RATINGS = ("TV-Y", "TV-Y7", "TV-G", "TV-PG", "TV-14", "TV-MA", "NR")

# (limit, label): a profile sees titles whose minimum age is at most the limit.
PROFILE_LIMITS = (
    (7, "Little kids (G, TV-Y, TV-Y7)"),
    (12, "Older kids (up to PG, TV-PG)"),
    (16, "Teens (up to PG-13, TV-14)"),
    (18, "All maturity ratings"),
)
KIDS_MAX_LIMIT = 12


def rating_age(rating: str) -> int:
    """Minimum age for a rating; unknown ratings are treated as adult-only."""
    return RATING_AGE.get((rating or "NR").strip().upper(), 18)
