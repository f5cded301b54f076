"""Artwork personalization, reported: how each variant and style did, per segment.

The choice itself is made on every home page by
`webapp.personalization.artwork`. Reward: an impression of a title is a
success when the same profile starts playing that title within PLAY_WITHIN
of seeing it. `refresh_bandit` counts impressions from the log and stores
the posteriors the choice reads.

Offline replay (`replay_estimate`): the posteriors are learnt from the first
TRAIN_SHARE of the window and the resulting greedy-with-EPSILON policy is
scored on the later, uniformly-random logged impressions by inverse
propensity scoring: value = sum(played * pi(variant) / (1 / K)) / impressions,
against the logged (uniform) play rate.
"""

import math
from dataclasses import dataclass

import numpy as np

from webapp.insights.logview import LogView
from webapp.insights.stats import Z95, share, wilson_interval
from webapp.personalization.artwork import (
    EPSILON,
    EVERYONE,
    Counts,
    Model,
    artwork_styles,
    cached_model,
    store_posteriors,
)
from webapp.personalization.segments import segment_map

TRAIN_SHARE = 0.7


@dataclass
class Cell:
    segment: str
    style: str
    variant: int | None
    impressions: int
    plays: int
    rate: float
    low: float
    high: float


@dataclass
class Replay:
    method: str
    train_days: int
    test_impressions: int
    uniform_rate: float
    policy_rate: float
    policy_low: float
    policy_high: float
    gain: float | None


@dataclass
class BanditReport:
    start: str
    end: str
    impressions: int
    plays: int
    segment_labels: dict[str, str]
    by_style: list[Cell]
    by_segment_style: list[Cell]
    best_style: dict[str, str]
    replay: Replay
    top_titles: list[tuple[int, str, int]]  # id, name, impressions


def pooled(counts, keep: np.ndarray | None = None) -> Counts:
    """Per-segment rows plus the EVERYONE rows (all profiles pooled) of artwork counts."""
    keep = np.ones(counts.segment.size, dtype=bool) if keep is None else keep
    seg = counts.segment[keep]
    keys = np.concatenate(
        [
            np.stack([seg, counts.title[keep], counts.variant[keep]], axis=1),
            np.stack(
                [np.full(seg.size, EVERYONE), counts.title[keep], counts.variant[keep]], axis=1
            ),
        ]
    )
    shown = np.concatenate([counts.shown[keep], counts.shown[keep]])
    played = np.concatenate([counts.played[keep], counts.played[keep]])
    # Profiles without a segment are already EVERYONE: count them once.
    once = ~((keys[:, 0] == EVERYONE) & (np.arange(len(keys)) < seg.size))
    keys, shown, played = keys[once], shown[once], played[once]
    if not len(keys):
        empty = np.zeros(0, dtype=np.int64)
        return Counts(empty, empty, empty, empty, empty)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    return Counts(
        segment=unique[:, 0],
        title=unique[:, 1],
        variant=unique[:, 2],
        shown=np.bincount(inverse, weights=shown, minlength=len(unique)).astype(np.int64),
        played=np.bincount(inverse, weights=played, minlength=len(unique)).astype(np.int64),
    )


def split_day(log: LogView) -> int:
    """First day of the replay's test period."""
    return max(1, round(log.days * TRAIN_SHARE))


def refresh_bandit(log: LogView, counts: Counts) -> Model:
    """Store the posteriors of the window's counts (with the catalog's artwork styles)."""
    return store_posteriors(counts, artwork_styles(log.session))


def _cells(counts: Counts, styles, labels: dict[int, str], by_segment: bool) -> list[Cell]:
    style_of = {(t, v): st for t, vs in styles.items() for v, st in vs}
    totals: dict[tuple[int, str], list[int]] = {}
    for s, t, v, n, k in zip(
        counts.segment.tolist(),
        counts.title.tolist(),
        counts.variant.tolist(),
        counts.shown.tolist(),
        counts.played.tolist(),
        strict=True,
    ):
        if by_segment == (s == EVERYONE):
            continue
        key = (s, style_of.get((t, v), "unknown"))
        total = totals.setdefault(key, [0, 0])
        total[0] += n
        total[1] += k
    out = []
    for (s, style), (n, k) in sorted(totals.items()):
        low, high = wilson_interval(k, n)
        out.append(Cell(labels.get(s, "Everyone"), style, None, n, k, share(k, n), low, high))
    return out


