"""Artwork variant recipes: a style and a palette chosen from a title's genres and mood.

Each title gets one variant per style. The styles differ in what they put
forward (the title's name, a figure, a setting, a symbol), which is what
audiences react to differently and what the artwork bandit learns about.
"""

import hashlib

STYLES = ("typographic", "portrait", "landscape", "emblem")

GENRE_PALETTES = {
    "Action": ("#1b1b1f", "#d7263d", "#f46036"),
    "Adventure": ("#0b3d2e", "#e09f3e", "#f2e8cf"),
    "Animation": ("#3a0ca3", "#f72585", "#4cc9f0"),
    "Biography": ("#2b2d42", "#8d99ae", "#edf2f4"),
    "Comedy": ("#ffbe0b", "#fb5607", "#3a86ff"),
    "Crime": ("#0d0d0d", "#9b2226", "#e9d8a6"),
    "Documentary": ("#14213d", "#fca311", "#e5e5e5"),
    "Drama": ("#22223b", "#9a8c98", "#f2e9e4"),
    "Family": ("#2a9d8f", "#e9c46a", "#f4a261"),
    "Fantasy": ("#240046", "#7b2cbf", "#e0aaff"),
    "History": ("#3d2b1f", "#a47148", "#e6ccb2"),
    "Horror": ("#0a0a0a", "#6a040f", "#d00000"),
    "Music": ("#10002b", "#ff006e", "#ffbe0b"),
    "Musical": ("#590d22", "#ff4d6d", "#ffccd5"),
    "Mystery": ("#0b132b", "#3a506b", "#5bc0be"),
    "Romance": ("#590d22", "#ff758f", "#ffe5ec"),
    "Science Fiction": ("#03071e", "#00b4d8", "#90e0ef"),
    "Sport": ("#003049", "#d62828", "#fcbf49"),
    "Thriller": ("#161a1d", "#660708", "#b1a7a6"),
    "War": ("#283618", "#606c38", "#dda15e"),
    "Western": ("#432818", "#bb9457", "#ffe6a7"),
}
DEFAULT_PALETTE = ("#1d3557", "#e63946", "#f1faee")

# A mood shifts the palette's accent so two crime films of different moods differ.
MOOD_ACCENTS = {
    "dark": "#3c096c",
    "tense": "#9d0208",
    "bright": "#ffd60a",
    "warm": "#ee9b00",
    "cool": "#48cae4",
    "whimsical": "#c77dff",
    "epic": "#e85d04",
    "romantic": "#ff8fab",
    "eerie": "#52b788",
}


def palette_for(genres: list[str], mood: str | None, variant: int) -> tuple[str, ...]:
    """Three or four colours: the main genre's palette, the mood's accent, rotated per variant."""
    base = GENRE_PALETTES.get(genres[0], DEFAULT_PALETTE) if genres else DEFAULT_PALETTE
    second = GENRE_PALETTES.get(genres[1]) if len(genres) > 1 else None
    colours = list(base)
    if second and variant % 2 == 1:
        colours[2] = second[1]
    accent = MOOD_ACCENTS.get(mood or "", colours[1])
    colours.append(accent)
    shift = variant % len(colours[1:])
    return (colours[0], *(colours[1:][shift:] + colours[1:][:shift]))


def recipes_for(name: str, genres: list[str], mood: str | None) -> list[dict]:
    """One recipe per style, stable for the same title."""
    recipes = []
    for variant, style in enumerate(STYLES):
        recipes.append(
            {
                "variant": variant,
                "style": style,
                "palette": ",".join(palette_for(genres, mood, variant)),
                "label": f"{style.title()} ({genres[0] if genres else 'General'})",
            }
        )
    return recipes


def seed_for(title_id: int, variant: int) -> int:
    """A stable number that the drawing code uses for shapes and positions."""
    digest = hashlib.sha256(f"{title_id}:{variant}".encode()).digest()
    return int.from_bytes(digest[:4], "big")
