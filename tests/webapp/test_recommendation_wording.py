"""The site's words for the recommender's reasons: every kind of reason, worded once."""

import pytest

from recommender import Recommendation, Source
from webapp.recommendations.wording import model_problem, reason


class _Model:
    """Names title 7 only, as a model fitted without every title's name would."""

    def title_of(self, item_id: int) -> str:
        return "Heat" if item_id == 7 else ""


@pytest.mark.parametrize(
    ("rec", "words"),
    [
        (Recommendation(1, 1.0, Source.POPULARITY), "Popular on Marquee"),
        (Recommendation(1, 1.0, Source.COLLABORATIVE), "Popular on Marquee"),
        (Recommendation(1, 1.0, Source.CONTENT), "Matches your taste in genres and people"),
        (Recommendation(1, 1.0, Source.COLLABORATIVE, 7), 'Because you watched "Heat"'),
        (Recommendation(1, 1.0, Source.CONTENT, 8), "Because you watched title 8"),
        (
            Recommendation(1, 1.0, Source.COLLABORATIVE, 7, True),
            'Viewers of "Heat" also watched this',
        ),
        (
            Recommendation(1, 1.0, Source.COLLABORATIVE, 7, True, ("director=michael mann",)),
            'Viewers of "Heat" also watched this; shares director Michael Mann',
        ),
        (
            Recommendation(1, 1.0, Source.CONTENT, 7, True, ("genre=crime", "keyword=heist")),
            'Shares crime, heist with "Heat"',
        ),
        (Recommendation(1, 1.0, Source.CONTENT, 7, True), 'Similar to "Heat"'),
    ],
)
def test_each_kind_of_reason_has_its_words(rec, words):
    assert reason(rec, _Model()) == words


def test_model_trouble_names_the_command_that_fixes_it():
    words = model_problem("models/v1 has model format 1; retrain the model.")
    assert words.startswith("models/v1 has model format 1")
    assert "flask --app wsgi recommender train" in words


def test_an_anchor_only_liked_is_not_called_watched():
    rec = Recommendation(1, 1.0, Source.COLLABORATIVE, 7)
    assert reason(rec, _Model(), watched={7}) == 'Because you watched "Heat"'
    assert reason(rec, _Model(), watched=set()) == 'Because you liked "Heat"'
