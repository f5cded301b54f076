"""Theme rows: named slices of the catalog by genre and mood words.

A theme is shown to a profile only when that profile's history leans toward
it, and ordered by how much it does.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    genres: frozenset[str]
    keywords: frozenset[str]
    like: str  # what a card's reason calls the theme: "Tense, like Heat, which you watched"

    def matches(self, genres: tuple[str, ...], keywords: frozenset[str]) -> bool:
        return bool(self.genres.intersection(genres)) and bool(self.keywords & keywords)


def _theme(key: str, label: str, genres: set[str], keywords: set[str], like: str) -> Theme:
    return Theme(key, label, frozenset(genres), frozenset(keywords), like)


THEMES = (
    _theme(
        "gritty-crime",
        "Gritty crime dramas",
        {"Crime"},
        {"gritty", "dark", "bleak", "mafia", "gangster", "corruption"},
        "Gritty crime",
    ),
    _theme(
        "feel-good-comedy",
        "Feel-good comedies",
        {"Comedy"},
        {"feel-good", "heartwarming", "funny", "quirky"},
        "Feel-good",
    ),
    _theme(
        "mind-bending",
        "Mind-bending sci-fi",
        {"Science Fiction", "Mystery", "Thriller"},
        {"mind-bending", "time travel", "twist ending", "nonlinear", "thought-provoking"},
        "Mind-bending",
    ),
    _theme(
        "edge-of-seat",
        "Edge-of-your-seat thrillers",
        {"Thriller", "Action", "Crime"},
        {"suspenseful", "tense", "conspiracy", "spy", "heist"},
        "Tense",
    ),
    _theme(
        "family-adventures",
        "Animated adventures for everyone",
        {"Animation", "Family"},
        {"whimsical", "heartwarming", "friendship", "quest", "magic", "funny", "fairy tale"},
        "A family adventure",
    ),
    _theme(
        "scary-nights",
        "Scary nights in",
        {"Horror"},
        {"scary", "haunted house", "monster", "zombies", "vampires", "eerie", "dark"},
        "Scary",
    ),
    _theme(
        "true-stories",
        "Based on true stories",
        {"Biography", "History", "Drama", "Documentary", "Sport"},
        {"based on true story", "biopic", "historical"},
        "A true story",
    ),
    _theme(
        "inspiring",
        "Inspiring stories",
        {"Drama", "Sport", "Documentary", "Biography"},
        {"inspiring", "underdog", "redemption"},
        "Inspiring",
    ),
    _theme(
        "epic-worlds",
        "Epic worlds and quests",
        {"Fantasy", "Adventure", "Science Fiction"},
        {"epic", "quest", "dragons", "magic", "space"},
        "An epic world",
    ),
    _theme(
        "love-stories",
        "Love stories",
        {"Romance"},
        {"romantic", "love triangle", "forbidden love", "wedding"},
        "A love story",
    ),
    _theme(
        "war-stories",
        "Stories from the front",
        {"War", "History"},
        {"war", "world war ii", "vietnam war", "cold war"},
        "A war story",
    ),
    _theme(
        "dark-comedy",
        "Dark and offbeat comedies",
        {"Comedy"},
        {"dark comedy", "satire", "quirky", "parody"},
        "Dark and offbeat",
    ),
)
