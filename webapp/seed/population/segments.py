"""The taste archetypes of simulated viewers: genres, keywords, era, hours and devices.

Planted patterns (an artwork style and a trailer cut per segment, daytime and evening genres,
what a shared profile's adult watches at night) are what the insights reports
are expected to find again in the log.
"""

from dataclasses import dataclass, field

DEVICES = ("tv", "desktop", "mobile", "tablet")
# Genres a shared profile's adult turns to late at night.
NIGHT_GENRES = {"Thriller": 1.0, "Crime": 1.0, "Mystery": 0.4}


@dataclass(frozen=True)
class Segment:
    """A taste archetype: what its members like, when and how they watch."""

    key: str
    share: float
    genres: dict[str, float]
    keywords: dict[str, float]
    era: tuple[int, int]  # centre year, width in years
    series_affinity: float
    artwork_style: str  # planted: the artwork style this segment clicks most
    daytime_genres: dict[str, float] = field(default_factory=dict)  # planted: before 18:00
    evening_genres: dict[str, float] = field(default_factory=dict)  # planted: from 18:00
    peak_hours: tuple[int, ...] = (21,)
    devices: tuple[float, float, float, float] = (0.5, 0.2, 0.2, 0.1)  # tv, desktop, mobile, tablet
    trailer_cut: str = "Bright open"  # planted: the demo trailer cut that draws this segment in


SEGMENTS = (
    Segment(
        "thrill-seekers",
        0.20,
        {"Action": 1.2, "Thriller": 1.0, "Crime": 0.8, "Science Fiction": 0.7, "Adventure": 0.5},
        {
            "heist": 0.8,
            "spy": 0.7,
            "action-packed": 0.9,
            "cars": 0.6,
            "martial arts": 0.6,
            "revenge": 0.5,
            "suspenseful": 0.5,
        },
        (2005, 15),
        0.2,
        "landscape",
        daytime_genres={"Action": 0.6, "Adventure": 0.5, "Comedy": 0.4},
        evening_genres={"Crime": 0.7, "Thriller": 0.7, "Horror": 0.3},
        peak_hours=(21, 22),
        devices=(0.6, 0.15, 0.2, 0.05),
        trailer_cut="Cold open",
    ),
    Segment(
        "classic-cinephiles",
        0.15,
        {
            "Drama": 1.1,
            "History": 0.7,
            "Biography": 0.6,
            "War": 0.6,
            "Mystery": 0.5,
            "Western": 0.5,
        },
        {
            "based on true story": 0.6,
            "historical": 0.6,
            "thought-provoking": 0.8,
            "cult classic": 0.7,
            "bleak": 0.4,
            "psychological": 0.5,
        },
        (1970, 18),
        -0.4,
        "typographic",
        peak_hours=(20, 14),
        devices=(0.45, 0.4, 0.05, 0.1),
        trailer_cut="Cold open",
    ),
    Segment(
        "comfort-watchers",
        0.22,
        {"Comedy": 1.2, "Romance": 1.0, "Family": 0.5, "Musical": 0.5, "Drama": 0.3},
        {
            "feel-good": 0.9,
            "romantic": 0.8,
            "wedding": 0.5,
            "friendship": 0.6,
            "heartwarming": 0.7,
            "funny": 0.6,
            "holiday": 0.4,
        },
        (2000, 14),
        0.5,
        "portrait",
        daytime_genres={"Comedy": 0.6, "Family": 0.6, "Animation": 0.3},
        evening_genres={"Romance": 0.8, "Drama": 0.5},
        peak_hours=(20, 12, 9),
        devices=(0.4, 0.1, 0.35, 0.15),
    ),
    Segment(
        "dark-genre-fans",
        0.15,
        {"Horror": 1.2, "Mystery": 0.8, "Fantasy": 0.7, "Science Fiction": 0.8, "Thriller": 0.4},
        {
            "scary": 0.9,
            "vampires": 0.6,
            "zombies": 0.6,
            "haunted house": 0.6,
            "mind-bending": 0.8,
            "dark": 0.7,
            "monster": 0.5,
            "aliens": 0.5,
        },
        (2000, 20),
        0.3,
        "emblem",
        daytime_genres={"Science Fiction": 0.7, "Fantasy": 0.6, "Horror": -0.6},
        evening_genres={"Horror": 0.9, "Thriller": 0.6},
        peak_hours=(23, 22),
        devices=(0.35, 0.35, 0.25, 0.05),
    ),
    Segment(
        "series-bingers",
        0.18,
        {"Crime": 1.0, "Drama": 1.0, "Thriller": 0.7, "Mystery": 0.5, "Fantasy": 0.3},
        {
            "gritty": 0.8,
            "corruption": 0.6,
            "detective": 0.7,
            "psychological": 0.6,
            "politics": 0.4,
            "drugs": 0.4,
        },
        (2012, 10),
        1.6,
        "portrait",
        peak_hours=(21, 23),
        devices=(0.55, 0.15, 0.2, 0.1),
        trailer_cut="Quick cut",
    ),
    Segment(
        "curious-minds",
        0.10,
        {
            "Documentary": 1.4,
            "History": 0.8,
            "Biography": 0.8,
            "Sport": 0.6,
            "Music": 0.6,
            "War": 0.3,
        },
        {
            "science": 0.8,
            "nature": 0.8,
            "sports": 0.6,
            "biopic": 0.6,
            "inspiring": 0.7,
            "thought-provoking": 0.5,
            "journalism": 0.5,
        },
        (2010, 15),
        0.4,
        "landscape",
        peak_hours=(19, 8),
        devices=(0.3, 0.35, 0.25, 0.1),
    ),
)
KIDS_SEGMENT = Segment(
    "kids",
    0.0,
    {
        "Animation": 1.4,
        "Family": 1.2,
        "Adventure": 0.7,
        "Fantasy": 0.6,
        "Comedy": 0.6,
        "Musical": 0.3,
    },
    {
        "kids": 0.8,
        "animals": 0.7,
        "magic": 0.6,
        "fairy tale": 0.6,
        "whimsical": 0.7,
        "funny": 0.6,
        "friendship": 0.4,
    },
    (2008, 14),
    0.6,
    "emblem",
    peak_hours=(17, 9),
    devices=(0.55, 0.0, 0.1, 0.35),
)
ALL_SEGMENTS = (*SEGMENTS, KIDS_SEGMENT)
