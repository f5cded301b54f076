"""Playback quality from the player's own events: how fast video starts, how often it stalls,
which renditions viewers get and what goes wrong, by device and by day.

- Startup: seconds from the request to play (or from navigation, for autoplay)
  to the first frame; reported as the 50th and 95th percentiles.
- Rebuffer ratio: seconds spent stalled / seconds watched (the sittings'
  watched time, as everywhere in insights).
- Renditions: the height each rendition switch landed on; per device the
  median height and the share of switches to HD (720p and up).
- Errors: an attempt is one profile's session on one film or episode with a
  play_start, startup or playback_error event; the error rate is the share of
  attempts with at least one error (of that kind, for a kind). The kind is
  the error text before its first colon ("hls networkError", "video 4").
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from sqlalchemy import func, select

from webapp.activity.vocabulary import (
    PLAY_START,
    PLAYBACK_ERROR,
    REBUFFER,
    RENDITION_SWITCH,
    STARTUP,
)
from webapp.insights.log_arrays import fetch_arrays
from webapp.insights.logview import LogView
from webapp.insights.stats import share
from webapp.models import Event

# A play attempt: the play began, its first frame came, or it failed.
ATTEMPT_TYPES = (PLAY_START, STARTUP, PLAYBACK_ERROR)
HD_HEIGHT = 720
UNKNOWN = "unknown"  # events without a device class
VIDEO_ERRORS = {"1": "aborted", "2": "network", "3": "decode", "4": "source not supported"}


@dataclass
class QualityRow:
    """Figures of one device or one day."""

    name: str
    attempts: int
    startups: int
    startup_p50: float | None
    startup_p95: float | None
    watched_hours: float
    rebuffer_seconds: float
    rebuffer_ratio: float | None
    switches: int
    median_height: int | None
    hd_share: float | None
    errors: int
    error_rate: float


@dataclass
class ErrorKind:
    kind: str
    errors: int
    attempts: int  # attempts with at least one error of this kind
    rate: float  # share of all attempts


@dataclass
class RenditionShare:
    device: str
    height: int
    switches: int
    share: float  # of the device's switches


@dataclass
class QualityReport:
    start: str
    end: str
    overall: QualityRow
    devices: list[QualityRow]
    days: list[QualityRow]
    errors_by_kind: list[ErrorKind]
    renditions: list[RenditionShare]


def error_kind(text: str | None) -> str:
    """What kind of error a playback_error's text names (its part before the first colon)."""
    head = (text or "unknown").split(":", 1)[0].strip()[:60] or "unknown"
    if head.startswith("video "):
        code = head.removeprefix("video ")
        return f"video: {VIDEO_ERRORS[code]}" if code in VIDEO_ERRORS else head
    return head


def _percentiles(values: np.ndarray) -> tuple[float | None, float | None]:
    if values.size == 0:
        return None, None
    p50, p95 = np.percentile(values, [50, 95])
    return float(p50), float(p95)


@dataclass
class _Events:
    """The quality events of the window, as arrays (one element per event or group)."""

    timing_kind: np.ndarray  # 1 rebuffer, 0 startup
    timing_value: np.ndarray
    timing_day: np.ndarray
    timing_device: np.ndarray
    attempt_day: np.ndarray
    attempt_device: np.ndarray
    attempt_count: np.ndarray
    switch_device: np.ndarray
    switch_day: np.ndarray
    switch_height: np.ndarray
    switch_count: np.ndarray
    error_key: list[tuple]  # (profile, title, episode, session) of each error
    error_day: np.ndarray
    error_device: np.ndarray
    error_kind: list[str]


def _read(log: LogView) -> _Events:
    day = log.day_number(Event.occurred_at)
    timings, devices = fetch_arrays(
        log.session.execute(
            select((Event.type == REBUFFER).label("rebuffer"), Event.value, day, Event.device)
            .where(Event.type.in_((STARTUP, REBUFFER)), log.in_window())
            .where(Event.value.is_not(None))
        ),
        3,
        text_columns=1,
    )
    attempt = (
        select(func.min(Event.device).label("device"), func.min(day).label("day"))
        .where(Event.type.in_(ATTEMPT_TYPES), log.in_window(), Event.title_id.is_not(None))
        .group_by(Event.profile_id, Event.title_id, Event.episode_id, Event.session_id)
        .subquery()
    )
    attempts = log.session.execute(
        select(attempt.c.device, attempt.c.day, func.count()).group_by(
            attempt.c.device, attempt.c.day
        )
    ).all()
    attempts = [(device or UNKNOWN, d, n) for device, d, n in attempts]
    switches = log.session.execute(
        select(Event.device, day, Event.value, func.count())
        .where(Event.type == RENDITION_SWITCH, log.in_window(), Event.value.is_not(None))
        .group_by(Event.device, day, Event.value)
    ).all()
    errors = log.session.execute(
        select(
            Event.profile_id,
            Event.title_id,
            Event.episode_id,
            Event.session_id,
            Event.device,
            day,
            Event.text,
        ).where(Event.type == PLAYBACK_ERROR, log.in_window())
    ).all()
    return _Events(
        timing_kind=timings[:, 0].astype(np.int64),
        timing_value=timings[:, 1],
        timing_day=timings[:, 2].astype(np.int64),
        timing_device=np.array([d or UNKNOWN for d in devices[:, 0]], dtype=object),
        attempt_device=np.array([r[0] for r in attempts], dtype=object),
        attempt_day=np.array([r[1] for r in attempts], dtype=np.int64),
        attempt_count=np.array([r[2] for r in attempts], dtype=np.int64),
        switch_device=np.array([r[0] or UNKNOWN for r in switches], dtype=object),
        switch_day=np.array([r[1] for r in switches], dtype=np.int64),
        switch_height=np.array([r[2] for r in switches], dtype=np.int64),
        switch_count=np.array([r[3] for r in switches], dtype=np.int64),
        error_key=[tuple(r[:4]) for r in errors],
        error_device=np.array([r[4] or UNKNOWN for r in errors], dtype=object),
        error_day=np.array([r[5] for r in errors], dtype=np.int64),
        error_kind=[error_kind(r[6]) for r in errors],
    )


