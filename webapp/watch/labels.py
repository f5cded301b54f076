"""The AI-use label the player shows beside a title's name.

One function fills it from the title, so the label's wording can follow the
title model (a plain made-with-AI flag today; finer AI-use fields later)
without touching the template.
"""

from dataclasses import dataclass

from webapp.models import Title


@dataclass(frozen=True)
class AiLabel:
    text: str  # the badge's words
    note: str | None  # a sentence saying how AI was used, when known


def ai_label(title: Title) -> AiLabel | None:
    """The label for this title, or None when it was not made with AI."""
    if not title.ai_generated:
        return None
    return AiLabel("Made with AI", "Parts of this title were generated with AI.")
