"""What "Popular" means on Marquee, once: titles ordered by recent, time-decayed plays.

Every row, sort and fallback that says "Popular" orders titles with
`popular_order`. It reads the trending figures (webapp.home.trending): they
exist with or without a trained model, follow what people watch now rather
than what they watched when the model was last trained, and are already
cached per app, so a page pays no aggregate query over the play log. Titles
equally popular (nobody played them lately, say) keep the order they came in:
the caller's own order (A-Z on a genre page) decides.
"""

from collections.abc import Iterable

from webapp.home.trending import trending


def popular_order(ids: Iterable[int]) -> list[int]:
    """The given title ids, most popular first; ties in the order given."""
    scores = trending().scores
    return sorted(ids, key=lambda t: -scores.get(t, 0.0))
