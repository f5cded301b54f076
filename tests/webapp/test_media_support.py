"""Real clips, apps and viewers for the media tests (no tests here: builders only).

Clips are made by the same ffmpeg binary Marquee transcodes with, from its
lavfi test sources: a test pattern with a sine tone, small and short enough
that a whole ladder takes a few seconds.
"""

import re
import subprocess
from pathlib import Path

from tests.conftest import make_config
from webapp import create_app
from webapp.catalog.service import Catalog, SeasonSpec, TitleSpec
from webapp.extensions import db
from webapp.media import ffmpeg
from webapp.media.playback import playback_for
from webapp.models import Episode, Profile, Title

CLIP_SECONDS = 5  # one full 4 s segment and a short last one
CLIP_FPS = 10


def make_clip(
    path: Path, size: str = "1280x720", seconds: float = CLIP_SECONDS, audio: bool = True
) -> Path:
    args = [ffmpeg.binary(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    args += ["-f", "lavfi", "-i", f"testsrc=size={size}:rate={CLIP_FPS}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)]
    subprocess.run(args, check=True)
    return path


def make_audio_only(path: Path, seconds: float = 2) -> Path:
    args = [ffmpeg.binary(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac"]
    subprocess.run([*args, str(path)], check=True)
    return path


def probed_seconds(path: Path) -> float:
    """A media file's duration as ffmpeg reads it from the file itself."""
    text = ffmpeg.describe(path)
    hours, minutes, seconds = re.search(r"Duration: (\d+):(\d+):([\d.]+)", text).groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def media_app(templates, backend: str, instance: Path, **extra):
    """An app on a fresh copy of the empty database, with its media under `instance`.

    Returns the app and the cleanup to call when done.
    """
    instance.mkdir(parents=True, exist_ok=True)
    url, cleanup = templates.clone(backend, False, instance)
    settings = {"MEDIA_DIR": instance / "media", "MEDIA_X264_PRESET": "ultrafast", **extra}
    app = create_app(make_config(instance, url, **settings))

    def close() -> None:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        cleanup()

    return app, close


def add_film(app, name: str = "Test Pattern", rating: str = "R") -> int:
    with app.app_context():
        spec = TitleSpec(
            kind="film", name=name, year=2020, runtime_minutes=1, maturity_rating=rating
        )
        title = Catalog().create_title(spec)
        db.session.commit()
        return title.id


def add_series(app, name: str = "Test Series") -> tuple[int, list[int]]:
    """A series with one season of two episodes: its id and the episodes' ids."""
    with app.app_context():
        spec = TitleSpec(
            kind="series",
            name=name,
            year=2020,
            maturity_rating="TV-PG",
            seasons=[SeasonSpec(1, [("One", 1), ("Two", 1)])],
        )
        title = Catalog().create_title(spec)
        db.session.commit()
        return title.id, [e.id for s in title.seasons for e in s.episodes]


def playback(client, profile_id: int, title_id: int, episode_id: int | None = None, now=None):
    """What playback_for gives this profile, in a request of `client`'s signed-in session."""
    with client:
        client.get("/profiles/")
        profile = db.session.get(Profile, profile_id)
        title = db.session.get(Title, title_id)
        episode = db.session.get(Episode, episode_id) if episode_id else None
        return playback_for(profile, title, episode, now=now)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
