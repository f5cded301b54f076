"""Training on Apache Spark (local mode) gives the model the in-process training gives.

Spark runs for real here: Java and the spark extra are required, and a missing
Java runtime fails these tests rather than skipping them.
"""

import numpy as np
import pytest

from recommender.artifacts import load_model
from webapp.models.base import utcnow
from webapp.recommendations.feedback import training_feedback
from webapp.recommendations.spark_engine import SparkEngine, start_session
from webapp.recommendations.training import train_model


@pytest.fixture(scope="session")
def spark():
    session = start_session("local[1]", driver_memory="512m", shuffle_partitions=2)
    yield session
    session.stop()


def test_spark_feedback_weighs_pairs_as_the_library_does(seeded_app, spark, tmp_path):
    with seeded_app.app_context():
        now = utcnow()
        local = training_feedback(now=now)
        remote = SparkEngine(tmp_path / "events", spark=spark).feedback(now)
    assert len(local) > 100
    np.testing.assert_array_equal(remote.user_ids, local.user_ids)
    np.testing.assert_array_equal(remote.item_ids, local.item_ids)
    np.testing.assert_array_equal(remote.timestamps, local.timestamps)
    np.testing.assert_allclose(remote.weights, local.weights, rtol=1e-6, atol=0)
    # Every rule shows up in the demo log: dislikes, early abandons, loves.
    assert (local.weights < 0).any() and (local.weights > 2).any()


def test_spark_training_gives_the_same_model_and_top_20(seeded_app, spark, tmp_path):
    with seeded_app.app_context():
        now = utcnow()
        embedded = train_model(tmp_path / "embedded", now=now, evaluate=False)
        engine = SparkEngine(tmp_path / "events", spark=spark)
        on_spark = train_model(tmp_path / "spark", now=now, evaluate=False, engine=engine)
    a, b = load_model(embedded.path), load_model(on_spark.path)
    assert b.metrics["engine"] == "spark" and a.metrics["engine"] == "embedded"
    np.testing.assert_array_equal(b.item_ids, a.item_ids)
    np.testing.assert_array_equal(b.user_ids, a.user_ids)
    np.testing.assert_array_equal(b.cf_items, a.cf_items)
    assert a.B.shape[0] > 50
    scale = float(np.abs(a.B).max())
    np.testing.assert_allclose(b.B, a.B, rtol=1e-4, atol=1e-5 * scale)
    for user in a.user_ids.tolist():
        top_a = [r.item_id for r in a.recommend(user, k=20)]
        top_b = [r.item_id for r in b.recommend(user, k=20)]
        assert top_b == top_a, f"profile {user}"
    # The Parquet export the engine brought up to date is what it read.
    assert engine.export is not None and engine.export.rows_total > 0


def test_cli_trains_on_spark_and_refuses_a_bad_master(seeded_app, spark, tmp_path):
    seeded_app.config["EVENTS_EXPORT_DIR"] = tmp_path / "events"
    runner = seeded_app.test_cli_runner()
    bad = runner.invoke(args=["recommender", "train", "--engine", "spark", "--master", "nowhere"])
    assert bad.exit_code == 2 and "not a Spark master" in bad.output
    result = runner.invoke(
        args=["recommender", "train", "--engine", "spark", "--master", "local[1]"]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote model" in result.output
    assert (tmp_path / "events" / "manifest.json").exists()


def test_spark_submit_entry_point_reports_an_empty_log(app, spark, tmp_path, capsys):
    from webapp.recommendations import spark_submit

    app.config["EVENTS_EXPORT_DIR"] = tmp_path / "events"
    assert spark_submit.main(app) == 2
    assert "interactions logged" in capsys.readouterr().err
    assert (tmp_path / "events").is_dir()


def test_gram_summed_over_partitions_and_column_blocks_is_the_library_one(spark):
    import scipy.sparse as sp

    from recommender.collaborative import gram_matrix as library_gram
    from webapp.recommendations.spark_engine import gram_matrix

    rng = np.random.default_rng(7)
    users = rng.integers(1, 400, 6000)
    items = rng.integers(1, 90, 6000)
    key = np.unique(users * 1000 + items)
    users, items = key // 1000, key % 1000
    weights = rng.choice([-1.0, 0.5, 1.0, 2.5], len(key)).astype(np.float32)
    feedback = spark.createDataFrame(
        list(zip(users.tolist(), items.tolist(), weights.tolist(), strict=True)),
        "profile_id long, title_id long, weight float",
    )
    head_ids = np.unique(items)[::2]  # every other title enters the head
    head = spark.createDataFrame(
        [(int(t), p) for p, t in enumerate(head_ids.tolist())], "title_id long, pos int"
    )
    # Five profile partitions, column blocks of 7 titles: every sum crosses both.
    G = gram_matrix(feedback, head, len(head_ids), partitions=5, block=7)

    kept = (weights > 0) & np.isin(items, head_ids)
    X = sp.csr_matrix(
        (weights[kept], (users[kept], np.searchsorted(head_ids, items[kept]))),
        shape=(int(users.max()) + 1, len(head_ids)),
    )
    expected = library_gram(X)
    assert expected.shape == (45, 45) and (expected > 0).sum() > 1000
    np.testing.assert_allclose(G, expected, rtol=1e-6)


EXECUTOR = """
import pickle
import sys

import numpy as np
import pyarrow as pa

sys.modules["webapp"] = None  # an executor has the recommender library, not the site
partial_grams, summed_blocks = pickle.loads(open(sys.argv[1], "rb").read())
rows = pa.RecordBatch.from_pydict(
    {"profile_id": [1, 1, 2, 3], "pos": [0, 2, 2, 1], "w": [1.0, 2.0, 3.0, 0.5]},
    schema=pa.schema([("profile_id", pa.int64()), ("pos", pa.int32()), ("w", pa.float32())]),
)
G = np.zeros((3, 3), dtype=np.float32)
for batch in summed_blocks(list(partial_grams([rows]))):
    start, stop = batch.column("start")[0].as_py(), batch.column("stop")[0].as_py()
    G[:, start:stop] = np.frombuffer(batch.column("g")[0].as_py(), np.float32).reshape(3, -1)
print(G.tolist())
"""


def test_the_executors_steps_run_where_only_the_recommender_library_is_installed(tmp_path):
    """A cluster's executors get the `recommender` zip; the site itself is not installed there."""
    import ast
    import subprocess
    import sys

    from pyspark import cloudpickle

    from webapp.recommendations.spark_engine import executor_steps

    steps = tmp_path / "steps.pickle"
    steps.write_bytes(cloudpickle.dumps(executor_steps(3, 2)))
    (tmp_path / "executor.py").write_text(EXECUTOR)
    done = subprocess.run(
        [sys.executable, str(tmp_path / "executor.py"), str(steps)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    X = np.array([[1.0, 0, 2.0], [0, 0, 3.0], [0, 0.5, 0]], dtype=np.float32)
    np.testing.assert_allclose(ast.literal_eval(done.stdout), X.T @ X)


def test_the_library_is_shipped_once_per_session(spark, monkeypatch):
    """Each training on a long-lived session would otherwise zip it again and leave the zip."""
    from webapp.recommendations import spark_engine

    archives = []
    make_archive = spark_engine.shutil.make_archive

    def counted(*args, **kwargs):
        archives.append(args[0])
        return make_archive(*args, **kwargs)

    monkeypatch.setattr(spark_engine.shutil, "make_archive", counted)
    spark_engine.ship_library(spark)
    spark_engine.ship_library(spark)
    assert len(archives) <= 1
    assert spark.sparkContext.applicationId in spark_engine._shipped
