"""Training on Apache Spark: what needs every event, computed over the Parquet export.

`recommender train --engine spark` brings the export up to date
(`webapp.activity.parquet_log`), then Spark computes, from those files, the
feedback weights (the rules of `recommender.data.events_to_feedback`, written
as DataFrame code), each title's popularity and EASE's Gram matrix ``X'X``
over the head titles. The driver collects the feedback pairs (a model keeps
every profile's history to serve it) and the Gram matrix; the solve and the
content model run in the library, as for the embedded engine, and the model
is saved in the same format.

The Gram matrix is summed from partitions of profiles: each partition's
``X_p'X_p`` comes from the library's own `gram_blocks` (a block of columns at
a time), and the blocks are added up per column block. A self-join of each
profile's titles would make ``sum(n_u^2)`` rows, which grows with the square
of a profile's history (figures in benchmarks/RESULTS.md). So the executors
need Python with numpy, scipy and pyarrow; the `recommender` package itself
is shipped to them with the job.
"""

import atexit
import os
import re
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import numpy as np

import recommender
from recommender import HeadGram, Interactions, head_titles
from recommender.data import DEFAULT_HALF_LIFE_DAYS, FEEDBACK_WEIGHTS
from webapp.activity import vocabulary as ev
from webapp.activity.parquet_log.export import export_events
from webapp.activity.parquet_log.manifest import manifest_files, read_manifest
from webapp.activity.parquet_log.parts import SCHEMA
from webapp.recommendations.feedback import to_unix
from webapp.recommendations.training import TrainingError

MASTER = re.compile(r"^(local(\[(\d+|\*)(,\d+)?\])?|spark://\S+|k8s://\S+|yarn)$")


def check_master(master: str) -> str:
    """The master URL, or ValueError naming the accepted forms."""
    if not MASTER.match(master or ""):
        raise ValueError(
            f"{master!r} is not a Spark master; use local, local[N], spark://HOST:PORT, "
            "k8s://https://HOST:PORT or yarn."
        )
    return master


def start_session(
    master: str | None,
    driver_memory: str = "1g",
    shuffle_partitions: int = 4,
    conf: dict[str, str] | None = None,
):
    """A SparkSession for training (master None: the one spark-submit chose).

    `conf`: further Spark settings, over these defaults.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise TrainingError(
            "PySpark is not installed; install Marquee with the spark extra "
            "(`pip install -e '.[spark]'`) and a Java 17 runtime."
        ) from exc
    builder = (
        SparkSession.builder.appName("marquee-training")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        # The Gram matrix and the feedback pairs come back whole to the driver.
        .config("spark.driver.maxResultSize", "0")
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    if master:
        builder = builder.master(check_master(master))
    if not master or master.startswith("local"):
        # Local executors run this interpreter (with its numpy and scipy), not
        # whichever `python3` comes first on PATH; PySpark reads it at start.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        return builder.getOrCreate()
    except Exception as exc:  # Spark reports a missing Java as a runtime error of its own
        raise TrainingError(
            f"could not start Spark ({exc}); it needs a Java 17+ runtime on PATH or "
            "JAVA_HOME (Debian: apt-get install openjdk-17-jre-headless)."
        ) from exc


def event_schema() -> str:
    """The export's schema as Spark DDL: given to the reader, it skips opening every footer."""
    spark_types = {"int16": "short", "int64": "long", "double": "double", "string": "string"}
    return ", ".join(f"{f.name} {spark_types.get(str(f.type), 'timestamp')}" for f in SCHEMA)


