"""Retraining keeps MODEL_KEEP_VERSIONS versions on disk and never removes the one served."""

import pytest

from recommender.artifacts import list_versions
from webapp.recommendations.training import served_version, train_model


@pytest.fixture
def trainer(seeded_app):
    if seeded_app.config["TEST_BACKEND"] != "sqlite":
        pytest.skip("the model directory does not depend on the database")
    seeded_app.config["MODEL_KEEP_VERSIONS"] = 3
    model_dir = seeded_app.config["MODEL_DIR"]

    def train() -> str:
        with seeded_app.app_context():
            return train_model(model_dir, evaluate=False).version

    return train, model_dir


def test_retraining_five_times_keeps_three_versions(trainer):
    train, model_dir = trainer
    made = [train() for _ in range(5)]
    assert [p.name for p in list_versions(model_dir)] == made[:1:-1]
    assert served_version(model_dir) == made[-1]


def test_retraining_never_removes_the_version_served(trainer):
    train, model_dir = trainer
    served = train()
    for _ in range(5):
        # Each new version is unreadable, so pages keep serving the first one.
        (model_dir / train() / "item_ids.npy").unlink()
        assert served_version(model_dir) == served
    names = [p.name for p in list_versions(model_dir)]
    assert len(names) == 4 and names[-1] == served
