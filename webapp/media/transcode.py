"""Turning a probed source into the files of a playable asset, all inside one work folder.

Layout of a finished asset folder::

    master.m3u8            the ladder (see ladder.py)
    240p/index.m3u8        one variant playlist per rendition
    240p/seg_00000.ts      H.264/AAC MPEG-TS segments of SEGMENT_SECONDS
    progressive.mp4        the top rendition as one faststart MP4 (for players without MSE)
    poster.jpg             a frame from early in the video
    sprite.jpg             a grid of small frames, indexed by thumbnails.vtt for seek previews

Each rendition is encoded once to MP4 with a keyframe forced every
SEGMENT_SECONDS, then cut into segments without re-encoding, so every segment
starts on a keyframe and lasts what the playlist promises.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from webapp.media import ffmpeg
from webapp.media.ladder import SEGMENT_SECONDS, Rendition, ladder_for, master_playlist
from webapp.media.probe import SourceInfo

THUMB_WIDTH = 160
SPRITE_COLUMNS = 10
MAX_THUMBS = 200
POSTER_AT = 0.1  # share of the duration; an opening frame is often black
# The sprite, poster and playlists, as a share of the encoding work, for the percentage shown.
FINISHING_WEIGHT = 0.05

Report = Callable[[str, float], None]


@dataclass(frozen=True)
class SpriteGrid:
    interval: int
    count: int
    tile_width: int
    tile_height: int

    @property
    def rows(self) -> int:
        return math.ceil(self.count / SPRITE_COLUMNS)

    def vtt(self, duration: float, image: str = "sprite.jpg") -> str:
        """WebVTT cues, one per tile: the time span it previews and where it sits in the image."""
        lines = ["WEBVTT", ""]
        for i in range(self.count):
            start, end = i * self.interval, min((i + 1) * self.interval, duration)
            x = (i % SPRITE_COLUMNS) * self.tile_width
            y = (i // SPRITE_COLUMNS) * self.tile_height
            lines += [
                f"{_timestamp(start)} --> {_timestamp(end)}",
                f"{image}#xywh={x},{y},{self.tile_width},{self.tile_height}",
                "",
            ]
        return "\n".join(lines)


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def sprite_grid(info: SourceInfo) -> SpriteGrid:
    interval = max(1, math.ceil(info.duration / MAX_THUMBS))
    count = max(1, math.ceil(info.duration / interval))
    height = max(2, round(THUMB_WIDTH * info.height / info.width / 2) * 2)
    return SpriteGrid(interval, count, THUMB_WIDTH, height)


def _encode_args(
    source: Path, info: SourceInfo, rendition: Rendition, preset: str, max_seconds: float
) -> list[str]:
    rung = rendition.rung
    args = [
        *ffmpeg.source_input(source),
        "-map", "0:v:0", "-map", "0:a:0?",
        "-t", f"{max_seconds:.3f}",
        "-vf", f"scale={rendition.width}:{rendition.height},setsar=1,format=yuv420p",
        "-c:v", "libx264", "-preset", preset,
        "-profile:v", rung.profile, "-level:v", rung.level,
        "-b:v", f"{rung.video_kbps}k",
        "-maxrate", f"{rung.video_kbps * 3 // 2}k", "-bufsize", f"{rung.video_kbps * 2}k",
        "-force_key_frames", f"expr:gte(t,n_forced*{SEGMENT_SECONDS})",
        "-sc_threshold", "0",
    ]  # fmt: skip
    if info.has_audio:
        args += ["-c:a", "aac", "-b:a", f"{rung.audio_kbps}k", "-ac", "2", "-ar", "48000"]
    return args


def encode(
    source: Path,
    info: SourceInfo,
    rendition: Rendition,
    out_dir: Path,
    preset: str,
    max_seconds: float,
    on_fraction: Callable[[float], None],
) -> Path:
    """Encode one rendition to `<name>.mp4` and cut it into `<name>/` segments; the MP4's path."""
    mp4 = out_dir / f"{rendition.name}.mp4"
    args = _encode_args(source, info, rendition, preset, max_seconds)
    ffmpeg.run([*args, "-movflags", "+faststart", str(mp4)], info.duration, on_fraction)
    variant = out_dir / rendition.name
    variant.mkdir()
    cut = [
        "-i", str(mp4), "-map", "0", "-c", "copy",
        "-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_playlist_type", "vod",
        "-hls_flags", "independent_segments",
        "-hls_segment_filename", str(variant / "seg_%05d.ts"),
        str(variant / "index.m3u8"),
    ]  # fmt: skip
    ffmpeg.run(cut, info.duration, lambda _: None)
    return mp4


def build(
    source: Path,
    info: SourceInfo,
    out_dir: Path,
    preset: str,
    max_seconds: float,
    report: Report,
    max_rungs: int | None = None,
) -> list[Rendition]:
    """Write every file of the asset into `out_dir`; the renditions made, lowest first."""
    renditions = ladder_for(info.width, info.height, max_rungs)
    weights = [r.width * r.height for r in renditions]
    finishing = FINISHING_WEIGHT * sum(weights)
    total = sum(weights) + finishing
    done = 0.0
    mp4s = []
    for rendition, weight in zip(renditions, weights, strict=True):
        stage = f"encoding {rendition.name}"
        base = done

        def on_fraction(fraction: float, stage=stage, base=base, weight=weight) -> None:
            report(stage, (base + fraction * weight) / total)

        report(stage, base / total)
        mp4s.append(encode(source, info, rendition, out_dir, preset, max_seconds, on_fraction))
        done += weight
    report("thumbnails", done / total)
    grid = sprite_grid(info)
    _sprite(mp4s[0], grid, out_dir / "sprite.jpg")
    (out_dir / "thumbnails.vtt").write_text(grid.vtt(info.duration))
    report("poster", (done + finishing / 2) / total)
    _poster(mp4s[-1], info, out_dir / "poster.jpg")
    mp4s[-1].rename(out_dir / "progressive.mp4")
    for mp4 in mp4s[:-1]:
        mp4.unlink()
    (out_dir / "master.m3u8").write_text(master_playlist(renditions, out_dir, info.has_audio))
    return renditions


def _sprite(mp4: Path, grid: SpriteGrid, target: Path) -> None:
    tile = f"{SPRITE_COLUMNS}x{grid.rows}" if grid.count > SPRITE_COLUMNS else f"{grid.count}x1"
    vf = f"fps=1/{grid.interval},scale={grid.tile_width}:{grid.tile_height},tile={tile}"
    ffmpeg.run(
        ["-i", str(mp4), "-vf", vf, "-frames:v", "1", "-q:v", "4", str(target)], 0, lambda _: None
    )


def _poster(mp4: Path, info: SourceInfo, target: Path) -> None:
    at = min(info.duration * POSTER_AT, 60.0)
    ffmpeg.run(
        ["-ss", f"{at:.3f}", "-i", str(mp4), "-frames:v", "1", "-q:v", "3", str(target)],
        0,
        lambda _: None,
    )