def feedback_frame(events, now: float, half_life_days: float = DEFAULT_HALF_LIFE_DAYS):
    """(profile_id, title_id, weight, last_ts) per pair, as `events_to_feedback` weighs them.

    `events`: the exported event log. Later means a later time, then a higher
    id (the in-process path sorts the log by time, stably, in id order).
    """
    from pyspark.sql import functions as F

    w = FEEDBACK_WEIGHTS
    kind, value, duration = F.col("type"), F.col("value"), F.col("duration")
    stamp = F.col("occurred_at")
    # Whole seconds plus the microseconds, added as `feedback.to_unix` adds them.
    ts = F.unix_seconds(stamp).cast("double") + (F.unix_micros(stamp) % 1_000_000) / 1e6
    fraction = F.when(kind.isin(*ev.WATCHED) & (duration > 0), value / duration).otherwise(value)
    e = events.where(kind.isin(*ev.FEEDBACK) & F.col("title_id").isNotNull()).select(
        F.col("profile_id"),
        F.col("title_id"),
        F.col("id"),
        kind.alias("type"),
        ts.alias("ts"),
        fraction.alias("val"),
    )
    is_play = F.col("type").isin(*ev.WATCHED)
    val = F.col("val")
    progress = F.when(val.isNull() | F.isnan(val), 0.0).otherwise(
        F.least(F.greatest(val, F.lit(0.0)), F.lit(1.0))
    )

    def latest(types):
        """The pair's last event among `types`, as a struct (null when none)."""
        return F.max(F.when(F.col("type").isin(*types), F.struct("ts", "id", "type", "val")))

    pairs = e.groupBy("profile_id", "title_id").agg(
        F.max("ts").alias("last_ts"),
        F.max(F.when(is_play, progress)).alias("max_prog"),
        F.max(F.col("type") == ev.COMPLETE).alias("completed"),
        F.max(F.col("type") == ev.CLICK).alias("clicked"),
        latest(ev.WATCHED).alias("last_play"),
        latest(ev.RATINGS).alias("last_rating"),
        latest(ev.MY_LIST).alias("last_list"),
    )
    max_prog = F.col("max_prog")
    played = max_prog.isNotNull()
    early = (
        played
        & ~F.col("completed")
        & (F.col("last_play.type") == ev.ABANDON)
        & (max_prog < w["early_abandon_progress"])
    )
    play = (
        F.when(F.col("completed"), w["complete"])
        .when(early, w["early_abandon"])
        .when(played, w["start"] + w["progress"] * F.greatest(max_prog, F.lit(0.0)))
        .otherwise(0.0)
    )
    rated = F.when(F.col("last_rating.type") == ev.RATE, F.col("last_rating.val"))
    rating = F.when(rated >= 2, w["love"]).when(rated > 0, w["thumbs_up"]).otherwise(0.0)
    on_list = F.coalesce(F.col("last_list.type") == ev.LIST_ADD, F.lit(False))
    weight = (
        play
        + rating
        + F.when(on_list, w["list"]).otherwise(0.0)
        + F.when(F.col("clicked"), w["click"]).otherwise(0.0)
    )
    weight = F.when(F.coalesce(rated < 0, F.lit(False)), w["thumbs_down"]).otherwise(weight)
    if half_life_days is not None:
        age_days = F.greatest(F.lit(float(now)) - F.col("last_ts"), F.lit(0.0)) / 86400.0
        weight = weight * F.pow(F.lit(0.5), age_days / float(half_life_days))
    return (
        pairs.select("profile_id", "title_id", weight.alias("weight"), "last_ts")
        .where(F.col("weight") != 0)
        # The library keeps weights in float32: popularity and X'X are taken from those.
        .withColumn("weight", F.col("weight").cast("float"))
    )


def popularity_frame(feedback):
    """(title_id, pop): profiles with positive feedback on each title."""
    from pyspark.sql import functions as F

    return feedback.where(F.col("weight") > 0).groupBy("title_id").agg(F.count("*").alias("pop"))


#: Bytes of one block of Gram columns sent between executors and to the driver.
_BLOCK_BYTES = 64 * 2**20

_BLOCK_SCHEMA = "start int, stop int, g binary"


def executor_steps(n: int, block: int):
    """The executors' two steps of the Gram matrix, as (partial_grams, summed_blocks).

    Closures, so that Spark's cloudpickle sends them by value: an executor
    needs numpy, scipy, pyarrow and the shipped `recommender` package, never
    this site (a module-level function would be sent by reference, and the
    executor would import `webapp` to find it).
    """

    def block_batch(start: int, stop: int, columns: np.ndarray):
        import pyarrow as pa

        return pa.RecordBatch.from_pydict(
            {"start": [start], "stop": [stop], "g": [columns.tobytes()]},
            schema=pa.schema([("start", pa.int32()), ("stop", pa.int32()), ("g", pa.binary())]),
        )

    def partial_grams(batches):
        """Each partition's ``X_p'X_p`` as blocks of columns.

        A partition holds whole profiles (rows ``profile_id, pos, w``); its
        profiles become the rows of ``X_p``.
        """
        import pyarrow as pa
        import scipy.sparse as sp

        from recommender.collaborative import gram_blocks

        table = pa.Table.from_batches(list(batches))
        if not table.num_rows:
            return
        _, rows = np.unique(table.column("profile_id").to_numpy(), return_inverse=True)
        X = sp.csr_matrix(
            (table.column("w").to_numpy(), (rows, table.column("pos").to_numpy())),
            shape=(int(rows.max()) + 1, n),
            dtype=np.float32,
        )
        del table
        for start, stop, columns in gram_blocks(X, block):
            yield block_batch(start, stop, columns)

    def summed_blocks(batches):
        """The partitions' blocks of one column range, added up (float32, as the library's X'X)."""
        sums: dict[tuple[int, int], np.ndarray] = {}
        for batch in batches:
            columns_of = zip(*(batch.column(k).to_pylist() for k in range(3)), strict=True)
            for start, stop, g in columns_of:
                columns = np.frombuffer(g, dtype=np.float32)
                if (start, stop) in sums:
                    sums[(start, stop)] += columns
                else:
                    sums[(start, stop)] = columns.copy()
        for (start, stop), columns in sums.items():
            yield block_batch(start, stop, columns)

    return partial_grams, summed_blocks


