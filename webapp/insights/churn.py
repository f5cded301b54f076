"""Churn risk: who is likely to have no activity at all in the next 14 days.

Features of a profile at a cutoff day, from the LOOKBACK days before it
(only profiles active in that time are scored): recency, active days,
hours, completion, trend of hours (last half vs first half), breadth of
taste (genres watched), recommendation uptake (impressions followed by a
play / impressions) and My List adds. A standardised logistic regression is
trained at an earlier cutoff and scored on a later one it never saw (held-out
ROC AUC and a calibration table); the at-risk list comes from a model refit
on both, scored at the end of the window, and lists profiles seen in the
last LISTED_RECENCY days (those gone longer have churned already). A driver is coefficient x
standardised value: how far that feature pushes this profile's risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select

from webapp.activity.vocabulary import LIST_ADD
from webapp.insights.logview import LogView
from webapp.models import Account, Profile

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

HORIZON = 14
LOOKBACK = 28
LISTED_RECENCY = 7
FEATURES = (
    "recency_days",
    "active_days",
    "hours",
    "completion",
    "trend",
    "genres",
    "uptake",
    "list_adds",
)
FEATURE_LABELS = {
    "recency_days": "days since last visit",
    "active_days": "active days",
    "hours": "hours watched",
    "completion": "completion rate",
    "trend": "viewing trend",
    "genres": "genres watched",
    "uptake": "plays from recommendations",
    "list_adds": "My List adds",
}


@dataclass
class Features:
    profiles: np.ndarray
    values: np.ndarray  # profiles x FEATURES
    churned: np.ndarray | None  # None when the horizon is not in the window yet


@dataclass
class CalibrationBin:
    predicted: float
    observed: float
    profiles: int


@dataclass
class AtRisk:
    profile_id: int
    name: str
    account: str
    risk: float
    drivers: list[tuple[str, float, float]]  # label, value, contribution


@dataclass
class ChurnReport:
    start: str
    end: str
    train_cutoff: str
    test_cutoff: str
    train_profiles: int
    test_profiles: int
    base_rate: float
    auc: float | None
    calibration: list[CalibrationBin]
    coefficients: list[tuple[str, float]]
    at_risk: list[AtRisk]
    scored_profiles: int


def features_at(log: LogView, cutoff: int, lookback: int = LOOKBACK) -> Features:
    """Feature rows for profiles active in [cutoff - lookback, cutoff), with labels if known."""
    lookback = max(1, min(lookback, cutoff))
    start = cutoff - lookback
    act, s, imp, cat = log.activity, log.sittings, log.impressions, log.catalog
    before = (act.day >= start) & (act.day < cutoff)
    profiles = np.unique(act.profile[before])
    n = profiles.size
    values = np.zeros((n, len(FEATURES)))
    if not n:
        return Features(profiles, values, None)
    pos = lambda ids: np.searchsorted(profiles, ids)

    def member(ids):
        p = np.minimum(pos(ids), n - 1)
        return p, profiles[p] == ids

    p, ok = member(act.profile)
    ok &= before
    last = np.full(n, -1)
    np.maximum.at(last, p[ok], act.day[ok])
    values[:, 0] = cutoff - last
    values[:, 1] = np.bincount(p[ok], minlength=n)
    sday = log.day_of(s.started)
    p, ok = member(s.profile)
    ok &= (sday >= start) & (sday < cutoff)
    hours = s.watched / 3600.0
    values[:, 2] = np.bincount(p[ok], weights=hours[ok], minlength=n)
    sittings = np.bincount(p[ok], minlength=n)
    done = np.bincount(p[ok], weights=s.done[ok].astype(float), minlength=n)
    overall = done.sum() / max(sittings.sum(), 1)
    values[:, 3] = np.where(sittings > 0, done / np.maximum(sittings, 1), overall)
    middle = start + lookback / 2
    recent = np.bincount(p[ok], weights=np.where(sday[ok] >= middle, hours[ok], 0.0), minlength=n)
    earlier = values[:, 2] - recent
    values[:, 4] = (recent - earlier) / (recent + earlier + 1.0)
    rows = cat.rows_of(s.title)
    seen = ok & (rows >= 0)
    if seen.any():
        genre_hits = np.zeros((n, cat.genre_matrix.shape[1]))
        np.add.at(genre_hits, p[seen], cat.genre_matrix[rows[seen]])
        values[:, 5] = (genre_hits > 0).sum(axis=1)
    p, ok = member(imp.profile)
    ok &= (imp.day >= start) & (imp.day < cutoff)
    shown = np.bincount(p[ok], weights=imp.shown[ok], minlength=n)
    played = np.bincount(p[ok], weights=imp.played[ok], minlength=n)
    values[:, 6] = np.where(shown > 0, played / np.maximum(shown, 1), 0.0)
    lp, lday, lcount = log.actions[LIST_ADD]
    p, ok = member(lp)
    ok &= (lday >= start) & (lday < cutoff)
    values[:, 7] = np.bincount(p[ok], weights=lcount[ok], minlength=n)
    churned = None
    if cutoff + HORIZON <= log.days:
        p, ok = member(act.profile)
        ok &= (act.day >= cutoff) & (act.day < cutoff + HORIZON)
        churned = np.bincount(p[ok], minlength=n) == 0
    return Features(profiles, values, churned)


def fit(features: list[Features]) -> tuple[StandardScaler, LogisticRegression] | None:
    """Standardise and fit on the labelled rows of one or more cutoffs (None if one class only)."""
    x = np.vstack([f.values for f in features])
    y = np.concatenate([f.churned for f in features])
    if len(set(y.tolist())) < 2:
        return None
    # scikit-learn is imported where the reports are computed (a child process),
    # so that the site's own start-up (every worker, every command) skips it.
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    model = LogisticRegression(max_iter=1000, class_weight=None).fit(scaler.transform(x), y)
    return scaler, model


def calibration_table(
    predicted: np.ndarray, observed: np.ndarray, bins: int = 5
) -> list[CalibrationBin]:
    """Predicted against observed churn in equal-count bins of predicted risk."""
    order = np.argsort(predicted, kind="stable")
    return [
        CalibrationBin(
            float(predicted[chunk].mean()), float(observed[chunk].mean()), int(chunk.size)
        )
        for chunk in np.array_split(order, min(bins, max(predicted.size, 1)))
        if chunk.size
    ]


def drivers(scaler, model, row: np.ndarray, top: int = 3) -> list[tuple[str, float, float]]:
    """The features pushing this profile's risk up most: (label, value, coefficient x z)."""
    contribution = model.coef_[0] * scaler.transform(row[None, :])[0]
    order = np.argsort(-contribution, kind="stable")[:top]
    return [
        (FEATURE_LABELS[FEATURES[j]], float(row[j]), float(contribution[j]))
        for j in order
        if contribution[j] > 0
    ]


