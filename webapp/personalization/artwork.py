"""Artwork choice: Thompson sampling over a title's artwork variants, per taste segment.

Posteriors are Beta per (segment, title, variant) with an empirical-Bayes
prior: PRIOR_STRENGTH pseudo-impressions at the segment's play rate for that
artwork style, so a title with little data borrows what the segment likes
across titles. Profiles without a segment use the pooled "everyone"
posterior. With probability EPSILON a variant is drawn uniformly at random
(exploration). The insights refresh counts impressions and stores the counts
(`store_posteriors`); `choose_variants`, called on every home page, only
reads them.
"""

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from webapp.caching import memo_file
from webapp.extensions import db
from webapp.insights import cache
from webapp.models.catalog import Artwork
from webapp.personalization.segments import segment_for

EPSILON = 0.1
PRIOR_STRENGTH = 20.0
EVERYONE = -1
CACHE_NAME = "artwork_bandit"


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


def store_posteriors(counts: Counts, styles: dict[int, list[tuple[int, str]]]) -> Model:
    """Keep the counts (with the catalog's artwork styles) for every worker's choices."""
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

    return memo_file(path, build)


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
    # The catalog's own variant lists come first: a variant uploaded or deleted since
    # the last refresh is an arm (or no longer one) at once; its counts start at the prior.
    current = catalog_styles or {}
    # Titles neither list holds (added since): one indexed query for their variants.
    missing = [t for t in title_ids if t not in current and t not in known]
    extra = artwork_styles(db.session, missing) if missing else {}
    chosen: dict[int, int] = {}
    for title_id in title_ids:
        variants = current.get(title_id) or known.get(title_id) or extra.get(title_id)
        if not variants:
            continue
        if model is None or len(variants) == 1 or rng.random() < epsilon:
            chosen[title_id] = variants[int(rng.integers(len(variants)))][0]
            continue
        alpha, beta = model.posterior(segment, title_id, variants)
        chosen[title_id] = variants[int(np.argmax(rng.beta(alpha, beta)))][0]
    return chosen
