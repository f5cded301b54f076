"""Demo trailers: three cuts with different openings and colours, shared by every title.

Each cut is a short synthetic clip (TRAILER_SECONDS, 480p, so its preview
ladder is 240p and 480p): its first third is the cut's own opening scene (a
dark title card, a bright flash, quick colour cuts), the rest a moving
pattern in the cut's colours. A cut is transcoded once into a shared asset
and every film and series gets a trailer_variants row for each, so the
trailer bandit has the same three arms on every title. Three cuts, not a set
per mood: each costs a clip and two encodes, and `make demo` should not grow
by more than about half a minute. Running it again only attaches titles that
have no demo cut yet.
"""

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, insert, select, update

from webapp.activity import vocabulary as ev
from webapp.extensions import db
from webapp.media import ffmpeg
from webapp.media.demo import _font
from webapp.media.demo_build import DEMO_PRESET, DemoClip, build_and_adopt
from webapp.media.trailers import PREVIEW_RUNGS
from webapp.models import Event, MediaAsset, Title, TrailerVariant

SOURCE_PREFIX = "demo trailer: "
TRAILER_SECONDS = 12
WIDTH, HEIGHT = 854, 480


@dataclass(frozen=True)
class Cut:
    name: str
    opening: str  # ffmpeg lavfi sources, drawn small and scaled up: the opening third
    body: str  # and the rest
    tone_hz: int


CUTS = (
    Cut(
        "Cold open",
        "color=c=0x0b0b16:s=320x180:r=24",
        "gradients=s=320x180:r=24:c0=0x0b0b16:c1=0x3a4a6b:c2=0x9ab0c8:n=3:speed=0.03",
        147,
    ),
    Cut(
        "Bright open",
        "color=c=0xf5d142:s=320x180:r=24",
        "gradients=s=320x180:r=24:c0=0xf5d142:c1=0xf08a4b:c2=0xd53369:n=3:speed=0.03",
        330,
    ),
    Cut(
        "Quick cut",
        "testsrc2=s=320x180:r=24,hue=H=t*6",
        "gradients=s=320x180:r=24:c0=0x1167b1:c1=0x2fbf71:c2=0xf7f7f7:n=4:speed=0.08",
        262,
    ),
)


def _key(cut: Cut) -> str:
    return SOURCE_PREFIX + cut.name


def make_trailer(cut: Cut, target: Path, seconds: float) -> Path:
    """Write the cut's synthetic 480p H.264/AAC clip to `target`."""
    opening = seconds / 3
    size = f"scale={WIDTH}:{HEIGHT}:flags=bilinear,format=yuv420p,setsar=1"
    graph = (
        f"{cut.opening},trim=duration={opening:.2f},setpts=PTS-STARTPTS,{size}[a];"
        f"{cut.body},trim=duration={seconds - opening:.2f},setpts=PTS-STARTPTS,{size}[b];"
        "[a][b]concat=n=2:v=1:a=0"
    )
    font = _font()
    if font is not None:
        graph += (
            f",drawtext=fontfile={font}:text='{cut.name}':fontcolor=white@0.9"
            ":fontsize=40:x=(w-tw)/2:y=h-th-40:box=1:boxcolor=black@0.4:boxborderw=12"
        )
    args = [
        ffmpeg.binary(), *ffmpeg.BASE, "-loglevel", "error",
        "-f", "lavfi", "-i", graph + "[out0]",
        "-f", "lavfi", "-i", f"sine=frequency={cut.tone_hz}:sample_rate=44100",
        "-t", f"{seconds:.2f}",
        "-c:v", "libx264", "-preset", DEMO_PRESET, "-crf", "23",
        "-c:a", "aac", "-b:a", "64k", str(target),
    ]  # fmt: skip
    subprocess.run(args, check=True, capture_output=True, timeout=600)
    return target


def trailer_assets() -> dict[str, MediaAsset]:
    """The ready shared asset of each demo cut that has one, by its source name."""
    rows = db.session.scalars(
        select(MediaAsset).where(
            MediaAsset.title_id.is_(None),
            MediaAsset.published,
            MediaAsset.source_name.startswith(SOURCE_PREFIX),
        )
    )
    return {row.source_name: row for row in rows}


def cut_clip(cut: Cut, seconds: float = TRAILER_SECONDS) -> DemoClip:
    """The cut as the demo build makes it: its preview ladder."""
    return DemoClip(
        _key(cut),
        lambda target: make_trailer(cut, target, seconds),
        seconds,
        max_rungs=PREVIEW_RUNGS,
    )


def missing_clips(seconds: float = TRAILER_SECONDS) -> list[DemoClip]:
    """The clips of the cuts that have no ready asset yet."""
    have = trailer_assets()
    return [cut_clip(cut, seconds) for cut in CUTS if _key(cut) not in have]


def attach_untrailered(assets: dict[str, MediaAsset]) -> int:
    """Give every title with no demo cut yet each cut; how many titles."""
    if not all(_key(cut) in assets for cut in CUTS):
        return 0
    have = set(
        db.session.scalars(
            select(TrailerVariant.title_id).where(TrailerVariant.name.in_([c.name for c in CUTS]))
        )
    )
    titles = [t for (t,) in db.session.execute(select(Title.id)) if t not in have]
    rows = [
        {"title_id": t, "name": cut.name, "asset_id": assets[_key(cut)].id}
        for t in titles
        for cut in CUTS
    ]
    if rows:
        db.session.execute(insert(TrailerVariant), rows)
        db.session.commit()
    return len(titles)


def seed_demo_trailers(
    echo: Callable[[str], None] = lambda _: None, seconds: float = TRAILER_SECONDS
) -> int:
    """Publish whichever demo cuts are missing, then attach them to new titles; titles attached."""
    assets = trailer_assets()
    missing = [cut for cut in CUTS if _key(cut) not in assets]
    made = build_and_adopt([cut_clip(cut, seconds) for cut in missing], echo)
    for cut, asset in zip(missing, made, strict=True):
        assets[_key(cut)] = asset
    titles = attach_untrailered(assets)
    resolve_simulated_previews()
    return titles


def resolve_simulated_previews() -> int:
    """Give the demo seed's preview events (which name their cut in `text`) the variant's id.

    The simulated viewers run before the cuts exist; browsers always send the id.
    """
    variant = (
        select(TrailerVariant.id)
        .where(and_(TrailerVariant.title_id == Event.title_id, TrailerVariant.name == Event.text))
        .scalar_subquery()
    )
    result = db.session.execute(
        update(Event)
        .where(Event.type == ev.PREVIEW, Event.value.is_(None), Event.text.is_not(None))
        .values(value=variant),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return result.rowcount
