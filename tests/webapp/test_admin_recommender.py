"""The recommender admin page: what is served, and retraining in the background."""

import time

import pytest

from tests.conftest import AuthActions, on_backends
from webapp.recommendations.training import train_model


def _admin_client(app):
    return AuthActions(app.test_client()).as_admin()


def test_page_says_when_no_model_is_served(seeded_app):
    client = _admin_client(seeded_app)
    body = client.get("/admin/recommender").get_data(as_text=True)
    assert "No model is being served" in body and "Train now" in body


def test_page_shows_version_and_offline_metrics(seeded_app):
    with seeded_app.app_context():
        result = train_model(seeded_app.config["MODEL_DIR"])
    client = _admin_client(seeded_app)
    body = client.get("/admin/recommender").get_data(as_text=True)
    assert result.version in body
    assert "NDCG@10" in body and "Popularity" in body


# One backend is enough for the subprocess round trip.
@pytest.mark.slow
@on_backends("seeded_app", "sqlite")
def test_train_button_runs_training_in_the_background(seeded_app):
    client = _admin_client(seeded_app)
    response = client.post("/admin/recommender/train", follow_redirects=True)
    assert response.status_code == 200
    model_dir = seeded_app.config["MODEL_DIR"]
    deadline = time.time() + 240
    page = ""
    while time.time() < deadline:
        page = client.get("/admin/recommender").get_data(as_text=True)
        if "Training is running" not in page:
            break
        time.sleep(1)
    versions = [p for p in model_dir.iterdir() if not p.name.startswith(".")]
    assert versions, page
    assert "Last run" in page and versions[0].name in page
    seeded_app.extensions["marquee_models"].invalidate()
    assert versions[0].name in client.get("/admin/recommender").get_data(as_text=True)


def test_non_admins_cannot_train(seeded_app):
    client = seeded_app.test_client()
    AuthActions(client).as_viewer()
    assert client.get("/admin/recommender").status_code == 403
    assert client.post("/admin/recommender/train").status_code == 403
