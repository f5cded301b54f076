"""`flask --app wsgi media import PATH --title ID [--episode ID]`: transcode in the foreground.

`flask --app wsgi media import PATH --title ID --trailer NAME`: a trailer cut of the title.

`flask --app wsgi media seed-demo`: the demo's shared mood clips, linked to every title, and
its trailer cuts attached to every film and series.

`flask --app wsgi media build-demo`: encode those clips ahead, beside the seed (see
webapp.media.demo_build).
"""

import sys
import time
from pathlib import Path

import click
from flask.cli import AppGroup

from webapp import jobs
from webapp.extensions import db
from webapp.media import assets, demo, demo_build, demo_trailers, trailers
from webapp.media.assets import AssetRecord
from webapp.media.errors import BadSource
from webapp.media.pipeline import check_source, transcode_work
from webapp.models import Episode, MediaAsset, Title

media_cli = AppGroup("media", help="Import and transcode video for films and episodes.")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def _target(title_id: int, episode_id: int | None) -> tuple[Title, Episode | None]:
    """The film or episode to import into, or exit 2 saying why there is none."""
    title = db.session.get(Title, title_id) if 0 < title_id < 2**31 else None
    if title is None:
        _fail(f"There is no title with id {title_id}.")
    if episode_id is None:
        if title.is_series:
            _fail(f"“{title.name}” is a series: name the episode with --episode.")
        return title, None
    episode = db.session.get(Episode, episode_id) if 0 < episode_id < 2**31 else None
    if episode is None or episode.title_id != title.id:
        _fail(f"“{title.name}” has no episode with id {episode_id}.")
    return title, episode


@media_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--title", "title_id", required=True, type=int, help="The film's or series' id.")
@click.option("--episode", "episode_id", type=int, help="The episode's id (series only).")
@click.option("--trailer", "trailer", help="Import as a trailer cut of the title, by this name.")
def import_command(path: Path, title_id: int, episode_id: int | None, trailer: str | None) -> None:
    """Transcode a video file into the title's (or episode's) HLS ladder, then publish it.

    With --trailer, the file becomes a trailer cut of the film or series (a
    short ladder for its muted previews) instead of what it plays.
    """
    if not path.is_file():
        _fail(f"{path} is not a file.")
    if trailer is not None:
        if episode_id is not None:
            _fail("A trailer belongs to a film or series: leave out --episode.")
        title = db.session.get(Title, title_id) if 0 < title_id < 2**31 else None
        if title is None:
            _fail(f"There is no title with id {title_id}.")
        episode = None
        try:
            trailer = trailers.clean_name(title, trailer)
        except trailers.BadTrailerName as error:
            _fail(str(error))
    else:
        title, episode = _target(title_id, episode_id)
    try:
        info = check_source(path)
    except BadSource as error:
        _fail(str(error))
    click.echo(f"{path.name}: {info.describe()}")
    if trailer is None:
        asset = assets.create(title.id, episode.id if episode else None, path.name)
    else:
        asset, _ = trailers.create(title, trailer, path.name)
    asset_id, lines = asset.id, jobs.StageLines()
    record = AssetRecord(asset_id)
    rungs = trailers.PREVIEW_RUNGS if trailer is not None else None
    transcode = transcode_work(record, path, max_rungs=rungs)

    def work(report: jobs.Report) -> None:
        def both(stage: str, fraction: float) -> None:
            lines(stage, fraction)
            report(stage, fraction)

        transcode(both)

    try:
        failure = jobs.run(record, work)
    except KeyboardInterrupt:
        record.fail("Stopped from the command line before it finished.")
        raise
    lines.close()
    if failure:
        click.echo(f"Error: {failure}", err=True)
        sys.exit(1)
    asset = db.session.get(MediaAsset, asset_id)
    click.echo(f"Ready: media asset {asset.id}, {', '.join(asset.rendition_names)}.")


CLIP_SECONDS = click.option(
    "--seconds",
    default=demo.CLIP_SECONDS,
    show_default=True,
    type=click.FloatRange(1, 120),
    help="Length of each mood clip.",
)


@media_cli.command("seed-demo")
@CLIP_SECONDS
def seed_demo_command(seconds: float) -> None:
    """Make the demo mood clips and trailer cuts once; link every title without them."""
    started = time.monotonic()
    try:
        linked = demo.seed_demo_media(click.echo, seconds)
        clips_done = time.monotonic()
        trailered = demo_trailers.seed_demo_trailers(
            click.echo, min(seconds, demo_trailers.TRAILER_SECONDS)
        )
    except RuntimeError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    done = time.monotonic()
    click.echo(
        f"Demo media ready: {linked} films and episodes linked ({clips_done - started:.0f} s); "
        f"trailers for {trailered} titles ({done - clips_done:.0f} s)."
    )


@media_cli.command("build-demo")
@CLIP_SECONDS
def build_demo_command(seconds: float) -> None:
    """Encode the demo clips that have no asset yet, for `media seed-demo` to publish."""
    started = time.monotonic()
    clips = demo.missing_clips(seconds) + demo_trailers.missing_clips(
        min(seconds, demo_trailers.TRAILER_SECONDS)
    )
    db.session.remove()  # the seed writes meanwhile: this command holds no connection
    try:
        demo_build.build_all(clips, click.echo)
    except RuntimeError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(f"Demo clips encoded ({time.monotonic() - started:.0f} s).")
