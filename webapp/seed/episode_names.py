"""Names and one-line synopses for demo episodes the catalog files leave unnamed.

The catalog files name only some episodes (and summarise none); a season of
"Episode 1", "Episode 2"... reads like a broken site. Each series gets names and
lines drawn from word banks that suit its mood, seeded by the series' name, so
the same catalog always reads the same and no name repeats within a series.
"""

import random

NOUNS = {
    "dark": ["Debt", "Bargain", "Cellar", "Confession", "Ashes", "Wound", "Verdict", "Shadow"],
    "tense": ["Deadline", "Signal", "Crossing", "Leak", "Standoff", "Ultimatum", "Alibi", "Trap"],
    "eerie": ["Hollow", "Lantern", "Visitor", "Static", "Threshold", "Fog", "Echo", "Attic"],
    "epic": ["Crown", "Banner", "Oath", "Storm", "Siege", "Throne", "Frontier", "Tide"],
    "bright": ["Party", "Surprise", "Road Trip", "Contest", "Pancakes", "Parade", "Big Day"],
    "whimsical": ["Teapot", "Kite", "Umbrella", "Balloon", "Riddle", "Lost Sock", "Moonbeam"],
    "warm": ["Homecoming", "Letter", "Porch", "Recipe", "Reunion", "Promise", "Garden"],
    "romantic": ["Dance", "Promise", "Letter", "Rain", "Rendezvous", "Proposal", "Station"],
    "cool": ["Pattern", "Blueprint", "Interview", "Pitch", "Audit", "Experiment", "Hunch"],
}
ADJECTIVES = {
    "dark": ["Bitter", "Quiet", "Burned", "Broken", "Last", "Cold", "Borrowed"],
    "tense": ["Final", "Hidden", "Narrow", "Wrong", "Second", "Open", "Long"],
    "eerie": ["Silent", "Pale", "Empty", "Sleepless", "Other", "Far", "Drowned"],
    "epic": ["Iron", "Fallen", "Golden", "Endless", "First", "Burning", "High"],
    "bright": ["Big", "Lucky", "Happy", "Sunny", "Great", "Brand-New", "Perfect"],
    "whimsical": ["Curious", "Upside-Down", "Wobbly", "Tiny", "Magic", "Midnight", "Silly"],
    "warm": ["Old", "Long", "Sunday", "Second", "Small", "Kind", "Late"],
    "romantic": ["Stolen", "Slow", "First", "Last", "Secret", "Summer", "Late"],
    "cool": ["Clean", "Blind", "Open", "Double", "Quiet", "Fresh", "Loose"],
}
PATTERNS = (
    "The {adj} {noun}",
    "{adj} {noun}",
    "The {noun}",
    "After the {noun}",
    "{noun} and {noun2}",
    "What the {noun} Knew",
    "One More {noun}",
    "The {noun} Problem",
)
WHO = {
    "dark": ["An old partner", "A desperate rival", "The family", "A frightened witness"],
    "tense": ["A nervous source", "The team", "An old ally", "A stranger with a warning"],
    "eerie": ["A neighbour", "A child", "The night shift", "A visitor no one invited"],
    "epic": ["The council", "An exiled heir", "An old general", "A young soldier"],
    "bright": ["The whole gang", "A new friend", "The next-door neighbour", "Everyone at school"],
    "whimsical": ["A talking cat", "The youngest", "A lost traveller", "The town's inventor"],
    "warm": ["A long-lost cousin", "The family", "An old teacher", "A neighbour"],
    "romantic": ["An old flame", "A new arrival", "A best friend", "A matchmaking aunt"],
    "cool": ["A new hire", "The team", "An outside consultant", "A former colleague"],
}
WHAT = {
    "dark": ["comes to collect", "breaks a silence kept for years", "makes a deal that costs"],
    "tense": ["sets a clock running", "changes sides", "finds the leak", "misses a signal"],
    "eerie": ["hears something in the walls", "stops sleeping", "finds a door that was not there"],
    "epic": ["calls in an old oath", "marches on the capital", "claims what was lost"],
    "bright": ["plans a surprise", "enters a contest", "gets the day completely wrong"],
    "whimsical": ["follows a strange map", "shrinks to the size of a button", "loses the moon"],
    "warm": ["comes home for the holidays", "reads an old letter", "keeps a promise"],
    "romantic": ["turns up at the worst moment", "writes the letter at last", "misses a train"],
    "cool": ["spots the pattern", "pitches a bold plan", "reopens a closed file"],
}
THEN = {
    "dark": ["and nobody walks away clean", "and an old lie comes due", "and the price climbs"],
    "tense": ["while time runs out", "and trust runs thin", "and one mistake costs everything"],
    "eerie": ["and the town pretends not to notice", "and the lights go out again"],
    "epic": ["and the alliance begins to crack", "and a kingdom holds its breath"],
    "bright": ["and chaos follows", "and it all works out, mostly", "and the plan goes sideways"],
    "whimsical": ["and the rules of the world bend", "and tea is served at last"],
    "warm": ["and old wounds begin to heal", "and the house fills up again"],
    "romantic": ["and a heart has to choose", "and the timing is all wrong"],
    "cool": ["and the numbers stop adding up", "and the whole office is watching"],
}


def _pick(bank: dict[str, list[str]], mood: str) -> list[str]:
    return bank.get(mood) or bank["cool"]


def _name(rng: random.Random, mood: str) -> str:
    nouns, adjectives = _pick(NOUNS, mood), _pick(ADJECTIVES, mood)
    noun, noun2 = rng.sample(nouns, 2)
    return rng.choice(PATTERNS).format(adj=rng.choice(adjectives), noun=noun, noun2=noun2)


def _line(rng: random.Random, mood: str, number: int, last: int, season: int) -> str:
    line = (
        f"{rng.choice(_pick(WHO, mood))} {rng.choice(_pick(WHAT, mood))}, "
        f"{rng.choice(_pick(THEN, mood))}."
    )
    if number == 1 and season > 1:
        return f"Season {season} opens: {line[0].lower()}{line[1:]}"
    if number == last and last > 1:
        return f"In the season finale, {line[0].lower()}{line[1:]}"
    return line


def episode_texts(
    series: str, mood: str, seasons: list[tuple[int, int, list[str]]]
) -> list[list[tuple[str, str]]]:
    """(name, synopsis) for every episode of every season, given (number, count, known names).

    A known name is kept; the others are made up, never repeating a name within
    the series. Every episode gets a one-line synopsis.
    """
    rng = random.Random(f"marquee-episodes|{series}")
    used = {name.casefold() for _, _, names in seasons for name in names if name}
    result = []
    for season, count, names in seasons:
        texts = []
        for number in range(1, count + 1):
            name = names[number - 1] if number <= len(names) and names[number - 1] else ""
            for _ in range(200):
                if name:
                    break
                candidate = _name(rng, mood)
                if candidate.casefold() not in used:
                    name = candidate
            if not name:  # a very long series has used up its bank
                name = f"{candidate}, Season {season} Part {number}"
            used.add(name.casefold())
            texts.append((name[:200], _line(rng, mood, number, count, season)))
        result.append(texts)
    return result
