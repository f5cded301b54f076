"""Command-line entry points, all under `flask --app wsgi ...`."""

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext


def _fail(message: str) -> None:
    """Bad input on the command line: a clear message and exit status 2."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@click.command("seed-demo")
@with_appcontext
@click.option(
    "--profiles", "n_profiles", default=520, show_default=True, type=click.IntRange(1, 100_000)
)
@click.option(
    "--seed", default=7, show_default=True, type=int, help="Random seed; same seed, same data."
)
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 3650))
@click.option("--if-empty", is_flag=True, help="Do nothing when the catalog already has titles.")
def seed_demo_command(n_profiles: int, seed: int, days: int, if_empty: bool) -> None:
    """Load the demo catalog and simulate viewers' behaviour."""
    from webapp.seed.demo import SeedError, database_is_empty, seed_demo

    if if_empty and not database_is_empty():
        click.echo("Database already has data; leaving it as it is.")
        return
    try:
        summary = seed_demo(n_profiles=n_profiles, seed=seed, days=days, progress=True)
    except SeedError as exc:
        _fail(str(exc))
    click.echo(summary.describe())


@click.command("import-movielens")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
def import_movielens_command(path: Path) -> None:
    """Load a MovieLens ml-latest-small style folder as catalog, viewers and interactions."""
    from webapp.seed.movielens import MovieLensError, import_movielens

    try:
        summary = import_movielens(path, progress=True)
    except MovieLensError as exc:
        _fail(str(exc))
    click.echo(summary.describe())


@click.command("create-admin")
@with_appcontext
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin_command(email: str, password: str) -> None:
    """Create an admin account, or make an existing account an admin."""
    from webapp.auth.accounts import AccountError, create_or_promote_admin

    try:
        account, created = create_or_promote_admin(email, password)
    except AccountError as exc:
        _fail(str(exc))
    click.echo(f"{'Created' if created else 'Promoted'} admin {account.email}")


def init_app(app: Flask) -> None:
    from webapp.activity.commands import events_cli
    from webapp.job_commands import jobs_cli
    from webapp.media.commands import media_cli
    from webapp.recommendations.commands import recommender_cli

    commands = (
        seed_demo_command,
        import_movielens_command,
        create_admin_command,
        recommender_cli,
        media_cli,
        events_cli,
        jobs_cli,
    )
    for command in commands:
        app.cli.add_command(command)
