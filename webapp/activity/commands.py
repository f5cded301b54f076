"""`flask --app wsgi events ...`: the event log for other engines."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

events_cli = AppGroup("events", help="Export the event log.")


@events_cli.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
def export_command(directory: Path) -> None:
    """Write new events to DIRECTORY as Parquet (one folder per day); rerun to add new ones."""
    from webapp.activity.parquet_log import ExportError, export_events

    try:
        summary = export_events(directory)
    except ExportError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    click.echo(summary.describe(directory))
