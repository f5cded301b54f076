"""The training pipeline's context stage: time of day and device, measured on the site's own log.

Every play start is a choice made at a local hour, on a weekday or at the
weekend, on a device. The stage measures the context re-ranker
(`recommender.context`) on the trainer's temporal holdout, where each
held-out choice is asked for in the context it was made in, and switches it
on for serving only when it wins by CONTEXT_MARGIN overall and loses on no
device class or daypart with MIN_SLICE_REQUESTS or more requests. The
figures and the decision are stored with the model version.
"""

import logging
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from recommender import HybridRecommender, Interactions, ItemFeatures
from recommender.context import ContextModel, compare_with_context, context_cells, decide
from recommender.protocol import temporal_split
from webapp.activity.vocabulary import PLAY_START
from webapp.extensions import db
from webapp.models import Event, Profile
from webapp.recommendations.feedback import to_unix

log = logging.getLogger(__name__)

CONTEXT_MARGIN = 0.02  # relative NDCG@10 gain the context must bring overall
MIN_SLICE_REQUESTS = 50  # a slice this large must not lose NDCG@10
CANDIDATES = 100  # the hybrid's top titles the context re-weights
EVAL_PROFILES = 2000


@dataclass
class Choices:
    """One row per title chosen: who, which household, what, when (Unix) and in what context."""

    profiles: np.ndarray
    accounts: np.ndarray
    titles: np.ndarray
    at: np.ndarray
    hours: np.ndarray
    weekdays: np.ndarray
    devices: np.ndarray

    def subset(self, mask: np.ndarray) -> "Choices":
        return Choices(*(getattr(self, f)[mask] for f in self.__dataclass_fields__))

    def fit(self, context: ContextModel, features: ItemFeatures) -> ContextModel:
        return context.fit(
            self.profiles,
            self.accounts,
            self.titles,
            self.hours,
            self.weekdays,
            self.devices,
            features.item_ids,
            features.genres,
        )


def read_choices(chunk: int = 100_000) -> Choices:
    """Play starts with their context, the first of each title in a viewing session.

    Binge-watching a series starts every episode; counting each would let one
    evening's series outweigh everything else chosen in that context.
    """
    query = (
        select(
            Event.profile_id,
            Profile.account_id,
            Event.title_id,
            Event.occurred_at,
            Event.local_hour,
            Event.local_weekday,
            Event.device,
            Event.session_id,
        )
        .join(Profile, Profile.id == Event.profile_id)
        .where(Event.type == PLAY_START, Event.title_id.is_not(None))
        .order_by(Event.id)
        .execution_options(yield_per=chunk)
    )
    rows, seen = [], set()
    for profile, account, title, at, hour, weekday, device, session in db.session.execute(query):
        if session is not None:
            key = (profile, title, session)
            if key in seen:
                continue
            seen.add(key)
        rows.append((profile, account, title, to_unix(at), hour, weekday, device))
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return Choices(empty, empty, empty, np.zeros(0), np.zeros(0), np.zeros(0), np.array([]))
    profiles, accounts, titles, at, hours, weekdays, devices = zip(*rows, strict=True)

    def numbers(values) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

    return Choices(
        np.asarray(profiles, dtype=np.int64),
        np.asarray(accounts, dtype=np.int64),
        np.asarray(titles, dtype=np.int64),
        np.asarray(at, dtype=np.float64),
        numbers(hours),
        numbers(weekdays),
        np.asarray(devices, dtype=object),
    )


def _pair_keys(users: np.ndarray, items: np.ndarray) -> np.ndarray:
    return users.astype(np.int64) * (1 << 32) + items.astype(np.int64)


def holdout_requests(choices: Choices, test: Interactions) -> list[tuple]:
    """Held-out titles grouped by profile and the context of their latest choice.

    Each group is one request (profile, hour, weekday, device, relevant ids):
    the profile asking for something in that context, and what it chose there.
    """
    positives = test.subset(test.weights > 0)
    wanted = set(_pair_keys(positives.user_ids, positives.item_ids).tolist())
    keys = _pair_keys(choices.profiles, choices.titles)
    cells = context_cells(choices.hours, choices.weekdays, choices.devices)
    latest: dict[int, int] = {}
    for row in np.argsort(choices.at, kind="stable").tolist():
        key = int(keys[row])
        if key in wanted and cells[row] >= 0:
            latest[key] = row
    groups: dict[tuple[int, int], tuple[int, set[int]]] = {}
    for row in latest.values():
        profile = int(choices.profiles[row])
        _, relevant = groups.setdefault((profile, int(cells[row])), (row, set()))
        relevant.add(int(choices.titles[row]))
    return [
        (
            profile,
            int(choices.hours[first]),
            int(choices.weekdays[first]),
            str(choices.devices[first]),
            relevant,
        )
        for (profile, _), (first, relevant) in sorted(groups.items())
    ]


def measure_context(
    inter: Interactions, features: ItemFeatures, params: dict, choices: Choices, seed: int = 42
) -> dict:
    """Figures with and without context on the trainer's temporal holdout (see module docstring)."""
    train, test = temporal_split(inter)
    requests = holdout_requests(choices, test)
    if not requests:
        return {}
    profiles = np.unique([r[0] for r in requests])
    if len(profiles) > EVAL_PROFILES:
        profiles = np.random.default_rng(seed).choice(profiles, EVAL_PROFILES, replace=False)
        chosen = set(profiles.tolist())
        requests = [r for r in requests if r[0] in chosen]
    # The context learns only from choices of the titles left in training.
    learned = np.isin(
        _pair_keys(choices.profiles, choices.titles), _pair_keys(train.user_ids, train.item_ids)
    )
    context = choices.subset(learned).fit(ContextModel(), features)
    hybrid = HybridRecommender(**params).fit(train, features)
    candidates = {}
    for profile in profiles.tolist():
        recs = hybrid.recommend(profile, k=CANDIDATES)
        candidates[profile] = (
            np.array([r.item_id for r in recs], dtype=np.int64),
            np.array([r.score for r in recs], dtype=np.float64),
        )
    return compare_with_context(context, candidates, requests)


def context_stage(
    model, inter: Interactions, features: ItemFeatures, params: dict, evaluate: bool
) -> dict:
    """Measure, decide, and fit the context on the whole log beside `model` (as `model.context`).

    Returns what is stored with the version: the figures, the decision and why.
    """
    choices = read_choices()
    figures = measure_context(inter, features, params, choices) if evaluate else {}
    if figures:
        decision = decide(figures, margin=CONTEXT_MARGIN, min_requests=MIN_SLICE_REQUESTS)
    else:
        why = "not measured" if not evaluate else "no held-out choices with a context"
        decision = {"enabled": False, "gain": None, "why": why}
    context = choices.fit(ContextModel(enabled=decision["enabled"]), features)
    summary = {
        **decision,
        "margin": CONTEXT_MARGIN,
        "min_slice_requests": MIN_SLICE_REQUESTS,
        "profiles_with_pattern": len(context.profile_ids),
        "figures": figures,
    }
    context.metrics = summary
    model.context = context
    log.info("context: %s (%s)", "on" if decision["enabled"] else "off", decision["why"])
    return summary
