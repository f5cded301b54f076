"""A source file's way to a published asset: checked, transcoded, published, or failed."""

from collections.abc import Callable
from pathlib import Path

from flask import current_app

from webapp.jobs import Report
from webapp.media import errors, storage, transcode
from webapp.media.assets import AssetRecord
from webapp.media.errors import BadSource
from webapp.media.ladder import Rendition
from webapp.media.probe import SourceInfo, probe


def _size_text(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size} bytes"


def too_large_message() -> str:
    return errors.TOO_LARGE.format(limit=_size_text(current_app.config["MEDIA_MAX_UPLOAD_BYTES"]))


def check_source(path: Path) -> SourceInfo:
    """Probe a source and hold it to the limits; BadSource says what is wrong with it."""
    if path.stat().st_size > current_app.config["MEDIA_MAX_UPLOAD_BYTES"]:
        raise BadSource(too_large_message())
    info = probe(path)
    limit = float(current_app.config["MEDIA_MAX_SECONDS"])
    if info.duration > limit:
        raise BadSource(errors.TOO_LONG.format(seconds=info.duration, limit=limit))
    return info


def build_ladder(
    source: Path,
    info: SourceInfo,
    out_dir: Path,
    report: Report,
    preset: str | None = None,
    *,
    captions: str | None = None,
    max_rungs: int | None = None,
) -> list[Rendition]:
    """Write every file of the asset made from a checked `source` into `out_dir`."""
    config = current_app.config
    renditions = transcode.build(
        source,
        info,
        out_dir,
        preset or config["MEDIA_X264_PRESET"],
        float(config["MEDIA_MAX_SECONDS"]),
        report,
        max_rungs,
    )
    if captions is not None:
        (out_dir / storage.CAPTIONS).write_text(captions)
    return renditions


def transcode_work(
    record: AssetRecord,
    source: Path,
    cleanup: Callable[[], None] | None = None,
    *,
    preset: str | None = None,
    captions: str | None = None,
    max_rungs: int | None = None,
) -> Callable[[Report], None]:
    """The job that turns `source` into the record's asset (see webapp.jobs).

    `preset` overrides the configured x264 preset; `captions` is WebVTT text
    published beside the ladder as captions.vtt; `max_rungs` keeps only the
    lowest renditions (a trailer's preview ladder).
    """

    def work(report: Report) -> None:
        try:
            report("checking the source", 0.0)
            info = check_source(source)
            record.describe(duration_seconds=info.duration, width=info.width, height=info.height)
            with storage.workspace(record.asset_id) as work_dir:
                renditions = build_ladder(
                    source, info, work_dir, report, preset, captions=captions, max_rungs=max_rungs
                )
                report("publishing", 0.99)
                storage.publish(work_dir, record.asset_id)
            record.describe(renditions=",".join(r.name for r in renditions))
        finally:
            if cleanup is not None:
                cleanup()

    return work
