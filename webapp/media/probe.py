"""What a source file holds, read from `ffmpeg -i` (the wheel has no ffprobe)."""

import re
from dataclasses import dataclass
from pathlib import Path

from webapp.media import errors, ffmpeg
from webapp.media.errors import BadSource

DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
VIDEO = re.compile(r"Stream #\d+:\d+\S*: Video: (\w+)(.*)")
AUDIO = re.compile(r"Stream #\d+:\d+\S*: Audio: (\w+)")
SIZE = re.compile(r"\b(\d{2,5})x(\d{2,5})\b")
ROTATION = re.compile(r"rotation of (-?\d+(?:\.\d+)?) degrees")


@dataclass(frozen=True)
class SourceInfo:
    duration: float
    width: int
    height: int
    video_codec: str
    has_audio: bool

    def describe(self) -> str:
        sound = "with sound" if self.has_audio else "silent"
        return f"{self.width}x{self.height} {self.video_codec}, {self.duration:.1f} s, {sound}"


def probe(path: Path) -> SourceInfo:
    """Duration, picture size (as displayed), codec and audio of a source; BadSource if unusable."""
    if path.stat().st_size == 0:
        raise BadSource(errors.EMPTY)
    text = ffmpeg.describe(path)
    if "Input #0" not in text:
        raise BadSource(errors.NOT_A_VIDEO)
    # Cover art in an audio file is a "video" stream of one still picture: not video.
    video = next((m for m in VIDEO.finditer(text) if "attached pic" not in m.group(2)), None)
    if video is None:
        raise BadSource(errors.NO_VIDEO_STREAM)
    codec, details = video.group(1), video.group(2)
    if codec == "none":
        raise BadSource(errors.UNSUPPORTED_CODEC.format(codec="unknown"))
    size = SIZE.search(details)
    duration = DURATION.search(text)
    if size is None:
        raise BadSource(errors.NOT_A_VIDEO)
    if duration is None:
        raise BadSource(errors.NO_DURATION)
    hours, minutes, seconds = duration.groups()
    width, height = int(size.group(1)), int(size.group(2))
    rotation = ROTATION.search(text)
    # Phone videos store portrait frames sideways with a rotation; ffmpeg turns them upright.
    if rotation and round(abs(float(rotation.group(1)))) % 180 == 90:
        width, height = height, width
    seconds = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    if seconds <= 0:
        raise BadSource(errors.ZERO_LENGTH)
    return SourceInfo(
        duration=seconds,
        width=width,
        height=height,
        video_codec=codec,
        has_audio=AUDIO.search(text) is not None,
    )
