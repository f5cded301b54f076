"""Simulated browsing: the home page's rows as a viewer sees them, and which card they click.

A mixin of webapp.seed.simulate.ViewerSimulation: impressions for the cards on
screen, a softmax choice among them (the preferred artwork style draws more
clicks), then the title page, where the viewer may save the title or play it.
"""

import numpy as np

from webapp.activity import vocabulary as ev
from webapp.catalog.service import slugify
from webapp.media.demo_trailers import CUTS as DEMO_CUTS
from webapp.seed.catalog_files import GENRES
from webapp.seed.viewing_state import DAY, _sigmoid

ART_BOOST = 2.2  # planted: choice weight of an impression in the segment's preferred style
PREVIEW_PLAY = 0.08  # chance that the hero's preview starts the title at once
PREVIEW_BOOST = 4.0  # planted: that chance times this for the segment's trailer cut
CARDS_VISIBLE = {"tv": 5, "desktop": 6, "tablet": 4, "mobile": 3}


class BrowsingBehaviour:
    """Home page rows, impressions, clicks and the title page of ViewerSimulation."""

    def home_page(self, t: float, available: np.ndarray, z: np.ndarray) -> list[tuple]:
        """Rows of cards as the home page would show them; impressions for what is seen."""
        rng, view = self.rng, self.view
        rows = []
        progress = [i for i, s in self.status.items() if s == "progress" and available[i]]
        progress.sort(key=lambda i: -self.watch[i].updated_at)
        if progress:
            rows.append(("continue-watching", progress[:10]))
        unseen = available & ~self.completed
        rows.append(("top-picks", self._top(z + rng.normal(0, 0.8, len(view)), unseen)))
        fresh = np.clip(1 - view.added_ago / (30 * DAY), 0, 1)
        rows.append(
            (
                "popular",
                self._top(view.popularity + fresh + rng.normal(0, 0.3, len(view)), available),
            )
        )
        rows.append(("new", self._top(-view.added_ago, available)))
        if self.my_list:
            listed = sorted(self.my_list, key=lambda i: -self.my_list[i])
            rows.append(("my-list", [i for i in listed if available[i]][:12]))
        weights = np.exp(self.viewer.genre_taste - self.viewer.genre_taste.max())
        for g in rng.choice(len(GENRES), size=2, replace=False, p=weights / weights.sum()):
            in_genre = available & (view.genre_matrix[:, g] > 0)
            score = view.popularity + rng.normal(0, 0.5, len(view))
            rows.append((f"genre-{slugify(GENRES[g])}", self._top(score, in_genre)))
        rows = [r for r in rows if r[1]]
        # Everyone sees the first two rows; scrolling further gets rarer row by row.
        seen_rows = min(len(rows), 1 + int(rng.geometric(0.45)))
        visible_cards = CARDS_VISIBLE[self.session[1]]
        impressions = []
        for row_pos, (row_key, items) in enumerate(rows[:seen_rows]):
            cards = visible_cards * (2 if rng.random() < 0.25 else 1)
            for col_pos, index in enumerate(items[:cards]):
                variants = view.artworks[index]
                variant, style = (
                    variants[int(rng.integers(len(variants)))] if variants else (None, "")
                )
                self.emit(
                    t + row_pos * 4 + col_pos * 0.5,
                    ev.IMPRESSION,
                    index,
                    page="home",
                    row_key=row_key,
                    row_pos=row_pos,
                    col_pos=col_pos,
                    artwork_variant=variant,
                )
                impressions.append((index, row_key, row_pos, col_pos, variant, style))
        return impressions

    def hero_preview(self, index: int, t: float, z: np.ndarray, end: float) -> float | None:
        """The hero's muted preview, a random demo cut (`text`: the seed of trailer cuts turns it
        into the variant id); the segment's planted cut more often starts the title at once.
        The time after that playback, or None when the viewer browses on."""
        cut = DEMO_CUTS[int(self.rng.integers(len(DEMO_CUTS)))].name
        self.emit(t + 1.0, ev.PREVIEW, index, page="home", text=cut)
        chance = PREVIEW_PLAY * (PREVIEW_BOOST if cut == self.preferred_cut else 1.0)
        if self.rng.random() < chance * self.appeal_share(index, z):
            return self.play(index, t + float(self.rng.uniform(8, 30)), z, end)
        return None

    def appeal_share(self, index: int, z: np.ndarray) -> float:
        """How much more than usual the title appeals (0.5 to 1.5): taste still decides."""
        return 0.5 + _sigmoid(self.appeal(index, z))

    def _top(self, score: np.ndarray, mask: np.ndarray, size: int = 12) -> list[int]:
        masked = np.where(mask, score, -np.inf)
        order = np.argsort(-masked, kind="stable")[:size]
        return [int(i) for i in order if np.isfinite(masked[i])]

    def appeal(self, index: int, z: np.ndarray) -> float:
        """Utility of a title now: taste, popularity, and where the viewer stands with it."""
        bonus = {
            "progress": 2.2 if self.view.is_series[index] else 1.6,
            "completed": -3.5,
            "abandoned": -4.0,
        }.get(self.status.get(index), 0.0)
        if index in self.my_list:
            bonus += 0.8
        return self.viewer.beta * float(z[index]) + 0.5 * float(self.view.popularity[index]) + bonus

    def pick(self, impressions: list[tuple], z: np.ndarray) -> tuple | None:
        """Softmax over what is on screen; the preferred artwork style draws more clicks."""
        if not impressions:
            return None
        utilities = np.array([self.appeal(imp[0], z) for imp in impressions])
        weights = np.exp(utilities - utilities.max())
        for k, imp in enumerate(impressions):
            weights[k] /= 1 + 0.08 * imp[3] + 0.1 * imp[2]
            if imp[5] == self.preferred_style:
                weights[k] *= ART_BOOST
        return impressions[int(self.rng.choice(len(impressions), p=weights / weights.sum()))]

    def from_impression(self, impression: tuple, t: float, z: np.ndarray, end: float) -> float:
        index, row_key, row_pos, col_pos, variant, _ = impression
        rng = self.rng
        self.emit(
            t,
            ev.CLICK,
            index,
            page="home",
            row_key=row_key,
            row_pos=row_pos,
            col_pos=col_pos,
            artwork_variant=variant,
        )
        t += float(rng.uniform(5, 40))
        new_to_viewer = index not in self.my_list and self.status.get(index) is None
        save = _sigmoid(-2.3 + 0.9 * self.viewer.list_habit + 0.4 * z[index])
        if new_to_viewer and rng.random() < save:
            self.emit(t, ev.LIST_ADD, index, page="title")
            self.my_list[index] = t
            t += float(rng.uniform(3, 20))
            if rng.random() < 0.6:
                return t
        if rng.random() < 0.1:  # looked at the page, went back
            return t
        return self.play(index, t, z, end)
