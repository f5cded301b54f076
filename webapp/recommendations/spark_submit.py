"""Training as a Spark application: `spark-submit webapp/recommendations/spark_submit.py`.

spark-submit chooses the master, the deploy mode and the resources; this runs
the site's training (`training.train_model`) with the Spark engine on the
session it was given, reading the database named by DATABASE_URL and writing
the model to MARQUEE_MODEL_DIR, as `flask --app wsgi recommender train
--engine spark` does. The driver runs Marquee; the executors need only Spark
and read the export directory, so it must be a path they share.
"""

import sys

from flask import Flask


def main(app: Flask | None = None) -> int:
    from pyspark.sql import SparkSession

    from webapp import create_app
    from webapp.recommendations.spark_engine import SparkEngine
    from webapp.recommendations.training import TrainingError, train_model

    app = app or create_app()
    spark = SparkSession.builder.appName("marquee-training").getOrCreate()
    with app.app_context():
        engine = SparkEngine(app.config["EVENTS_EXPORT_DIR"], spark=spark)
        try:
            result = train_model(app.config["MODEL_DIR"], engine=engine)
        except TrainingError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            return 2
    print(result.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
