"""The adaptive ladder: which renditions a source gets, and the master playlist that lists them.

Renditions never upscale: a source gets every rung up to its own height (a
720p source gets 240p, 480p and 720p), and a source shorter than the lowest
rung gets one rendition at its own size.
"""

import re
from dataclasses import dataclass
from pathlib import Path

SEGMENT_SECONDS = 4
AUDIO_CODEC = "mp4a.40.2"  # AAC-LC


@dataclass(frozen=True)
class Rung:
    height: int
    video_kbps: int
    audio_kbps: int
    profile: str  # x264 profile and level, and the RFC 6381 codec string they make
    level: str
    codec: str


RUNGS = (
    Rung(240, 400, 64, "main", "3.0", "avc1.4d401e"),
    Rung(480, 1200, 96, "main", "3.0", "avc1.4d401e"),
    Rung(720, 2800, 128, "main", "3.1", "avc1.4d401f"),
    Rung(1080, 5000, 160, "high", "4.0", "avc1.640028"),
)


@dataclass(frozen=True)
class Rendition:
    name: str  # "480p": also the folder of its playlist and segments
    width: int
    height: int
    rung: Rung


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def ladder_for(width: int, height: int, max_rungs: int | None = None) -> list[Rendition]:
    """The renditions for a source of this displayed size, lowest first.

    `max_rungs` keeps only the lowest few (a muted preview needs no 1080p).
    """
    rungs = [rung for rung in RUNGS if rung.height <= height] or [RUNGS[0]]
    rungs = rungs[:max_rungs] if max_rungs else rungs
    renditions = []
    for rung in rungs:
        h = min(rung.height, _even(height))
        renditions.append(Rendition(f"{h}p", _even(width * h / height), h, rung))
    return renditions


SEGMENT_LINE = re.compile(r"#EXTINF:([\d.]+),\s*\n(\S+)")


def segments(playlist: Path) -> list[tuple[float, str]]:
    """(duration, file name) of every segment a variant playlist lists."""
    return [(float(d), name) for d, name in SEGMENT_LINE.findall(playlist.read_text())]


def measured_bandwidth(variant_dir: Path) -> tuple[int, int]:
    """Peak and average bits per second of a variant, from its real segment sizes."""
    parts = segments(variant_dir / "index.m3u8")
    rates = [(variant_dir / name).stat().st_size * 8 / max(d, 0.1) for d, name in parts]
    total = sum(d for d, _ in parts) or 1.0
    average = sum((variant_dir / name).stat().st_size * 8 for _, name in parts) / total
    return int(max(rates, default=0)), int(average)


def master_playlist(renditions: list[Rendition], out_dir: Path, has_audio: bool) -> str:
    """The master playlist: one EXT-X-STREAM-INF per rendition, with measured bandwidth."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:6", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rendition in renditions:
        peak, average = measured_bandwidth(out_dir / rendition.name)
        codecs = rendition.rung.codec + (f",{AUDIO_CODEC}" if has_audio else "")
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={peak},AVERAGE-BANDWIDTH={average},"
            f'RESOLUTION={rendition.width}x{rendition.height},CODECS="{codecs}"'
        )
        lines.append(f"{rendition.name}/index.m3u8")
    return "\n".join(lines) + "\n"
