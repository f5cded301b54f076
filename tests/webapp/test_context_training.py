"""Time of day and device through the site's training pipeline, on a hand-built log."""

from datetime import timedelta

import pytest

from recommender.artifacts import load_latest
from recommender.context import context_rerank
from tests.conftest import AuthActions
from tests.webapp.test_insights_support import NOW, LogBuilder
from webapp.auth.accounts import register_account
from webapp.extensions import db
from webapp.recommendations.commands import recommender_cli
from webapp.recommendations.training import train_model

SATURDAY_8AM = NOW - timedelta(days=2, hours=4)  # NOW is Monday noon
TUESDAY_11PM = NOW - timedelta(days=6) + timedelta(hours=11)


def _play(b: LogBuilder, profile, title, at, hour: int, weekday: int, device: str) -> None:
    context = {"local_hour": hour, "local_weekday": weekday, "device": device}
    b.event(profile, "play_start", title, at, value=0.0, duration=6000.0, **context)
    b.event(
        profile,
        "complete",
        title,
        at + timedelta(minutes=95),
        value=6000.0,
        duration=6000.0,
        **context,
    )


@pytest.fixture
def known_log(app):
    """Twelve animated films, twelve thrillers, twelve dramas and a few profiles.

    shared: animation on Saturday mornings on the TV, thrillers on Tuesday
    nights on a phone; its household's second profile does the same.
    plain: animation and thrillers alike, on Saturday evenings on the TV.
    crowd: eight profiles that watch all three genres at all hours, so the
    hybrid has neighbours to learn from.
    """
    with app.app_context():
        b = LogBuilder()
        animation = [b.title(f"Cartoon {n}", ["Animation"]) for n in range(12)]
        thrillers = [b.title(f"Night {n}", ["Thriller"]) for n in range(12)]
        dramas = [b.title(f"Drama {n}", ["Drama"]) for n in range(12)]
        shared, plain = b.profile("Shared"), b.profile("Plain")
        crowd = [b.profile(f"Crowd{n}") for n in range(8)]
        day = timedelta(days=1)
        for n in range(9):
            early = SATURDAY_8AM - (9 - n) * 7 * day
            late = TUESDAY_11PM - (9 - n) * 7 * day
            _play(b, shared, animation[n], early, 8, 5, "tv")
            _play(b, shared, thrillers[n], late, 23, 1, "mobile")
            _play(b, plain, animation[n], early + timedelta(hours=12), 20, 5, "tv")
            _play(b, plain, thrillers[n], late - timedelta(hours=3), 20, 5, "tv")
        for k, profile in enumerate(crowd):
            for n in range(12):
                for films, offset in ((animation, 0), (thrillers, 1), (dramas, 2)):
                    if (n + k + offset) % 3 == 0:
                        continue
                    at = NOW - timedelta(days=60 - n * 4, hours=offset + k)
                    _play(b, profile, films[n], at, (7 + 5 * offset + k) % 24, n % 7, "desktop")
        b.commit()
        app.config["KNOWN"] = {
            "shared": shared.id,
            "plain": plain.id,
            "animation": {t.id for t in animation},
            "thrillers": {t.id for t in thrillers},
        }
    return app


def _candidates(model, profile_id):
    recs = model.recommend(profile_id, k=30)
    return [r.item_id for r in recs], [r.score for r in recs]


def test_training_learns_the_shared_profiles_mornings_and_nights(known_log):
    known = known_log.config["KNOWN"]
    with known_log.app_context():
        train_model(known_log.config["MODEL_DIR"], now=NOW)
    model = load_latest(known_log.config["MODEL_DIR"])
    context = model.context
    assert context is not None and context.has_pattern(known["shared"])
    ids, scores = _candidates(model, known["shared"])
    morning = context.rerank(known["shared"], ids, scores, 8, 5, "tv")[0]
    night = context.rerank(known["shared"], ids, scores, 23, 1, "mobile")[0]
    assert morning[0] in known["animation"]
    assert night[0] in known["thrillers"]
    # When the measured figures switch it on, the page's entry point agrees.
    context.enabled = True
    assert context_rerank(context, known["shared"], ids, scores, 8, 5, "tv")[0][0] == morning[0]


def test_a_profile_without_a_pattern_keeps_the_hybrids_order(known_log):
    known = known_log.config["KNOWN"]
    with known_log.app_context():
        train_model(known_log.config["MODEL_DIR"], now=NOW, evaluate=False)
    model = load_latest(known_log.config["MODEL_DIR"])
    model.context.enabled = True
    assert not model.context.has_pattern(known["plain"])
    ids, scores = _candidates(model, known["plain"])
    for hour, weekday, device in ((8, 5, "tv"), (23, 1, "mobile"), (14, 2, "desktop")):
        ranked, new_scores, reasons = context_rerank(
            model.context, known["plain"], ids, scores, hour, weekday, device
        )
        assert ranked.tolist() == ids and new_scores.tolist() == scores
        assert reasons == [None] * len(ids)


def test_status_and_admin_page_show_the_figures_and_the_decision(known_log):
    with known_log.app_context():
        result = train_model(known_log.config["MODEL_DIR"], now=NOW)
        register_account("boss@example.com", "correct horse 42", is_admin=True)
        db.session.commit()
    summary = result.metrics["context"]
    assert summary["figures"]["overall"]["requests"] > 0
    assert summary["enabled"] in (True, False) and summary["why"]
    output = known_log.test_cli_runner().invoke(recommender_cli, ["status"]).output
    assert "Time of day and device: " + ("ON" if summary["enabled"] else "off") in output
    overall = summary["figures"]["overall"]
    assert f"NDCG@10 {overall['ndcg@10']:.4f} -> {overall['ndcg@10_context']:.4f}" in output
    client = AuthActions(known_log.test_client()).as_admin("boss@example.com")
    body = client.get("/admin/recommender").get_data(as_text=True)
    state = "on" if summary["enabled"] else "off"
    assert f"Context re-ranking is <strong>{state}</strong>" in body
    assert f"{overall['ndcg@10_context']:.4f}" in body and "daypart:" in body


def test_a_quick_fit_leaves_time_of_day_to_the_tuned_training(known_log):
    runner = known_log.test_cli_runner()
    result = runner.invoke(recommender_cli, ["train", "--quick"])
    assert result.exit_code == 0, result.output
    assert "time of day and device" not in result.output
    model = load_latest(known_log.config["MODEL_DIR"])
    assert model.context is None
    output = runner.invoke(recommender_cli, ["status"]).output
    assert "Time of day and device: off (a quick fit; the tuned training measures it)" in output
    # Pages of the quick model keep the hybrid's order, as a context left off would.
    with known_log.app_context():
        register_account("boss@example.com", "correct horse 42", is_admin=True)
        db.session.commit()
    client = AuthActions(known_log.test_client()).as_admin("boss@example.com")
    body = client.get("/admin/recommender").get_data(as_text=True)
    assert "Context re-ranking is <strong>off</strong> for this version: a quick fit" in body