def _row(name: str, ev: _Events, watched_seconds: float, pick) -> QualityRow:
    """One row of figures over the events `pick(device array, day array)` selects."""
    timing = pick(ev.timing_device, ev.timing_day)
    startups = ev.timing_value[timing & (ev.timing_kind == 0)]
    stalled = float(ev.timing_value[timing & (ev.timing_kind == 1)].sum())
    p50, p95 = _percentiles(startups)
    attempts = int(ev.attempt_count[pick(ev.attempt_device, ev.attempt_day)].sum())
    sw = pick(ev.switch_device, ev.switch_day)
    heights, counts = ev.switch_height[sw], ev.switch_count[sw]
    switches = int(counts.sum())
    median = round(float(np.median(np.repeat(heights, counts)))) if switches else None
    err = pick(ev.error_device, ev.error_day)
    failed = {k for k, chosen in zip(ev.error_key, err, strict=True) if chosen}
    return QualityRow(
        name=name,
        attempts=attempts,
        startups=int(startups.size),
        startup_p50=p50,
        startup_p95=p95,
        watched_hours=watched_seconds / 3600.0,
        rebuffer_seconds=stalled,
        rebuffer_ratio=stalled / watched_seconds if watched_seconds > 0 else None,
        switches=switches,
        median_height=median,
        hd_share=share(counts[heights >= HD_HEIGHT].sum(), switches) if switches else None,
        errors=int(err.sum()),
        error_rate=share(len(failed), attempts),
    )


def _every(devices: np.ndarray, _days: np.ndarray) -> np.ndarray:
    return np.ones(devices.size, dtype=bool)


def quality_report(log: LogView) -> QualityReport:
    """Startup, rebuffering, renditions and errors over the window, overall, by device and day."""
    ev = _read(log)
    s = log.sittings
    n_days = log.day_count
    sitting_day = np.minimum(log.day_of(s.started), n_days - 1) if len(s) else np.zeros(0, int)
    overall = _row("All devices", ev, float(s.watched.sum()), _every)
    names = sorted(
        set(ev.timing_device) | set(ev.attempt_device) | set(ev.switch_device)
        | set(ev.error_device) | set(s.device.tolist())
    )  # fmt: skip
    devices = [
        _row(d, ev, float(s.watched[s.device == d].sum()), lambda dev, _day, d=d: dev == d)
        for d in names
    ]
    origin = log.start.date()
    days = [
        _row(
            (origin + timedelta(days=i)).isoformat(),
            ev,
            float(s.watched[sitting_day == i].sum()),
            lambda _dev, day, i=i: day == i,
        )
        for i in range(n_days)
    ]
    return QualityReport(
        start=log.start.isoformat(),
        end=log.end.isoformat(),
        overall=overall,
        devices=sorted(devices, key=lambda r: -r.attempts),
        days=days,
        errors_by_kind=_error_kinds(ev, overall.attempts),
        renditions=_renditions(ev),
    )


def _error_kinds(ev: _Events, attempts: int) -> list[ErrorKind]:
    counts: dict[str, int] = defaultdict(int)
    failed: dict[str, set] = defaultdict(set)
    for key, kind in zip(ev.error_key, ev.error_kind, strict=True):
        counts[kind] += 1
        failed[kind].add(key)
    rows = [
        ErrorKind(k, counts[k], len(failed[k]), share(len(failed[k]), attempts)) for k in counts
    ]
    return sorted(rows, key=lambda r: (-r.errors, r.kind))


def _renditions(ev: _Events) -> list[RenditionShare]:
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for device, height, n in zip(ev.switch_device, ev.switch_height, ev.switch_count, strict=True):
        counts[device, int(height)] += int(n)
    total: dict[str, int] = defaultdict(int)
    for (device, _height), n in counts.items():
        total[device] += n
    rows = [RenditionShare(d, h, n, share(n, total[d])) for (d, h), n in counts.items()]
    return sorted(rows, key=lambda r: (r.device, r.height))
