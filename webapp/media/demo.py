"""Demo media: a few synthetic clips, transcoded once, that every demo film and episode plays.

Each mood is a clip made by ffmpeg's own generators (no network, no files to
ship): a moving pattern in the mood's palette, its name drawn on it when a
font is at hand, and a sine tone. A clip is transcoded into the usual ladder
as a shared asset (no title of its own, see webapp.models.media) with a
captions file, then each film and episode without a link gets one to the
mood of its first genre. Running it again only links what is new.
"""

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select

from webapp.extensions import db
from webapp.media import ffmpeg
from webapp.media.demo_build import DEMO_PRESET, DemoClip, build_and_adopt
from webapp.models import Episode, Genre, MediaAsset, MediaLink, Title, title_genres

SOURCE_PREFIX = "demo mood: "
# Three whole segments of ladder.SEGMENT_SECONDS: short, so that `make demo` stays quick.
CLIP_SECONDS = 12
FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
)


@dataclass(frozen=True)
class Mood:
    name: str
    pattern: str  # an ffmpeg lavfi source, drawn small and scaled up (cheap to generate)
    tone_hz: int
    genres: frozenset[str]


MOODS = (
    Mood(
        "Dawn",
        "gradients=s=320x180:r=24:c0=0x2b1055:c1=0xd53369:c2=0xf7b267:n=3:speed=0.03",
        262,
        frozenset({"Drama", "Romance", "Biography", "History", "Music", "Musical"}),
    ),
    Mood(
        "Ocean",
        "gradients=s=320x180:r=24:c0=0x03254c:c1=0x1167b1:c2=0x9ad0ec:n=3:speed=0.02:type=radial",
        196,
        frozenset({"Comedy", "Family", "Animation", "Documentary", "Sport"}),
    ),
    Mood(
        "Noir",
        "cellauto=s=320x180:r=24:rule=30,hue=s=0",
        147,
        frozenset({"Crime", "Horror", "Mystery", "Thriller", "War", "Western"}),
    ),
    Mood(
        "Neon",
        "testsrc2=s=320x180:r=24,hue=H=t/2",
        330,
        frozenset({"Action", "Adventure", "Fantasy", "Science Fiction"}),
    ),
)
WIDTH, HEIGHT = 1280, 720


def _font() -> str | None:
    return next((path for path in FONTS if Path(path).is_file()), None)


def make_clip(mood: Mood, target: Path, seconds: float = CLIP_SECONDS) -> Path:
    """Write a synthetic 720p H.264/AAC clip of the mood to `target`."""
    video = f"{mood.pattern},scale={WIDTH}:{HEIGHT}:flags=bilinear,format=yuv420p"
    font = _font()
    if font is not None:
        video += (
            f",drawtext=fontfile={font}:text={mood.name}:fontcolor=white@0.85:fontsize=72"
            ":x=(w-tw)/2:y=h-th-80:box=1:boxcolor=black@0.35:boxborderw=18"
        )
    args = [
        ffmpeg.binary(),
        *ffmpeg.BASE,
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        video,
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency={mood.tone_hz}:sample_rate=44100",
        "-t",
        f"{seconds:.2f}",
        "-c:v",
        "libx264",
        "-preset",
        DEMO_PRESET,
        "-crf",
        "23",
        "-c:a",
        "aac",
        "-b:a",
        "96k",
        str(target),
    ]
    subprocess.run(args, check=True, capture_output=True, timeout=600)
    return target


def captions_for(mood: Mood, seconds: float) -> str:
    """A short WebVTT captions track: the tone, then the mood's name, then the tone again."""
    third = seconds / 3
    cues = [("[a soft, steady tone]", 0, third), (mood.name, third, 2 * third)]
    cues.append(("[the tone carries on]", 2 * third, seconds))
    lines = ["WEBVTT", ""]
    for text, start, end in cues:
        lines += [f"{_stamp(start)} --> {_stamp(end)}", text, ""]
    return "\n".join(lines)


def _stamp(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}.{int(seconds % 1 * 1000):03d}"


def mood_assets() -> dict[str, MediaAsset]:
    """The ready shared asset of each mood that has one."""
    rows = db.session.scalars(
        select(MediaAsset).where(
            MediaAsset.title_id.is_(None),
            MediaAsset.published,
            MediaAsset.source_name.startswith(SOURCE_PREFIX),
        )
    )
    return {row.source_name.removeprefix(SOURCE_PREFIX): row for row in rows}


def mood_clip(mood: Mood, seconds: float = CLIP_SECONDS) -> DemoClip:
    """The mood's clip as the demo build makes it: its ladder with captions."""
    return DemoClip(
        SOURCE_PREFIX + mood.name,
        lambda target: make_clip(mood, target, seconds),
        seconds,
        captions=captions_for(mood, seconds),
    )


def missing_clips(seconds: float = CLIP_SECONDS) -> list[DemoClip]:
    """The clips of the moods that have no ready asset yet."""
    have = mood_assets()
    return [mood_clip(mood, seconds) for mood in MOODS if mood.name not in have]


def mood_of(genres: set[str]) -> Mood:
    """The mood of a title's genres (the first mood any of them belongs to)."""
    return next((mood for mood in MOODS if mood.genres & genres), MOODS[0])


def link_unlinked(assets: dict[str, MediaAsset]) -> int:
    """Link every film and episode that has no link yet to its mood's asset; how many."""
    linked = {
        (t, e) for t, e in db.session.execute(select(MediaLink.title_id, MediaLink.episode_id))
    }
    genres: dict[int, set[str]] = {}
    pairs = db.session.execute(
        select(title_genres.c.title_id, Genre.name).join(Genre, Genre.id == title_genres.c.genre_id)
    )
    for title_id, name in pairs:
        genres.setdefault(title_id, set()).add(name)
    rows = []
    films = db.session.execute(select(Title.id).where(Title.kind != "series"))
    episodes = db.session.execute(select(Episode.title_id, Episode.id))
    targets = [(t, None) for (t,) in films] + [(t, e) for t, e in episodes]
    for title_id, episode_id in targets:
        if (title_id, episode_id) in linked:
            continue
        asset = assets[mood_of(genres.get(title_id, set())).name]
        rows.append({"title_id": title_id, "episode_id": episode_id, "asset_id": asset.id})
    if rows:
        db.session.execute(insert(MediaLink), rows)
        db.session.commit()
    return len(rows)


def seed_demo_media(
    echo: Callable[[str], None] = lambda _: None, seconds: float = CLIP_SECONDS
) -> int:
    """Publish whichever mood assets are missing, then link new films and episodes; links made."""
    assets = mood_assets()
    missing = [mood for mood in MOODS if mood.name not in assets]
    made = build_and_adopt([mood_clip(mood, seconds) for mood in missing], echo)
    for mood, asset in zip(missing, made, strict=True):
        assets[mood.name] = asset
    return link_unlinked(assets)