def replay_estimate(raw, train_days: int, styles) -> Replay:
    """IPS value of the policy learnt before the split, on the later uniformly-random impressions."""
    model = Model(pooled(raw, raw.period == 0), styles)
    test = raw.period == 1
    total_n, total_k, weighted, squares = 0, 0, 0.0, 0.0
    greedy_cache: dict[tuple[int, int], int | None] = {}
    for segment, t, v, n, k in zip(
        raw.segment[test].tolist(),
        raw.title[test].tolist(),
        raw.variant[test].tolist(),
        raw.shown[test].tolist(),
        raw.played[test].tolist(),
        strict=True,
    ):
        variants = styles.get(t)
        if not variants:
            continue
        key = (segment, t)
        if key not in greedy_cache:
            greedy_cache[key] = model.greedy(segment, t)
        size = len(variants)
        pi = EPSILON / size + (1 - EPSILON) * (greedy_cache[key] == v)
        w = pi * size  # pi / (1 / K): uniform logging propensity
        total_n += n
        total_k += k
        weighted += w * k
        squares += w * w * k
    uniform = share(total_k, total_n)
    value = share(weighted, total_n)
    if total_n > 1:
        half = Z95 * math.sqrt(max(squares / total_n - value * value, 0.0) / total_n)
    else:
        half = 0.0
    return Replay(
        method=(
            f"Inverse propensity scoring: posteriors learnt on the first {train_days} days, policy "
            f"(best posterior mean per segment and title, {EPSILON:.0%} random) replayed on the "
            f"later uniformly-random impressions, each weighted by pi(variant) / (1/K)."
        ),
        train_days=train_days,
        test_impressions=total_n,
        uniform_rate=uniform,
        policy_rate=value,
        policy_low=max(0.0, value - half),
        policy_high=value + half,
        gain=(value / uniform - 1.0) if uniform > 0 else None,
    )


def bandit_report(log: LogView, segment_labels: dict[int, str]) -> BanditReport:
    """Refresh the posteriors and describe them: rates per style and segment, replay gain."""
    split = split_day(log)
    raw = log.impressions_by_segment(segment_map(), split)
    counts = pooled(raw)
    model = refresh_bandit(log, counts)
    labels = {EVERYONE: "Everyone"} | segment_labels
    by_segment = _cells(counts, model.styles, labels, True)
    best: dict[str, str] = {}
    for cell in by_segment:
        current = best.get(cell.segment)
        rates = {c.style: c.rate for c in by_segment if c.segment == cell.segment}
        if current is None or rates[cell.style] > rates[current]:
            best[cell.segment] = cell.style
    everyone = counts.segment == EVERYONE
    per_title = (
        np.bincount(
            np.searchsorted(np.unique(counts.title[everyone]), counts.title[everyone]),
            weights=counts.shown[everyone],
        )
        if everyone.any()
        else np.zeros(0)
    )
    titles = np.unique(counts.title[everyone])
    names = dict(zip(log.catalog.ids.tolist(), log.catalog.names, strict=True))
    top = [
        (int(titles[i]), names.get(int(titles[i]), "?"), int(per_title[i]))
        for i in np.argsort(-per_title, kind="stable")[:30]
    ]
    return BanditReport(
        start=log.start.isoformat(),
        end=log.end.isoformat(),
        impressions=int(counts.shown[everyone].sum()),
        plays=int(counts.played[everyone].sum()),
        segment_labels={str(k): v for k, v in labels.items()},
        by_style=_cells(counts, model.styles, labels, False),
        by_segment_style=by_segment,
        best_style=best,
        replay=replay_estimate(raw, split, model.styles),
        top_titles=top,
    )


def title_cells(title_id: int, segment_labels: dict[str, str]) -> list[Cell]:
    """Impressions and play rate of each variant of one title, per segment (from the cache)."""
    model = cached_model()
    if model is None:
        return []
    variants = model.styles.get(title_id, [])
    out = []
    segments = sorted({s for (s, t) in model.cells if t == title_id})
    for segment in segments:
        cells = model.cells.get((segment, title_id), {})
        for variant, style in variants:
            n, k = cells.get(variant, (0, 0))
            low, high = wilson_interval(k, n)
            label = segment_labels.get(
                str(segment), "Everyone" if segment == EVERYONE else str(segment)
            )
            out.append(
                Cell(
                    "Everyone" if segment == EVERYONE else label,
                    style,
                    variant,
                    n,
                    k,
                    share(k, n),
                    low,
                    high,
                )
            )
    return out