def churn_report(log: LogView, at_risk: int = 50) -> ChurnReport:
    days = log.days
    train_cut, test_cut = max(days - 2 * HORIZON, 1), max(days - HORIZON, 1)
    train, test = features_at(log, train_cut), features_at(log, test_cut)
    labelled = [f for f in (train,) if f.churned is not None and f.profiles.size]
    fitted = fit(labelled) if labelled else None
    auc, table = None, []
    if fitted and test.churned is not None and test.profiles.size:
        scaler, model = fitted
        predicted = model.predict_proba(scaler.transform(test.values))[:, 1]
        if len(set(test.churned.tolist())) > 1:
            from sklearn.metrics import roc_auc_score

            auc = float(roc_auc_score(test.churned, predicted))
        table = calibration_table(predicted, test.churned.astype(float))
    both = [f for f in (train, test) if f.churned is not None and f.profiles.size]
    final = fit(both) if both else None
    now = features_at(log, days)
    risky: list[AtRisk] = []
    coefficients: list[tuple[str, float]] = []
    if final and now.profiles.size:
        scaler, model = final
        coefficients = [
            (FEATURE_LABELS[f], float(c)) for f, c in zip(FEATURES, model.coef_[0], strict=True)
        ]
        risk = model.predict_proba(scaler.transform(now.values))[:, 1]
        # Listed: profiles still around (seen in the last LISTED_RECENCY days); the others are gone already.
        risk = np.where(now.values[:, 0] <= LISTED_RECENCY, risk, -1.0)
        order = np.argsort(-risk, kind="stable")[: min(at_risk, int((risk >= 0).sum()))]
        names = _profile_names(log, now.profiles[order].tolist())
        for i in order:
            pid = int(now.profiles[i])
            name, email = names.get(pid, ("?", "?"))
            risky.append(
                AtRisk(pid, name, email, float(risk[i]), drivers(scaler, model, now.values[i]))
            )
    labels = np.concatenate([f.churned for f in both]) if both else np.zeros(0)
    return ChurnReport(
        start=log.start.isoformat(),
        end=log.end.isoformat(),
        train_cutoff=_day_label(log, train_cut),
        test_cutoff=_day_label(log, test_cut),
        train_profiles=int(train.profiles.size),
        test_profiles=int(test.profiles.size),
        base_rate=float(labels.mean()) if labels.size else 0.0,
        auc=auc,
        calibration=table,
        coefficients=coefficients,
        at_risk=risky,
        scored_profiles=int(now.profiles.size),
    )


def _day_label(log: LogView, day: int) -> str:
    from datetime import timedelta

    return (log.start.date() + timedelta(days=day)).isoformat()


def _profile_names(log: LogView, ids: list[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = log.session.execute(
        select(Profile.id, Profile.name, Account.email)
        .join(Account, Account.id == Profile.account_id)
        .where(Profile.id.in_(ids))
    ).all()
    return {r[0]: (r[1], r[2]) for r in rows}
