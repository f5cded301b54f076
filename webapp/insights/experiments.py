"""Experiments: per-arm results with intervals.

Profiles are put in arms by `webapp.personalization.experiments.arm_for`.
Per arm: play rate from impressions (Wilson interval), viewing hours per
profile (normal interval), and retention: the share of profiles active in
the first half of the window who are active again in the last 14 days
(Wilson interval). The difference of each arm against the first (control)
is given with a normal-approximation 95 % interval.
"""

import math
from dataclasses import dataclass

import numpy as np

from webapp.insights.logview import LogView
from webapp.insights.stats import Z95, mean_interval, share, wilson_interval
from webapp.personalization.experiments import EXPERIMENTS, arm_for

RETENTION_DAYS = 14


@dataclass
class ArmResult:
    arm: str
    profiles: int
    impressions: int
    plays: int
    play_rate: float
    play_rate_low: float
    play_rate_high: float
    hours_per_profile: float
    hours_low: float
    hours_high: float
    retained: int
    eligible: int
    retention: float
    retention_low: float
    retention_high: float
    play_rate_diff: tuple[float, float, float] | None  # vs control: diff, low, high
    retention_diff: tuple[float, float, float] | None


@dataclass
class ExperimentReport:
    key: str
    description: str
    start: str
    end: str
    arms: list[ArmResult]


def _diff(k1: float, n1: float, k0: float, n0: float) -> tuple[float, float, float] | None:
    if not n1 or not n0:
        return None
    p1, p0 = k1 / n1, k0 / n0
    half = Z95 * math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    return p1 - p0, p1 - p0 - half, p1 - p0 + half


def experiment_report(log: LogView, key: str) -> ExperimentReport:
    experiment = EXPERIMENTS[key]
    act, imp, s = log.activity, log.impressions, log.sittings
    profiles = np.unique(act.profile)
    arm_of = {int(p): arm_for(int(p), key) for p in profiles}
    arms = lambda ids: np.array([arm_of.get(int(p), "") for p in ids], dtype=object)
    imp_arm = arms(imp.profile)
    hours = {int(p): 0.0 for p in profiles}
    for p, w in zip(s.profile.tolist(), (s.watched / 3600.0).tolist(), strict=True):
        hours[p] = hours.get(p, 0.0) + w
    split = max(log.days - RETENTION_DAYS, 1)
    early = set(act.profile[act.day < min(split, log.days // 2 or 1)].tolist())
    late = set(act.profile[act.day >= split].tolist())
    results: list[ArmResult] = []
    for arm in experiment.arms:
        members = [p for p, a in arm_of.items() if a == arm]
        shown = int(imp.shown[imp_arm == arm].sum())
        played = int(imp.played[imp_arm == arm].sum())
        low, high = wilson_interval(played, shown)
        mean, h_low, h_high = mean_interval(np.array([hours[p] for p in members]))
        eligible = [p for p in members if p in early]
        retained = sum(1 for p in eligible if p in late)
        r_low, r_high = wilson_interval(retained, len(eligible))
        results.append(
            ArmResult(
                arm,
                len(members),
                shown,
                played,
                share(played, shown),
                low,
                high,
                mean,
                h_low,
                h_high,
                retained,
                len(eligible),
                share(retained, len(eligible)),
                r_low,
                r_high,
                None,
                None,
            )
        )
    control = results[0]
    for result in results[1:]:
        result.play_rate_diff = _diff(
            result.plays, result.impressions, control.plays, control.impressions
        )
        result.retention_diff = _diff(
            result.retained, result.eligible, control.retained, control.eligible
        )
    return ExperimentReport(
        key, experiment.description, log.start.isoformat(), log.end.isoformat(), results
    )
