"""`flask --app wsgi recommender ...`: train now, train on a schedule, show what is served."""

import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup
from tqdm import tqdm

from webapp.recommendations.training import TrainingError, train_model

recommender_cli = AppGroup("recommender", help="Train and inspect the recommender model.")


def _parse_every(text: str) -> float:
    """'30m', '6h', '1d' -> seconds."""
    units = {"m": 60, "h": 3600, "d": 86400}
    try:
        value, unit = float(text[:-1]), units[text[-1].lower()]
    except (KeyError, ValueError, IndexError):
        raise click.BadParameter("use a number followed by m, h or d, e.g. 6h") from None
    if value <= 0:
        raise click.BadParameter("must be positive")
    return value * unit


def _engine(name: str, master: str | None):
    """None for in-process training, or the Spark engine with the app's settings."""
    if name != "spark":
        if master:
            raise click.BadParameter("--master goes with --engine spark", param_hint="--master")
        return None
    from webapp.recommendations.spark_engine import SparkEngine, check_master

    config = current_app.config
    try:
        master = check_master(master or config["SPARK_MASTER"])
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--master") from None
    return SparkEngine(
        config["EVENTS_EXPORT_DIR"],
        master=master,
        driver_memory=config["SPARK_DRIVER_MEMORY"],
        shuffle_partitions=config["SPARK_SHUFFLE_PARTITIONS"],
    )


def _train_once(engine=None) -> None:
    bar = tqdm(total=100, unit="%", desc="training", leave=False)

    def progress(stage: str, fraction: float) -> None:
        bar.set_description(stage[:40])
        bar.n = int(fraction * 100)
        bar.refresh()

    try:
        result = train_model(current_app.config["MODEL_DIR"], progress=progress, engine=engine)
    finally:
        bar.close()
    click.echo(result.describe())


@recommender_cli.command("train")
@click.option("--every", default=None, help="Keep running and retrain on this interval (e.g. 6h).")
@click.option("--if-missing", is_flag=True, help="Only train when no model has been saved yet.")
@click.option(
    "--engine",
    type=click.Choice(["embedded", "spark"]),
    default="embedded",
    show_default=True,
    help="Where feedback and EASE's Gram matrix are computed: here, or on Apache Spark "
    "(over the Parquet export of the event log, brought up to date first).",
)
@click.option(
    "--master",
    default=None,
    help="Spark master for --engine spark: local[N], spark://HOST:PORT, k8s://... "
    "(default: SPARK_MASTER).",
)
def train_command(every: str | None, if_missing: bool, engine: str, master: str | None) -> None:
    """Fit a new model on the event log and save it; pages switch to it within seconds."""
    from recommender.artifacts import list_versions

    interval = _parse_every(every) if every else None
    chosen = _engine(engine, master)
    if if_missing and list_versions(current_app.config["MODEL_DIR"]):
        click.echo("A model exists already; not training.")
        return
    while True:
        try:
            _train_once(chosen)
        except TrainingError as exc:
            click.echo(f"Error: {exc}", err=True)
            if interval is None:
                sys.exit(2)
        if interval is None:
            return
        click.echo(f"next training in {every}")
        time.sleep(interval)


@recommender_cli.command("status")
def status_command() -> None:
    """Say which model this app would serve, or why there is none."""
    from webapp.recommendations.store import model_store

    store = model_store()
    model = store.get()
    if model is None:
        click.echo(f"No model: {store.error}. Pages show popularity rows.")
        return
    metrics = {k: v for k, v in model.metrics.items() if k != "context"}
    click.echo(
        f"Model {store.version}: {model.n_items:,} titles, {model.n_users:,} profiles, "
        f"trained {model.trained_at}; metrics {metrics}"
    )
    click.echo(describe_context(model.metrics.get("context")))


def describe_context(summary: dict | None) -> str:
    """The context stage's decision and holdout figures, in a few lines."""
    if not summary:
        return "Time of day and device: not measured for this version (trained before the stage)."
    state = "ON" if summary.get("enabled") else "off"
    head = (
        f"Time of day and device: {state} ({summary.get('why')}); rule: "
        f"{summary.get('rule', 'not applied')}; "
        f"{summary.get('profiles_with_pattern', 0)} profiles with a context pattern."
    )
    lines = [head]
    for name, f in (summary.get("figures") or {}).items():
        lines.append(
            f"  {name:<18} {f['requests']:>5} requests  NDCG@10 {f['ndcg@10']:.4f} -> "
            f"{f['ndcg@10_context']:.4f}  recall@10 {f['recall@10']:.4f} -> "
            f"{f['recall@10_context']:.4f}"
        )
    return "\n".join(lines)