def gram_matrix(feedback, head, n: int, partitions: int, block: int | None = None) -> np.ndarray:
    """``X'X`` over the head titles, dense float32 ``n x n`` on the driver.

    `head`: a DataFrame (title_id, pos), ``pos`` in ``range(n)``. Profiles are
    spread over `partitions`; each partition's product is summed with the
    others' one block of `block` columns at a time (by default as many as fit
    in 64 MiB), then collected block by block.
    """
    from pyspark.sql import functions as F

    ship_library(feedback.sparkSession)  # the partitions' step runs the library's gram_blocks
    block = block or max(1, min(n, _BLOCK_BYTES // (4 * max(n, 1))))
    x = (
        feedback.where(F.col("weight") > 0)
        .join(F.broadcast(head), "title_id")
        .select("profile_id", "pos", F.col("weight").alias("w"))
        .repartition(partitions, "profile_id")
    )
    partial_grams, summed_blocks = executor_steps(n, block)
    partial = x.mapInArrow(partial_grams, _BLOCK_SCHEMA)
    n_blocks = -(-n // block)
    summed = partial.repartition(min(n_blocks, partitions), "start").mapInArrow(
        summed_blocks, _BLOCK_SCHEMA
    )
    G = np.zeros((n, n), dtype=np.float32)
    for row in summed.toLocalIterator():
        G[:, row.start : row.stop] = np.frombuffer(row.g, dtype=np.float32).reshape(n, -1)
    return G


#: The applicationId of each SparkContext of this process that has the library already.
_shipped: set[str] = set()


def ship_library(spark) -> None:
    """Send the `recommender` package to the executors (a zip on their Python path).

    Once per SparkContext: a long-lived process trains again and again on the
    same session. The zip is removed when the process ends (Spark serves it
    from its path until then).
    """
    context = spark.sparkContext
    if context.applicationId in _shipped:
        return
    package = Path(recommender.__file__).parent
    folder = Path(tempfile.mkdtemp(prefix="marquee-spark-"))
    atexit.register(shutil.rmtree, folder, True)
    archive = shutil.make_archive(str(folder / "recommender"), "zip", package.parent, package.name)
    context.addPyFile(archive)
    _shipped.add(context.applicationId)


class SparkEngine:
    """The Spark side of `training.train_model`: feedback and EASE's Gram matrix."""

    name = "spark"

    def __init__(
        self,
        export_dir: str | Path,
        master: str | None = None,
        spark=None,
        driver_memory: str = "1g",
        shuffle_partitions: int = 4,
    ):
        self.export_dir = Path(export_dir)
        self.master = check_master(master) if master else None
        self._spark = spark
        self._options = (driver_memory, shuffle_partitions)
        self._feedback = None
        self.export = None

    @property
    def spark(self):
        if self._spark is None:
            self._spark = start_session(self.master, *self._options)
        return self._spark

    def feedback(self, now: datetime, report=None) -> Interactions:
        """Export new events, then every profile's feedback computed on Spark."""
        from webapp.activity.parquet_log.manifest import ExportError

        try:
            self.export = export_events(self.export_dir)
        except ExportError as exc:
            raise TrainingError(f"could not export the event log: {exc}") from exc
        paths = manifest_files(self.export_dir, read_manifest(self.export_dir))
        return self.feedback_of(paths, now)

    def feedback_of(self, paths: list[Path], now: datetime) -> Interactions:
        """Every profile's feedback from these Parquet files of the log, computed on Spark."""
        if not paths:
            self._feedback = None
            return Interactions(np.empty(0, np.int64), np.empty(0, np.int64))
        events = self.spark.read.schema(event_schema()).parquet(*map(str, paths))
        self._feedback = feedback_frame(events, to_unix(now)).persist()
        table = self._feedback.toArrow()
        users = table.column("profile_id").to_numpy()
        items = table.column("title_id").to_numpy()
        order = np.lexsort((items, users))  # the library's pair order: by profile, then title
        return Interactions(
            users[order],
            items[order],
            table.column("weight").to_numpy()[order],
            table.column("last_ts").to_numpy()[order],
        )

    def fit_inputs(self, inter: Interactions, features, params: dict) -> dict:
        """`HybridRecommender.fit` keywords: the Gram matrix over the head titles, from Spark."""
        from recommender import HybridRecommender

        if self._feedback is None:
            return {}
        pops = self._feedback.transform(popularity_frame).toArrow()
        # The titles of the fit: those with feedback and the catalog's (as the library sees them).
        items = np.unique(inter.item_ids)
        if features is not None:
            items = np.union1d(items, features.item_ids)
        pop = np.zeros(len(items), dtype=np.float32)
        pop[np.searchsorted(items, pops.column("title_id").to_numpy())] = pops.column(
            "pop"
        ).to_numpy()
        max_items = HybridRecommender(**params).max_cf_items
        head = head_titles(pop, max_items)
        head_ids = items[head]
        head_df = self.spark.createDataFrame(
            [(int(t), p) for p, t in enumerate(head_ids.tolist())], "title_id long, pos int"
        )
        partitions = int(self.spark.conf.get("spark.sql.shuffle.partitions"))
        G = gram_matrix(self._feedback, head_df, len(head), partitions)
        self._feedback.unpersist()
        return {"gram": HeadGram(item_ids=head_ids, matrix=G, pop=pop[head])}
