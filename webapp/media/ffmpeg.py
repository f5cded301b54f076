"""Running the ffmpeg binary that the imageio-ffmpeg wheel ships (there is no ffprobe).

Untrusted sources are opened with a whitelist of container formats and the
file protocol only: a "video" that is really a playlist or a text file must
not make ffmpeg read other files or fetch URLs.
"""

import re
import subprocess
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from webapp.jobs import DISK_FULL
from webapp.media.errors import NOT_A_VIDEO, UNSUPPORTED_CODEC, MediaError

SOURCE_FORMATS = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,flv,mpeg,ogg,asf"
SOURCE_OPTIONS = ("-protocol_whitelist", "file", "-format_whitelist", SOURCE_FORMATS)
BASE = ("-hide_banner", "-nostdin", "-y")
PROBE_TIMEOUT_SECONDS = 60


@cache
def binary() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def source_input(path: Path) -> list[str]:
    """The arguments that open an uploaded source safely."""
    return [*SOURCE_OPTIONS, "-i", str(path)]


def describe(path: Path) -> str:
    """What `ffmpeg -i path` prints about the input (it exits 1: no output was asked for)."""
    try:
        done = subprocess.run(
            [binary(), *BASE, *source_input(path)],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=PROBE_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return ""  # a file ffmpeg cannot make sense of quickly is not a video to take
    return done.stderr


def failure_line(stderr: str) -> str:
    """One line that says why ffmpeg stopped."""
    if "No space left on device" in stderr:
        return DISK_FULL
    if match := re.search(r"(?:Decoder|decoder) \(?codec (\w+)\)? not found", stderr):
        return UNSUPPORTED_CODEC.format(codec=match.group(1))
    if "Invalid data found when processing input" in stderr:
        return NOT_A_VIDEO
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return f"The encoder stopped: {lines[-1][:200]}" if lines else "The encoder stopped."


def run(args: list[str], duration: float, on_fraction: Callable[[float], None]) -> None:
    """Run ffmpeg with `args`, passing the share of `duration` done so far to `on_fraction`.

    Progress comes from `-progress pipe:1` (key=value lines, out_time_us among them).
    """
    command = [binary(), *BASE, "-loglevel", "error", "-nostats", "-progress", "pipe:1", *args]
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL, text=True
        )
        try:
            for line in proc.stdout:
                key, _, value = line.strip().partition("=")
                if key == "out_time_us" and value.isdigit() and duration > 0:
                    on_fraction(min(1.0, int(value) / 1e6 / duration))
        finally:
            proc.stdout.close()
            status = proc.wait()
        if status != 0:
            errors.seek(0)
            raise MediaError(failure_line(errors.read().decode("utf-8", "replace")))
    on_fraction(1.0)
