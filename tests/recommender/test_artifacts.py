"""Versioned model files: atomic layout, corruption detection, newest valid wins."""

import json

import pytest

from recommender import HybridRecommender, ModelError, load_latest, load_model, save_model
from recommender.artifacts import list_versions


@pytest.fixture(scope="module")
def two_models(planted):
    inter, feats, _ = planted
    return (
        HybridRecommender(lam=5.0).fit(inter, feats),
        HybridRecommender(lam=10.0).fit(inter, feats),
    )


def test_layout_and_no_temporary_leftovers(two_models, tmp_path):
    path = save_model(two_models[0], tmp_path)
    assert path.parent == tmp_path and path.name == two_models[0].version
    names = {p.name for p in path.iterdir()}
    assert {"meta.json", "manifest.json", "B.npy"} <= names
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]
    manifest = json.loads((path / "manifest.json").read_text())
    assert set(manifest) == names - {"manifest.json"}
    loaded = load_model(path)
    assert not loaded.B.flags.writeable  # memory-mapped read-only
    with pytest.raises(ValueError, match="immutable"):
        save_model(two_models[0], tmp_path)


def test_load_latest_prefers_newest_and_skips_a_broken_one(two_models, tmp_path):
    old, new = two_models
    save_model(old, tmp_path)
    p_new = save_model(new, tmp_path)
    assert list_versions(tmp_path)[0] == p_new
    assert load_latest(tmp_path).version == new.version
    (p_new / "B.npy").write_bytes(b"garbage")
    assert load_latest(tmp_path).version == old.version


def test_flipped_byte_is_detected(two_models, tmp_path):
    path = save_model(two_models[0], tmp_path)
    f = path / "B.npy"
    data = bytearray(f.read_bytes())
    data[-3] ^= 0xFF
    f.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="SHA-256"):
        load_model(path)


def test_missing_files_and_dirs_raise_model_error(two_models, tmp_path):
    with pytest.raises(ModelError, match="no model"):
        load_latest(tmp_path / "nowhere")
    path = save_model(two_models[0], tmp_path)
    (path / "item_ids.npy").unlink()
    with pytest.raises(ModelError, match="missing"):
        load_model(path)
    (path / "manifest.json").unlink()
    with pytest.raises(ModelError, match="missing"):
        load_latest(tmp_path)


def test_train_and_save_keeps_the_newest_versions(planted, tmp_path):
    from recommender.train import train_and_save

    inter, feats, _ = planted
    stages = []
    for _ in range(3):
        model, _path = train_and_save(
            inter,
            feats,
            tmp_path,
            params={"lam": 5.0},
            keep=2,
            progress=lambda s, f: stages.append(s),
        )
    assert [p.name for p in list_versions(tmp_path)] == sorted(
        [p.name for p in list_versions(tmp_path)], reverse=True
    )
    assert len(list_versions(tmp_path)) == 2
    assert load_latest(tmp_path).version == model.version
    assert load_latest(tmp_path).metrics["n_users"] == model.n_users
    assert "ease" in stages and "saved" in stages


def test_prune_versions_never_removes_a_protected_version(planted, tmp_path):
    from recommender.train import train_and_save

    inter, feats, _ = planted
    _, served = train_and_save(inter, feats, tmp_path, params={"lam": 5.0}, keep=3)
    for _ in range(5):
        train_and_save(inter, feats, tmp_path, params={"lam": 5.0}, keep=3, protect=[served.name])
    names = [p.name for p in list_versions(tmp_path)]
    assert len(names) == 4 and names[-1] == served.name
