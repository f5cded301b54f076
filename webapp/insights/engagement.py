"""Engagement and retention: who is active, how much they watch, and who comes back.

Active = any logged event that day (UTC). Hours are sittings' watched time
on the day the sitting started. Completion is the share of sittings that
reached the end (type complete or 90 % of the length). Weekly cohorts group
the profiles created during the window by the week they were created; a
cohort's week-w retention is the share of its profiles active in its w-th
week.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from webapp.insights.daypart_genres import DaypartGenres, agreement, daypart_genres
from webapp.insights.log_records import DAYPARTS, daypart_of
from webapp.insights.logview import LogView
from webapp.insights.stats import share


@dataclass
class DayRow:
    day: str
    active_profiles: int
    sessions: int
    hours: float
    hours_per_active: float


@dataclass
class BreakdownRow:
    name: str
    sittings: int
    hours: float
    hours_share: float
    completion: float


@dataclass
class Cohort:
    week: str
    profiles: int
    retention: list[float | None]  # week 0, 1, ... (None: not reached yet)


@dataclass
class EngagementReport:
    start: str
    end: str
    active_profiles: int
    hours_per_profile: float
    sessions_per_profile: float
    completion: float
    days: list[DayRow]
    dayparts: list[BreakdownRow]
    devices: list[BreakdownRow]
    cohorts: list[Cohort]
    # Each daypart's leading genres in the log beside what the home page's ranking learned.
    daypart_genres: list[DaypartGenres] = field(default_factory=list)
    daypart_agreement: str = ""


def daily(log: LogView) -> list[DayRow]:
    act, s = log.activity, log.sittings
    n = log.day_count
    inside = (act.day >= 0) & (act.day < n)
    active = np.bincount(act.day[inside], minlength=n)
    sessions = np.bincount(act.day[inside], weights=act.sessions[inside], minlength=n)
    day_of = np.minimum(log.day_of(s.started), n - 1)
    hours = np.bincount(day_of, weights=s.watched / 3600.0, minlength=n) if len(s) else np.zeros(n)
    origin = log.start.date()
    return [
        DayRow(
            (origin + timedelta(days=i)).isoformat(),
            int(active[i]),
            int(sessions[i]),
            float(hours[i]),
            share(hours[i], active[i]),
        )
        for i in range(n)
    ]


def breakdown(log: LogView, groups: np.ndarray, names: list[str]) -> list[BreakdownRow]:
    """Sittings, hours and completion for each group of sittings (groups index into names)."""
    s = log.sittings
    hours = s.watched / 3600.0
    total = hours.sum()
    out = []
    for j, name in enumerate(names):
        mine = groups == j
        count = int(mine.sum())
        out.append(
            BreakdownRow(
                name,
                count,
                float(hours[mine].sum()),
                share(hours[mine].sum(), total),
                share(s.done[mine].sum(), count),
            )
        )
    return out


def cohorts(log: LogView) -> list[Cohort]:
    """Weekly retention of profiles created in the window."""
    ids, created_days, _ = log.profiles
    created_day = log.day_of(created_days * 86400.0)  # same day numbers as the activity
    act = log.activity
    n_weeks = int(np.ceil(log.days / 7))
    in_window = (created_days >= 0) & (created_day < log.days)
    out = []
    origin = log.start.date()
    active_weeks: dict[int, set[int]] = {}
    for p, d in zip(act.profile.tolist(), act.day.tolist(), strict=True):
        active_weeks.setdefault(p, set()).add(d // 7)
    for week in range(n_weeks):
        members = ids[in_window & (np.floor(created_day / 7) == week)]
        if not members.size:
            continue
        retention: list[float | None] = []
        for offset in range(n_weeks - week):
            back = sum(1 for p in members.tolist() if week + offset in active_weeks.get(p, ()))
            retention.append(back / members.size)
        retention += [None] * (n_weeks - len(retention))
        out.append(
            Cohort((origin + timedelta(days=7 * week)).isoformat(), int(members.size), retention)
        )
    return out


def engagement_report(log: LogView, context=None) -> EngagementReport:
    """The report; ``context`` is the served model's context table (None: not compared)."""
    s, act = log.sittings, log.activity
    active = np.unique(act.profile).size
    by_daypart = daypart_genres(log, context)
    devices = sorted(set(s.device.tolist())) if len(s) else []
    device_index = {d: i for i, d in enumerate(devices)}
    device_groups = np.fromiter((device_index[d] for d in s.device), dtype=np.int64, count=len(s))
    return EngagementReport(
        start=log.start.isoformat(),
        end=log.end.isoformat(),
        active_profiles=int(active),
        hours_per_profile=share(s.watched.sum() / 3600.0, active),
        sessions_per_profile=share(act.sessions.sum(), active),
        completion=share(s.done.sum(), len(s)),
        days=daily(log),
        dayparts=breakdown(log, daypart_of(s.hour), list(DAYPARTS)),
        devices=breakdown(log, device_groups, devices),
        cohorts=cohorts(log),
        daypart_genres=by_daypart,
        daypart_agreement=agreement(by_daypart),
    )
