"""Transcode speed per rendition, in times real time, on a synthetic 720p clip.

    .venv/bin/python -m benchmarks.media_transcode [--seconds 30] [--preset veryfast]

Makes a clip with ffmpeg's lavfi sources (a moving test pattern at 30 fps and
a tone), then encodes each rendition of its ladder exactly as an upload is
encoded (webapp.media.transcode.encode: H.264/AAC with keyframes forced every
segment, then cut into HLS segments) and reports how many seconds of video
each rendition encodes per second of wall time. Prints figures; writes none.
"""

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from webapp.media import ffmpeg
from webapp.media.ladder import ladder_for
from webapp.media.probe import probe
from webapp.media.transcode import encode


def make_clip(path: Path, seconds: int) -> None:
    command = [
        ffmpeg.binary(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
        "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p",
        "-c:a", "aac", str(path),
    ]  # fmt: skip
    subprocess.run(command, check=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--preset", default="veryfast", help="x264 preset (MEDIA_X264_PRESET)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "source.mp4"
        make_clip(source, args.seconds)
        info = probe(source)
        print(f"source: {info.describe()}; preset {args.preset}; {os.cpu_count()} CPUs")
        print(f"{'rendition':<10} {'size':>10} {'seconds':>8} {'x real time':>12}")
        total = 0.0
        for rendition in ladder_for(info.width, info.height):
            began = time.perf_counter()
            encode(source, info, rendition, work, args.preset, info.duration + 1, lambda _: None)
            elapsed = time.perf_counter() - began
            total += elapsed
            size = f"{rendition.width}x{rendition.height}"
            speed = info.duration / elapsed
            print(f"{rendition.name:<10} {size:>10} {elapsed:>8.1f} {speed:>11.1f}x")
        print(f"{'ladder':<10} {'':>10} {total:>8.1f} {info.duration / total:>11.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
