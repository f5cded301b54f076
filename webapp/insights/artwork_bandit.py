"""Artwork personalization: Thompson sampling over artwork variants per segment.

Reward: an impression of a title is a success when the same profile starts
playing that title within PLAY_WITHIN of seeing it. Posteriors are Beta per
(segment, title, variant) with an empirical-Bayes prior: PRIOR_STRENGTH
pseudo-impressions at the segment's play rate for that artwork style, so a
title with little data borrows what the segment likes across titles.
Profiles without a segment use the pooled "everyone" posterior. With
probability EPSILON a variant is drawn uniformly at random (exploration).

`refresh_bandit` counts impressions from the log and stores the posteriors
in the report cache; `choose_variants` only reads them (no per-call scans).

Offline replay (`replay_estimate`): the posteriors are learnt from the first
TRAIN_SHARE of the window and the resulting greedy-with-EPSILON policy is
scored on the later, uniformly-random logged impressions by inverse
propensity scoring: value = sum(played * pi(variant) / (1 / K)) / impressions,
against the logged (uniform) play rate.
"""

import math
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from webapp.extensions import db
from webapp.insights import cache
from webapp.insights.logview import LogView
from webapp.insights.segments import segment_for, segment_map
from webapp.insights.stats import Z95, share, wilson_interval
from webapp.models.catalog import Artwork

EPSILON = 0.1
PRIOR_STRENGTH = 20.0
TRAIN_SHARE = 0.7
EVERYONE = -1
CACHE_NAME = "artwork_bandit"


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


@dataclass
class Counts:
    """Impressions and plays per (segment, title, variant), segment EVERYONE pooled."""

    segment: np.ndarray
    title: np.ndarray
    variant: np.ndarray
    shown: np.ndarray
    played: np.ndarray


def artwork_styles(session, title_ids=None) -> dict[int, list[tuple[int, str]]]:
    """title id -> [(variant, style)] in variant order."""
    query = select(Artwork.title_id, Artwork.variant, Artwork.style).order_by(
        Artwork.title_id, Artwork.variant
    )
    if title_ids is not None:
        query = query.where(Artwork.title_id.in_(list(title_ids)))
    out: dict[int, list[tuple[int, str]]] = {}
    for title_id, variant, style in session.execute(query):
        out.setdefault(title_id, []).append((variant, style))
    return out


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


class Model:
    """Posteriors ready for choosing: dictionaries keyed by segment and title."""

    def __init__(self, counts: Counts, styles: dict[int, list[tuple[int, str]]]):
        self.styles = styles
        self.cells: dict[tuple[int, int], dict[int, tuple[int, int]]] = {}
        style_of = {(t, v): st for t, vs in styles.items() for v, st in vs}
        self.style_rate: dict[tuple[int, str], tuple[int, int]] = {}
        for s, t, v, n, k in zip(
            counts.segment.tolist(),
            counts.title.tolist(),
            counts.variant.tolist(),
            counts.shown.tolist(),
            counts.played.tolist(),
            strict=True,
        ):
            self.cells.setdefault((s, t), {})[v] = (n, k)
            style = style_of.get((t, v))
            if style is not None:
                n0, k0 = self.style_rate.get((s, style), (0, 0))
                self.style_rate[(s, style)] = (n0 + n, k0 + k)

    def prior_mean(self, segment: int, style: str) -> float:
        n, k = (
            self.style_rate.get((segment, style))
            or self.style_rate.get((EVERYONE, style))
            or (0, 0)
        )
        return (k + 1.0) / (n + 2.0)

    def posterior(
        self, segment: int, title_id: int, variants: list[tuple[int, str]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Beta (alpha, beta) of each variant of a title for a segment."""
        cells = self.cells.get((segment, title_id), {})
        alpha, beta = np.empty(len(variants)), np.empty(len(variants))
        for i, (variant, style) in enumerate(variants):
            mu = self.prior_mean(segment, style)
            n, k = cells.get(variant, (0, 0))
            alpha[i] = PRIOR_STRENGTH * mu + k
            beta[i] = PRIOR_STRENGTH * (1 - mu) + (n - k)
        return alpha, beta

    def greedy(self, segment: int, title_id: int) -> int | None:
        """The variant with the highest posterior mean (None without artwork)."""
        variants = self.styles.get(title_id)
        if not variants:
            return None
        alpha, beta = self.posterior(segment, title_id, variants)
        return variants[int(np.argmax(alpha / (alpha + beta)))][0]


def refresh_bandit(log: LogView, counts: Counts) -> Model:
    """Store the posteriors of the window's counts (with the catalog's artwork styles)."""
    styles = artwork_styles(log.session)
    style_names = sorted({st for vs in styles.values() for _, st in vs})
    style_index = {st: i for i, st in enumerate(style_names)}
    art = [(t, v, style_index[st]) for t, vs in styles.items() for v, st in vs]
    art_array = np.array(art, dtype=np.int64).reshape(-1, 3)
    cache.store_arrays(
        CACHE_NAME,
        segment=counts.segment,
        title=counts.title,
        variant=counts.variant,
        shown=counts.shown,
        played=counts.played,
        art=art_array,
        style_names=np.array(style_names or [""], dtype=str),
    )
    return Model(counts, styles)


def cached_model() -> Model | None:
    """The posteriors of the last refresh, built once per process and file version."""
    path = cache.cache_dir() / f"{CACHE_NAME}.npz"

    def build():
        arrays = cache.load_arrays(CACHE_NAME)
        if arrays is None:
            return None
        names = arrays["style_names"].tolist()
        styles: dict[int, list[tuple[int, str]]] = {}
        for t, v, st in arrays["art"].tolist():
            styles.setdefault(t, []).append((v, names[st]))
        counts = Counts(
            arrays["segment"], arrays["title"], arrays["variant"], arrays["shown"], arrays["played"]
        )
        return Model(counts, styles)

    return cache.memo(path, build)


def choose_variants(
    profile_id: int,
    title_ids,
    rng: np.random.Generator | None = None,
    epsilon: float = EPSILON,
    catalog_styles: dict[int, list[tuple[int, str]]] | None = None,
) -> dict[int, int]:
    """The artwork variant each title should show this profile (titles without artwork left out).

    Thompson sampling from the cached posteriors of the profile's segment;
    with probability `epsilon` a uniformly random variant instead.
    `catalog_styles` (as `artwork_styles` returns), when the caller already
    holds the catalog's artwork, answers for titles the last refresh did not
    see in place of a query.
    """
    rng = rng or np.random.default_rng()
    title_ids = [int(t) for t in title_ids]
    model = cached_model()
    segment = segment_for(profile_id)
    segment = EVERYONE if segment is None else segment
    known = model.styles if model else {}
    # Titles added since the last refresh: one indexed query for their variants.
    missing = [t for t in title_ids if t not in known]
    extra = {t: catalog_styles[t] for t in missing if t in catalog_styles} if catalog_styles else {}
    missing = [t for t in missing if t not in extra]
    if missing:
        extra.update(artwork_styles(db.session, missing))
    chosen: dict[int, int] = {}
    for title_id in title_ids:
        variants = known.get(title_id) or extra.get(title_id)
        if not variants:
            continue
        if model is None or len(variants) == 1 or rng.random() < epsilon:
            chosen[title_id] = variants[int(rng.integers(len(variants)))][0]
            continue
        alpha, beta = model.posterior(segment, title_id, variants)
        chosen[title_id] = variants[int(np.argmax(rng.beta(alpha, beta)))][0]
    return chosen


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
