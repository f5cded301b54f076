"""`flask --app wsgi recommender ...`: train now, train on a schedule, show what is served.

Every run goes through the job runner's "training" record, so the admin page
shows its stage and progress wherever it was started, and a run started here
never overlaps one started from the page.
"""

import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from webapp import jobs
from webapp.recommendations import background
from webapp.recommendations.training import served_version, train_model

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


def _train_once(engine, quick: bool, queued: bool) -> str | None:
    """One run through the job runner, a line per stage; None when it succeeded, else why not."""
    record = jobs.NamedJob(background.JOB)
    if not queued and not record.request():
        return "a training run is already going (from the admin page or another command)."
    lines = jobs.StageLines()
    summary: list[str] = []

    def work(report: jobs.Report) -> str:
        def both(stage: str, fraction: float) -> None:
            lines(stage, fraction)
            report(stage, fraction)

        result = train_model(
            current_app.config["MODEL_DIR"],
            progress=both,
            evaluate=not quick,
            engine=engine,
            context=not quick,
        )
        summary.append(result.describe())
        return summary[0]

    failure = jobs.run(record, work)
    lines.close()
    if not failure:
        click.echo(summary[0])
    return failure


def _tuned_model_served() -> bool:
    """True when the model pages serve was tuned (not a --quick fit)."""
    from webapp.recommendations.store import ModelStore

    store = ModelStore(current_app.config["MODEL_DIR"])
    model = store.get()
    return model is not None and "tuned_params" in model.metrics


@recommender_cli.command("train")
@click.option("--every", default=None, help="Keep running and retrain on this interval (e.g. 6h).")
@click.option("--if-missing", is_flag=True, help="Only train when no model has been saved yet.")
@click.option(
    "--if-untuned",
    is_flag=True,
    help="Only train when the model served was not tuned (none yet, or a --quick fit).",
)
@click.option(
    "--quick",
    is_flag=True,
    help="Fit with the site's default parameters: no tuning and no offline check (seconds).",
)
@click.option(
    "--background",
    "in_background",
    is_flag=True,
    help="Start the run as a background job, as the admin page's Train now does, and return.",
)
@click.option("--queued", is_flag=True, hidden=True, help="Run the job a worker has queued.")
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
def train_command(
    every: str | None,
    if_missing: bool,
    if_untuned: bool,
    quick: bool,
    in_background: bool,
    queued: bool,
    engine: str,
    master: str | None,
) -> None:
    """Fit a new model on the event log and save it; pages switch to it within seconds."""
    interval = _parse_every(every) if every else None
    if in_background and (every or quick or engine != "embedded"):
        raise click.BadParameter(
            "--background runs one tuned embedded training; leave out --every, --quick and --engine",
            param_hint="--background",
        )
    chosen = _engine(engine, master)
    if if_missing and served_version(current_app.config["MODEL_DIR"]):
        click.echo("A model exists already; not training.")
        return
    if if_untuned and _tuned_model_served():
        click.echo("A tuned model is served already; not training.")
        return
    if in_background:
        if not _start_in_background():
            click.echo("A training run is already going.")
        return
    while True:
        failure = _train_once(chosen, quick, queued)
        if failure:
            click.echo(f"Error: {failure}", err=True)
            if interval is None:
                sys.exit(2)
        if interval is None:
            return
        queued = False
        click.echo(f"next training in {every}")
        time.sleep(interval)


def _start_in_background() -> bool:
    started = background.start()
    if started:
        click.echo(
            "Training started in the background; pages switch to the new model when it is "
            "saved (`flask --app wsgi recommender status`, or the admin page, follows it)."
        )
    return started


@recommender_cli.command("status")
def status_command() -> None:
    """Say which model this app would serve, or why there is none."""
    from webapp.recommendations.store import model_store

    click.echo(describe_job(background.status()))
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


def describe_job(job: jobs.JobStatus) -> str:
    """The training job in one line: running (stage, percent), or how the last run ended."""
    if job.running:
        return f"Training: {job.state}, {job.stage} ({job.percent} %)."
    if job.state == "failed":
        return f"Training: the last run failed: {job.error}"
    if job.state == "done":
        return f"Training: the last run finished: {job.summary}"
    return "Training: no run recorded."


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
