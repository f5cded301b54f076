"""What the home page's hero and cards say: Play or Resume, and a match only where it means something."""

import re

from tests.conftest import AuthActions, active_adult
from tests.webapp.catalog_factory import make_account
from webapp.extensions import db
from webapp.models import Title, WatchState


def _hero_actions(client, path: str = "/") -> tuple[int, str]:
    """The featured title's id and the words of its Play button ("" when it has none)."""
    html = client.get(path).get_data(as_text=True)
    hero = html[html.index('<section class="hero"') :]
    hero = hero[: hero.index("</section>")]
    play = re.search(
        r'href="/watch/(\d+)[^"]*">\s*<span aria-hidden="true">&#9654;</span> ([^<]+)</a>', hero
    )
    more = re.search(r'href="/title/(\d+)', hero)
    assert more, hero
    return int(more.group(1)), (play.group(2).strip() if play else "")


def test_the_hero_plays_the_featured_title_and_resumes_it_once_started(trained):
    with trained.app_context():
        _, (profile_id,) = make_account("hero@example.com", [{"name": "Hero", "onboarded": True}])
    client = trained.test_client()
    AuthActions(client).as_viewer(profile_id)
    # The Films page plans its rows as the home page does, and features a film: no episode to pick.
    featured, words = _hero_actions(client, "/browse/film")
    assert words.startswith("Play")

    with trained.app_context():
        assert not db.session.get(Title, featured).is_series  # a film: no episode to pick
        db.session.add(
            WatchState(profile_id=profile_id, title_id=featured, position=600.0, duration=6000.0)
        )
        db.session.commit()
    featured_now, words = _hero_actions(client, "/browse/film")
    assert featured_now == featured  # Continue Watching leads the page now
    assert words == "Resume"


def test_cards_state_a_match_only_where_it_recommends_the_title(trained):
    profile_id = active_adult(trained)
    client = trained.test_client()
    AuthActions(client).as_viewer(profile_id)
    html = client.get("/").get_data(as_text=True)
    figures = [int(n) for n in re.findall(r'class="card-score">(\d+)% match<', html)]
    assert figures, "a personal page states some matches"
    assert min(figures) >= 80, sorted(figures)[:10]
