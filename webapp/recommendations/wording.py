"""The site's words for what the recommender returns: reasons on cards, and model trouble.

The library says why in data (the anchor title, the source, shared
features); this module alone turns that into Marquee's sentences, so a
change of voice is one file.
"""

from collections.abc import Callable, Container

from recommender import Recommendation, Source

POPULAR = "Popular on Marquee"
TASTE = "Matches your taste in genres and people"
RETRAIN_HINT = "retrain with `flask --app wsgi recommender train`"
KIND_NOUNS = {"film": "films", "series": "series"}
# What the profile did with a title, as "Because you ..." says it: an onboarding
# pick is neither a viewing nor a thumbs up given after seeing the title.
_BECAUSE = {
    "watched": "Because you watched {}",
    "liked": "Because you liked {}",
    "picked": "Because you picked {}",
    "listed": "Because you added {} to your list",
}
_WHICH = {
    "watched": "which you watched",
    "liked": "which you liked",
    "picked": "which you picked",
    "listed": "on your list",
}


def _label(model, item_id: int) -> str:
    name = model.title_of(item_id)
    return f'"{name}"' if name else f"title {item_id}"


def _feature(feature: str) -> str:
    """``director=michael mann`` -> ``director Michael Mann``; ``genre=crime`` -> ``crime``."""
    kind, _, value = feature.partition("=")
    value = value.title() if kind in ("director", "creator", "cast") else value
    return value if kind in ("genre", "keyword") else f"{kind} {value}"


def because(evidence: str, name: str) -> str:
    """ "Because you watched X" (a row's name or a card's reason), true to the evidence."""
    return _BECAUSE[evidence].format(name)


def theme_reason(like: str, evidence: str) -> str:
    """A theme row card's reason, with ``{anchor}`` left for the anchor title's name."""
    return f"{like}, like {{anchor}}, {_WHICH[evidence]}"


def reason(
    rec: Recommendation,
    model,
    watched: Container[int] | None = None,
    evidence: Callable[[int], str | None] | None = None,
) -> str:
    """The sentence under a recommended title; ``model`` names the anchor title.

    ``watched`` holds the titles the profile has played: an anchor it only gave
    a thumbs up is "liked", not "watched". ``evidence``, where given, says for
    each title what the profile did with it (see `because`), so an onboarding
    pick reads "Because you picked X".
    """
    if rec.because is None:
        return TASTE if rec.source == Source.CONTENT else POPULAR
    label = _label(model, rec.because)
    if not rec.similar:
        if evidence is not None:
            return because(evidence(rec.because) or "liked", label)
        liked_only = watched is not None and rec.because not in watched
        return because("liked" if liked_only else "watched", label)
    shared = ", ".join(_feature(f) for f in rec.shared)
    if rec.source == Source.COLLABORATIVE:
        return f"Viewers of {label} also watched this" + (f"; shares {shared}" if shared else "")
    return f"Shares {shared} with {label}" if shared else f"Similar to {label}"


def model_problem(message: str) -> str:
    """Why a model file cannot be served, with the command that fixes it."""
    return f"{message.rstrip('.')} ({RETRAIN_HINT})."
