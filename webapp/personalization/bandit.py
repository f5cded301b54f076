"""One Thompson-sampling bandit per taste segment, for every choice among a title's variants.

Artwork (webapp.personalization.artwork) and trailers
(webapp.personalization.trailers) both use it. Arms are a title's variants;
each variant belongs to a group (an artwork style, a trailer cut's name)
shared across titles. Posteriors are Beta per (segment, title, variant) with
an empirical-Bayes prior: PRIOR_STRENGTH pseudo-impressions at the segment's
rate for the variant's group, so a title with little data borrows what the
segment likes across titles. Profiles without a segment use the pooled
EVERYONE posterior; with probability EPSILON a variant is drawn uniformly
(exploration). The insights refresh counts impressions and rewards and stores
them (`store_counts`); `Bandit.choose`, called on page loads, only reads.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from webapp.personalization import store
from webapp.personalization.segments import segment_for

EPSILON = 0.1
PRIOR_STRENGTH = 20.0
EVERYONE = -1

Variants = dict[int, list[tuple[int, str]]]  # title id -> [(variant, group)] in variant order


@dataclass
class Counts:
    """Impressions and rewarded impressions per (segment, title, variant), EVERYONE pooled."""

    segment: np.ndarray
    title: np.ndarray
    variant: np.ndarray
    shown: np.ndarray
    played: np.ndarray

    def rows(self) -> Iterator[tuple[int, int, int, int, int]]:
        """(segment, title, variant, shown, played) of each cell, as Python ints."""
        return zip(
            self.segment.tolist(),
            self.title.tolist(),
            self.variant.tolist(),
            self.shown.tolist(),
            self.played.tolist(),
            strict=True,
        )

    @classmethod
    def empty(cls) -> "Counts":
        nothing = np.zeros(0, dtype=np.int64)
        return cls(nothing, nothing, nothing, nothing, nothing)


class Model:
    """Posteriors ready for choosing: dictionaries keyed by segment and title."""

    def __init__(self, counts: Counts, variants: Variants):
        self.variants = variants
        self.cells: dict[tuple[int, int], dict[int, tuple[int, int]]] = {}
        group_of = {(t, v): g for t, vs in variants.items() for v, g in vs}
        self.group_rate: dict[tuple[int, str], tuple[int, int]] = {}
        for s, t, v, n, k in counts.rows():
            self.cells.setdefault((s, t), {})[v] = (n, k)
            group = group_of.get((t, v))
            if group is not None:
                n0, k0 = self.group_rate.get((s, group), (0, 0))
                self.group_rate[(s, group)] = (n0 + n, k0 + k)

    @property
    def styles(self) -> Variants:
        """The variants per title (for artwork, the group is the style)."""
        return self.variants

    def prior_mean(self, segment: int, group: str) -> float:
        n, k = (
            self.group_rate.get((segment, group))
            or self.group_rate.get((EVERYONE, group))
            or (0, 0)
        )
        return (k + 1.0) / (n + 2.0)

    def posterior(
        self, segment: int, title_id: int, variants: list[tuple[int, str]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Beta (alpha, beta) of each variant of a title for a segment."""
        cells = self.cells.get((segment, title_id), {})
        alpha, beta = np.empty(len(variants)), np.empty(len(variants))
        for i, (variant, group) in enumerate(variants):
            mu = self.prior_mean(segment, group)
            n, k = cells.get(variant, (0, 0))
            alpha[i] = PRIOR_STRENGTH * mu + k
            beta[i] = PRIOR_STRENGTH * (1 - mu) + (n - k)
        return alpha, beta

    def greedy(self, segment: int, title_id: int) -> int | None:
        """The variant with the highest posterior mean (None without variants)."""
        variants = self.variants.get(title_id)
        if not variants:
            return None
        alpha, beta = self.posterior(segment, title_id, variants)
        return variants[int(np.argmax(alpha / (alpha + beta)))][0]


class Bandit:
    """A named bandit: its stored counts, its cached model, its choices."""

    def __init__(self, name: str):
        self.name = name

    def store_counts(self, counts: Counts, variants: Variants) -> Model:
        """Keep the counts (with the catalog's variants and their groups) for every worker."""
        groups = sorted({g for vs in variants.values() for _, g in vs})
        index = {g: i for i, g in enumerate(groups)}
        table = [(t, v, index[g]) for t, vs in variants.items() for v, g in vs]
        store.store_arrays(
            self.name,
            segment=counts.segment,
            title=counts.title,
            variant=counts.variant,
            shown=counts.shown,
            played=counts.played,
            art=np.array(table, dtype=np.int64).reshape(-1, 3),
            style_names=np.array(groups or [""], dtype=str),
        )
        return Model(counts, variants)

    def model(self) -> Model | None:
        """The posteriors of the last refresh, built once per process and file version."""

        def build():
            arrays = store.load_arrays(self.name)
            if arrays is None:
                return None
            names = arrays["style_names"].tolist()
            variants: Variants = {}
            for t, v, g in arrays["art"].tolist():
                variants.setdefault(t, []).append((v, names[g]))
            counts = Counts(
                arrays["segment"],
                arrays["title"],
                arrays["variant"],
                arrays["shown"],
                arrays["played"],
            )
            return Model(counts, variants)

        return store.memo(self.name, build)

    def choose(
        self,
        profile_id: int,
        title_ids,
        lookup,
        rng: np.random.Generator | None = None,
        epsilon: float = EPSILON,
        current: Variants | None = None,
    ) -> dict[int, int]:
        """The variant each title should show this profile (titles without variants left out).

        Thompson sampling from the cached posteriors of the profile's segment;
        with probability `epsilon` a uniformly random variant instead.
        `lookup(title_ids)` gives the variants of titles the last refresh did
        not see (added since); `current`, when given, is the catalog's own
        list for its titles and overrides what the refresh saw.
        """
        rng = rng or np.random.default_rng()
        title_ids = [int(t) for t in title_ids]
        model = self.model()
        segment = segment_for(profile_id)
        segment = EVERYONE if segment is None else segment
        current = current or {}
        known = model.variants if model else {}
        missing = [t for t in title_ids if t not in current and t not in known]
        extra = lookup(missing) if missing else {}
        chosen: dict[int, int] = {}
        for title_id in title_ids:
            if title_id in current:
                variants = current[title_id]
            else:
                variants = known.get(title_id) or extra.get(title_id)
            if not variants:
                continue
            if model is None or len(variants) == 1 or rng.random() < epsilon:
                chosen[title_id] = variants[int(rng.integers(len(variants)))][0]
                continue
            alpha, beta = model.posterior(segment, title_id, variants)
            chosen[title_id] = variants[int(np.argmax(rng.beta(alpha, beta)))][0]
        return chosen
