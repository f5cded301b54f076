"""`flask --app wsgi events ...`: the event log for other engines, and its monthly partitions."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

events_cli = AppGroup("events", help="Export the event log; manage its monthly partitions.")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@events_cli.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
def export_command(directory: Path) -> None:
    """Write new events to DIRECTORY as Parquet (one folder per day); rerun to add new ones."""
    from webapp.activity.parquet_log.export import export_events
    from webapp.activity.parquet_log.manifest import ExportError

    try:
        summary = export_events(directory)
    except ExportError as exc:
        _fail(str(exc))
    click.echo(summary.describe(directory))


@events_cli.command("partitions")
@click.option(
    "--ahead",
    default=3,
    show_default=True,
    type=click.IntRange(0, 120),
    help="Months after this one to create partitions for.",
)
def partitions_command(ahead: int) -> None:
    """Create the monthly partitions of the events table ahead of time (PostgreSQL)."""
    from webapp.activity import partitions
    from webapp.extensions import db

    with db.engine.begin() as connection:
        if not partitions.is_partitioned(connection):
            click.echo("The events table is not partitioned on this database; nothing to do.")
            return
        created = partitions.create_ahead(connection, ahead)
        months = partitions.existing(connection)
    made = ", ".join(f"{m:%Y-%m}" for m in created) or "none"
    click.echo(
        f"Created: {made}. Partitions: {len(months)}, {months[0].month:%Y-%m} to "
        f"{months[-1].month:%Y-%m}."
    )


@events_cli.command("drop-months")
@click.option("--before", "before", required=True, help="Drop every month before this (YYYY-MM).")
@click.option(
    "--export",
    "export_dir",
    type=click.Path(path_type=Path),
    help="The Parquet export that must hold those months (default: EVENTS_EXPORT_DIR).",
)
def drop_months_command(before: str, export_dir: Path | None) -> None:
    """Drop old months of events, each only once the Parquet export holds all of it."""
    from webapp.activity import partitions
    from webapp.activity.parquet_log.manifest import (
        ExportError,
        archive_month,
        month_exported,
        read_manifest,
    )
    from webapp.extensions import db
    from webapp.models.base import utcnow

    try:
        limit = partitions.parse_month(before)
    except ValueError as exc:
        _fail(str(exc))
    if limit > partitions.month_of(utcnow()):
        _fail(f"{before} is after this month; only past months can be dropped.")
    root = export_dir or Path(current_app.config["EVENTS_EXPORT_DIR"])
    try:
        manifest = read_manifest(root)
    except ExportError as exc:
        _fail(str(exc))
    dropped = []
    with db.engine.connect() as connection:
        with connection.begin():
            if not partitions.is_partitioned(connection):
                _fail("the events table is not partitioned on this database (PostgreSQL only).")
            old = [p for p in partitions.existing(connection) if p.month < limit]
        for part in old:
            key = f"{part.month:%Y-%m}"
            with connection.begin():
                rows, top = partitions.month_extent(connection, part.month)
                if not month_exported(manifest, key, rows, top):
                    _fail(
                        f"{key} holds events the export at {root} does not; run "
                        f"`flask --app wsgi events export {root}` first."
                    )
                partitions.drop_month(connection, part.month)
                # Marked before the drop commits: an export run never sees the month
                # gone from the database without knowing it was archived.
                archive_month(root, key)
            dropped.append(key)
    click.echo(f"Dropped {len(dropped)} month(s): {', '.join(dropped) or 'none'}.")
